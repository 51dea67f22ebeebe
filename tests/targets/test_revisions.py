"""A target's values are kept from its creation: every change is recorded (by targets.actions.record_target_revisions,
whatever the path), and once the plan is in force a change needs a reason."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from plans.models import DocumentStatus
from targets.actions import record_target_revisions
from targets.models import (
    Comparator,
    TargetHorizon,
    TargetRevision,
)
from tests.factories import make_document, make_indicator, make_target

REASON_MISSING = "Kế hoạch đã có hiệu lực: hãy ghi lý do điều chỉnh giá trị chỉ tiêu."


class FormValues(HTMLParser):
    """What a browser would submit from the admin's target form, as the page renders it."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        # the empty inline row is a template for the page's JavaScript, never submitted
        if name and "__prefix__" in name:
            name = None
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value") or "on")
            else:
                self.add(name, attrs.get("value") or "")
        elif tag == "select":
            self.select = name
            if name:
                self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def rendered_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = FormValues("target_form")
    parser.feed(response.content.decode())
    data = parser.data
    # browsers drop the newline that opens a textarea
    for name in ("text", "note", "revision_reason"):
        data[name] = [value.removeprefix("\n") for value in data[name]]
    return data


def post(client, url, data, **changes):
    data = {**data, **{name: [value] for name, value in changes.items()}, "_save": ["Lưu lại"]}
    return client.post(url, data)


def staff_target(tree, status=DocumentStatus.IN_FORCE):
    """A's plan with one target: 35% of teachers above the standard by 2030, 50% by 2035."""
    document = make_document(tree["A"], number="115/KH-UBND", title="Kế hoạch thực hiện NQ71", status=status)
    indicator = make_indicator("gv-tren-chuan", "Tỷ lệ giáo viên đạt trên chuẩn", unit_label="%")
    return make_target(document, indicator, text="tỷ lệ giáo viên đạt trên chuẩn từ 35% trở lên",
                       comparator=Comparator.GTE, horizons=[("2030", date(2030, 12, 31), 35, None, None),
                                                            ("2035", date(2035, 12, 31), 50, None, None)])


def horizon_values(target):
    return {h.label: h.value for h in TargetHorizon.objects.filter(target=target)}


@pytest.fixture
def as_admin(client, personas):
    client.force_login(personas["admin"])
    return client


@pytest.fixture
def in_force(tree):
    return staff_target(tree)


@pytest.fixture
def url(in_force):
    return f"/admin/targets/target/{in_force.pk}/change/"


def test_the_change_form_offers_the_reason_and_the_horizons(as_admin, url):
    data = rendered_form(as_admin, url)

    assert data["comparator"] == ["gte"]
    assert data["revision_reason"] == [""]
    assert (data["horizons-0-label"], data["horizons-0-value"]) == (["2030"], ["35.0000"])
    assert data["horizons-TOTAL_FORMS"] == ["2"]
    assert data["responsibilities-TOTAL_FORMS"] == ["0"]
    assert data["revisions-TOTAL_FORMS"] == ["0"]


def test_resubmitting_the_form_unchanged_saves_without_a_reason(as_admin, url, in_force):
    # guards the form builder: an unchanged page must be accepted, or the refusals below prove nothing
    response = post(as_admin, url, rendered_form(as_admin, url))

    assert response.status_code == 302
    assert not TargetRevision.objects.exists()


def test_changing_the_comparator_without_a_reason_is_refused(as_admin, url, in_force):
    response = post(as_admin, url, rendered_form(as_admin, url), comparator="lte")

    assert response.status_code == 200
    assert REASON_MISSING in response.content.decode()
    assert response.context["adminform"].form.errors["revision_reason"] == [REASON_MISSING]
    in_force.refresh_from_db()
    assert in_force.comparator == "gte"
    assert not TargetRevision.objects.exists()


def test_changing_a_horizon_value_without_a_reason_is_refused(as_admin, url, in_force):
    response = post(as_admin, url, rendered_form(as_admin, url), **{"horizons-0-value": "40"})

    assert response.status_code == 200
    assert REASON_MISSING in response.content.decode()
    assert horizon_values(in_force) == {"2030": Decimal("35"), "2035": Decimal("50")}
    assert not TargetRevision.objects.exists()


def test_deleting_a_horizon_without_a_reason_is_refused(as_admin, url, in_force):
    response = post(as_admin, url, rendered_form(as_admin, url), **{"horizons-1-DELETE": "on"})

    assert REASON_MISSING in response.content.decode()
    assert horizon_values(in_force) == {"2030": Decimal("35"), "2035": Decimal("50")}


