"""A ward's own figures lock at the period's lock date like the schools' reports (issue 10): after it, only an
exception granted by the level above for the unit, or a system admin, opens entry, in the form, the page and
the action alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from periods.models import PeriodException
from targets.actions import PeriodLockedError, save_progress_value
from targets.forms import ProgressForm
from targets.models import ProgressValue
from tests.factories import make_document, make_indicator, make_period, make_target, make_user


@pytest.fixture
def locked_period(db):
    """A semester whose deadline and the seven days after it are past: entry is closed."""
    today = timezone.localdate()
    first = today.year - 1 if today.month >= 8 else today.year - 2
    return make_period(code="hk-da-khoa", kind="semester_2", school_year=f"{first}-{first + 1}",
                       start=today - timedelta(days=200), end=today - timedelta(days=100),
                       deadline=today - timedelta(days=90), lock_after_days=7)


@pytest.fixture
def rooms(tree):
    """A's plan: smart classrooms, a figure the ward enters itself."""
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch thực hiện Nghị quyết 71")
    return make_target(document, make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum", "phòng"),
                       1, Decimal(12))


@pytest.fixture
def officer_hp(tree):
    # an officer of the city: the level above phường A and B
    return make_user("officer_hp", tree["HP"], "officer")


def save(client, target, period, value="100", version=0):
    return client.post(reverse("targets:value_edit", args=[target.pk, period.pk]),
                       {"value": value, "status": "in_progress", "note": "", "version": version})


def lock_message(period):
    return (f"Kỳ báo cáo đã khóa nhập số liệu từ ngày {period.locks_on:%d/%m/%Y}. "
            "Hãy đề nghị cán bộ phụ trách của cấp trên gia hạn cho đơn vị.")


def grant(client, unit, period, days=7):
    return client.post(reverse("reports:period_exception", args=[period.pk]), {
        "unit": unit.pk, "open_until": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "reason": "Bổ sung số liệu sau kiểm tra", "seen": "0"}, follow=True)  # the page showed no reopening


def test_the_ward_officer_cannot_save_a_ward_figure_after_the_lock_date(client, personas, rooms, locked_period):
    client.force_login(personas["officer_a"])
    page = client.get(reverse("targets:value_edit", args=[rooms.pk, locked_period.pk]))
    assertContains(page, "Kỳ này đã khóa nhập từ ngày")

    response = save(client, rooms, locked_period)

    assert response.status_code == 200
    assertContains(response, lock_message(locked_period))
    assert not ProgressValue.objects.exists()


def test_the_action_refuses_too(personas, rooms, locked_period):
    with pytest.raises(PeriodLockedError, match="đã khóa nhập số liệu"):
        save_progress_value(target=rooms, period=locked_period, values={"value": Decimal(100), "status": "done"},
                            by=personas["officer_a"], expected_version=0)
    assert not ProgressValue.objects.exists()


def test_the_form_refuses_for_the_user_it_is_given(personas, rooms, locked_period):
    data = {"value": "100", "status": "in_progress", "note": "", "version": 0}
    officer = ProgressForm(data, target=rooms, period=locked_period, user=personas["officer_a"])
    admin = ProgressForm(data, target=rooms, period=locked_period, user=personas["admin"])
    assert officer.errors["__all__"] == [lock_message(locked_period)]
    assert admin.is_valid()


def test_the_city_officer_reopens_the_wards_entry_from_the_inbox(client, personas, tree, rooms, locked_period,
                                                                 officer_hp):
    client.force_login(officer_hp)
    inbox = client.get(reverse("reports:report_inbox"), {"unit": tree["HP"].pk, "period": locked_period.pk})
    assertContains(inbox, "Mở nhập số liệu sau hạn")
    assertContains(inbox, "Mở nhập cho Phường A")

    granted = grant(client, tree["A"], locked_period)

    assertContains(granted, "Đã mở nhập số liệu cho")
    exception = PeriodException.objects.get()
    assert (exception.unit, exception.granted_by) == (tree["A"], officer_hp)
    client.force_login(personas["officer_a"])
    assert save(client, rooms, locked_period).status_code == 302
    assert ProgressValue.objects.get().value == 100


