"""A file picker offers what the portal takes: on a phone, a picker without `accept` offers videos and an iPhone's
HEIC photos, which the server refuses only after they were sent over mobile data. Each evidence field names the
endings and types units.evidence accepts for it (the server still checks every file's content)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from plans.models import Task
from tests.factories import make_document, make_indicator, make_period, make_target
from units import evidence

EVERY_KIND = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls"}


def accepted(page, name):
    """The endings and types the file input `name` of the page accepts."""
    tag = re.search(rf'<input type="file" name="{name}"[^>]*>', page).group(0)
    found = re.search(r'accept="([^"]*)"', tag)
    assert found, f"no accept on {tag}"
    return set(found.group(1).split(","))


@pytest.fixture
def period(db):
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                       end=today + timedelta(days=60), deadline=today + timedelta(days=70))


def test_a_targets_evidence_picker_offers_every_kind_taken(client, personas, tree, period):
    target = make_target(make_document(tree["A"]), make_indicator("GV"), value=80)
    client.force_login(personas["officer_a"])
    offered = accepted(client.get(f"/chi-tieu/{target.pk}/?period={period.pk}").content.decode(), "file")
    assert offered == EVERY_KIND | set(evidence.EXTENSIONS)
    assert ".heic" not in offered and "image/*" not in offered


def test_a_school_reports_evidence_picker_offers_every_kind_taken(client, personas, tree, period):
    client.force_login(personas["principal_a"])
    page = client.get(f"/bao-cao/truong/{tree['A-TH1'].pk}/ky/{period.pk}/").content.decode()
    assert 'id="attach-form"' in page
    attach = page[page.index('id="attach-form"'):]
    assert accepted(attach, "file") == EVERY_KIND | set(evidence.EXTENSIONS)


def test_a_tasks_evidence_picker_offers_only_pdf_and_photos(client, personas, tree):
    task = Task.objects.create(document=make_document(tree["A"]), text="Rà soát đội ngũ", lead_unit=tree["A"],
                               due_date=date(2027, 5, 31))
    client.force_login(personas["officer_a"])
    offered = accepted(client.get(f"/ke-hoach/nhiem-vu/{task.pk}/").content.decode(), "evidence")
    assert offered == {".pdf", ".png", ".jpg", ".jpeg", "application/pdf", "image/png", "image/jpeg"}