def test_changing_the_comparator_with_a_reason_records_the_revision(as_admin, url, in_force, personas):
    reason = "Điều chỉnh theo Kế hoạch số 20/KH-UBND của thành phố"
    response = post(as_admin, url, rendered_form(as_admin, url), comparator="eq", revision_reason=reason)

    assert response.status_code == 302
    in_force.refresh_from_db()
    assert in_force.comparator == "eq"
    revision = TargetRevision.objects.get()
    assert (revision.target, revision.reason, revision.changed_by) == (in_force, reason, personas["admin"])
    assert (revision.before["comparator"], revision.after["comparator"]) == ("gte", "eq")
    assert (
        revision.before["horizons"]
        == revision.after["horizons"]
        == {
            "2030": {"value": "35", "value_max": None, "floor_value": None},
            "2035": {"value": "50", "value_max": None, "floor_value": None},
        }
    )


def test_changing_a_horizon_value_with_a_reason_records_the_revision(as_admin, url, in_force):
    reason = "Điều chỉnh lộ trình theo chỉ đạo của Sở"
    response = post(
        as_admin,
        url,
        rendered_form(as_admin, url),
        **{"horizons-0-value": "40"},
        revision_reason=reason,
    )

    assert response.status_code == 302
    assert horizon_values(in_force) == {"2030": Decimal("40"), "2035": Decimal("50")}
    revision = TargetRevision.objects.get()
    assert revision.reason == reason
    assert revision.before["horizons"]["2030"]["value"] == "35"
    assert revision.after["horizons"]["2030"]["value"] == "40"


def test_changing_only_the_note_needs_no_reason_and_records_nothing(as_admin, url, in_force):
    response = post(as_admin, url, rendered_form(as_admin, url), note="Theo dõi hằng quý")

    assert response.status_code == 302
    in_force.refresh_from_db()
    assert in_force.note == "Theo dõi hằng quý"
    assert not TargetRevision.objects.exists()


def test_a_draft_target_changes_without_a_reason_and_the_change_is_kept(as_admin, tree, personas):
    draft = staff_target(tree, status=DocumentStatus.DRAFT)
    url = f"/admin/targets/target/{draft.pk}/change/"

    response = post(
        as_admin, url, rendered_form(as_admin, url), comparator="eq", **{"horizons-0-value": "40"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.comparator == "eq"
    assert horizon_values(draft)["2030"] == Decimal("40")
    revision = TargetRevision.objects.get()
    assert (revision.reason, revision.changed_by) == ("", personas["admin"])
    assert (revision.before["comparator"], revision.after["comparator"]) == ("gte", "eq")
    assert (revision.before["horizons"]["2030"]["value"], revision.after["horizons"]["2030"]["value"]) == ("35", "40")


def test_recording_a_revision_without_a_change_writes_none(in_force, personas):
    before = {in_force.pk: in_force.values_snapshot()}

    assert record_target_revisions(targets=[in_force], before=before, by=personas["admin"], reason="Không đổi") == []
    assert not TargetRevision.objects.exists()


def test_recording_a_revision_keeps_both_snapshots(in_force, personas):
    before = {in_force.pk: in_force.values_snapshot()}
    in_force.horizons.filter(label="2035").update(value=55)
    in_force.level_label = "bậc 3"
    in_force.save()

    [revision] = record_target_revisions(
        targets=[in_force], before=before, by=personas["admin"], reason="Sửa lỗi nhập"
    )

    assert revision == TargetRevision.objects.get()
    assert revision.before["horizons"]["2035"]["value"] == "50"
    assert revision.after["horizons"]["2035"]["value"] == "55"
    assert (revision.before["level_label"], revision.after["level_label"]) == ("", "bậc 3")


def test_moving_a_draft_target_into_an_in_force_plan_with_a_new_comparator_needs_a_reason(as_admin, tree):
    draft = staff_target(tree, status=DocumentStatus.DRAFT)
    in_force_plan = make_document(tree["B"], "20/KH-UBND", "Kế hoạch của phường B")
    url = f"/admin/targets/target/{draft.pk}/change/"

    response = post(
        as_admin, url, rendered_form(as_admin, url), document=str(in_force_plan.pk), comparator="eq"
    )

    assert REASON_MISSING in response.content.decode()
    assert not TargetRevision.objects.filter(reason="").exists()