def test_the_exception_opens_only_the_unit_it_was_granted_to(client, personas, tree, locked_period, officer_hp):
    plan_b = make_document(tree["B"], "5/KH-UBND", "Kế hoạch của phường B")
    target_b = make_target(plan_b, make_indicator("so-lop", "Số lớp học", "count", "sum", "lớp"), 1, Decimal(20))
    client.force_login(officer_hp)
    grant(client, tree["A"], locked_period)

    client.force_login(personas["officer_b"])
    assertContains(save(client, target_b, locked_period), lock_message(locked_period))


@pytest.mark.parametrize(("persona", "status"), [("officer_a", 403), ("leader_a", 403), ("officer_b", 404)])
def test_a_ward_cannot_reopen_its_own_entry(client, personas, tree, locked_period, persona, status):
    client.force_login(personas[persona])
    assert grant(client, tree["A"], locked_period).status_code == status
    assert not PeriodException.objects.exists()


def test_the_ward_officer_is_not_offered_to_reopen_the_ward(client, personas, tree, locked_period):
    client.force_login(personas["officer_a"])
    # the ward's officer is the level above its schools (reopened from the completeness page), not above itself
    completeness = client.get(reverse("reports:period_completeness"), {"unit": tree["A"].pk,
                                                                       "period": locked_period.pk})
    assertContains(completeness, "Mở nhập cho trường")
    assertContains(completeness, f'<input type="hidden" name="unit" value="{tree["A-TH1"].pk}">')
    inbox = client.get(reverse("reports:report_inbox"), {"unit": tree["A"].pk, "period": locked_period.pk})
    assertNotContains(inbox, "Mở nhập cho Phường A")


def test_a_system_admin_may_still_correct_a_figure_after_the_lock(client, personas, rooms, locked_period):
    client.force_login(personas["admin"])
    assert save(client, rooms, locked_period, value="9").status_code == 302
    assert ProgressValue.objects.get().value == 9


def test_the_ward_officer_needs_an_exception_for_a_schools_own_figures_too(client, personas, tree, locked_period):
    school_plan = make_document(tree["A-TH1"], "3/KH-TH", "Kế hoạch của Trường Tiểu học A1")
    target = make_target(school_plan, make_indicator("so-cau-lac-bo", "Số câu lạc bộ", "count", "sum"), 1, Decimal(5))
    client.force_login(personas["officer_a"])
    assertContains(save(client, target, locked_period), "Hãy đề nghị cán bộ phụ trách của phường/xã gia hạn cho trường.")

    grant(client, tree["A-TH1"], locked_period)

    assert save(client, target, locked_period).status_code == 302


def test_no_evidence_is_attached_once_the_period_is_locked(client, personas, rooms, locked_period):
    """The figure entered while the period was open stays; a file added after the lock is refused like the figure."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from targets.models import Evidence
    from tests.evidence_files import png

    def png_file(name):
        return SimpleUploadedFile(name, png(), content_type="image/png")

    ProgressValue.objects.create(target=rooms, indicator=rooms.indicator, unit=rooms.document.issuer,
                                 period=locked_period, value=Decimal(4), entered_by=personas["officer_a"])
    client.force_login(personas["officer_a"])
    response = client.post(reverse("targets:evidence_upload", args=[rooms.pk, locked_period.pk]),
                           {"file": png_file("bien-ban.png")}, follow=True)
    assertContains(response, lock_message(locked_period))
    assert not Evidence.objects.exists()
    client.force_login(personas["admin"])  # a system admin corrects after the lock, as for the figure
    client.post(reverse("targets:evidence_upload", args=[rooms.pk, locked_period.pk]), {"file": png_file("bien-ban.png")})
    assert Evidence.objects.count() == 1
