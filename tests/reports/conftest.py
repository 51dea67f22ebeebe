"""Fixtures the report tests share."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_period


@pytest.fixture
def period(db):
    """The semester in progress: started 60 days ago, ends in 30, its deadline in 40 (entry open)."""
    today = timezone.localdate()
    return make_period(code="hk-nay", start=today - timedelta(60), end=today + timedelta(30),
                       deadline=today + timedelta(40))
