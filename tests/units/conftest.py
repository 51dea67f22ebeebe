"""The unit administrators the account pages' tests act as."""

import pytest

from tests.factories import make_user
from units.models import Role


@pytest.fixture
def admins(tree):
    return {
        # the administrator of phường A: accounts of A, its office and its schools
        "admin_a": make_user("quantri.a", tree["A"], Role.UNIT_ADMIN),
        # the administrator of phường B: must be refused everything of A
        "admin_b": make_user("quantri.b", tree["B"], Role.UNIT_ADMIN),
        # the administrator placed in the Sở: the whole city
        "admin_hp": make_user("quantri.sgd", tree["SGDDT"], Role.UNIT_ADMIN),
    }
