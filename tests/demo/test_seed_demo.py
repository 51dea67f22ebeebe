"""seed_demo: the three sample plans carry every annotated target, and a second run changes nothing."""

import json
from decimal import Decimal

import pytest
from django.db import transaction

from demo.loader import GOLD_DIR, SEED_DIR, seed_demo
from periods.models import Period
from plans.models import Document, Task, TaskGroup
from targets.models import Indicator, ProgressValue, Target, TargetHorizon
from tests.factories import sign_in
from units.models import Membership, Role, Unit

PLAN_TITLES = {
    "ke-hoach-phuong-kinh-mon": ("KM", "Kế hoạch thực hiện Nghị quyết số 71-NQ/TW"),
    "ke-hoach-phuong-duong-kinh": ("DK", "Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh"),
    "ke-hoach-truong-th-hien-thanh": ("NDN-TH-HIENTHANH", "Kế hoạch thực hiện Nghị quyết số 71-NQ/TW"),
}
COMPARATORS = {"=": "eq", ">=": "gte", "<=": "lte", "range": "range", "maintain": "maintain", "achieve": "achieve"}


# pytest-django creates the test database only when a collected test asks for one: without this mark, this
# file run alone had none, and the module's seed went to the database named in the settings (db.sqlite3)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a few seconds), in a transaction rolled back afterwards: each
    test runs in a savepoint inside it, and the database is left as the migrations made it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


def gold(key):
    return json.loads((GOLD_DIR / f"{key}.json").read_text(encoding="utf-8"))


def plan(key):
    issuer, title = PLAN_TITLES[key]
    return Document.objects.get(issuer__code=issuer, title__startswith=title)


@pytest.mark.parametrize("key", sorted(PLAN_TITLES))
def test_it_loads_as_many_targets_per_plan_as_the_annotation(seeded, key):
    annotation = gold(key)
    document = plan(key)
    assert Target.objects.for_document(document).targets().count() == len(annotation["targets"])
    assert Target.objects.for_document(document).projections().count() == len(annotation["projections"])


@pytest.mark.parametrize("key", sorted(PLAN_TITLES))
def test_each_target_keeps_the_annotated_value_comparator_and_horizon(seeded, key):
    document = plan(key)
    targets = {t.ref: t for t in Target.objects.for_document(document).prefetch_related("horizons")}
    annotation = gold(key)
    for row in annotation["targets"] + annotation["projections"]:
        target = targets[row["id"]]
        (horizon,) = target.horizons.all()
        assert target.comparator == COMPARATORS[row["comparator"]], row["id"]
        assert target.text == row["quote"]
        assert horizon.label == (row["deadline"] or "")
        expected = None if row["value"] is None else Decimal(str(row["value"]))
        assert horizon.value == expected, row["id"]
        if row.get("value_max") is not None:
            assert horizon.value_max == Decimal(str(row["value_max"]))
        assert target.level_label == (row["level_label"] or "")


def test_the_annotated_counts_are_those_of_the_sample_plans(seeded):
    # Pinned so that a change of the annotation or the loader is noticed: 29 + 18 + 48 targets.
    assert Target.objects.filter(document__in=[plan(k) for k in PLAN_TITLES]).targets().count() == 95
    assert Target.objects.for_document(plan("ke-hoach-phuong-duong-kinh")).projections().count() == 37


def test_a_second_run_changes_nothing(seeded):
    models = [Unit, Document, Indicator, Target, TargetHorizon, TaskGroup, Task, Period, Membership, ProgressValue]
    before = {m: m.objects.count() for m in models}
    last_value = ProgressValue.objects.order_by("-entered_at").values_list("entered_at", flat=True).first()
    tally = seed_demo()
    assert tally.total == 0
    assert {m: m.objects.count() for m in models} == before
    assert ProgressValue.objects.order_by("-entered_at").values_list("entered_at", flat=True).first() == last_value


def test_it_never_overwrites_what_a_user_changed(seeded):
    target = Target.objects.get(document=plan("ke-hoach-phuong-kinh-mon"), ref="000-11")
    horizon = target.horizons.get()
    horizon.value = Decimal("55")
    horizon.save(update_fields=["value"])
    seed_demo()
    horizon.refresh_from_db()
    assert horizon.value == Decimal("55")
    horizon.value = Decimal("50")
    horizon.save(update_fields=["value"])


def test_duong_kinh_has_its_eight_public_schools_and_the_named_ones(seeded):
    schools = Unit.objects.in_subtree(Unit.objects.get(code="DK")).schools()
    assert schools.count() == 8
    names = set(schools.values_list("name", flat=True))
    for name in ["Trường Mầm non Tân Thành", "Trường Mầm non Hòa Nghĩa", "Trường Tiểu học Hải Thành",
                 "Trường THCS Hải Thành", "Trường Tiểu học và THCS Tân Thành"]:
        assert name in names
    assert Unit.objects.get(code="DK-THTHCS-TANTHANH").levels == ["th", "thcs"]
    assert Unit.objects.get(code="NDN-TH-HIENTHANH").parent.code == "NDN"


def test_the_wards_formed_in_2025_follow_their_predecessors(seeded):
    ward = Unit.objects.get(code="DK")
    old = Unit.objects.get(code="P-HAITHANH")
    assert old.pk in ward.lineage_ids()
    assert old.current_successors() == [ward]
    # 2024-2025 ward figures stand where they were entered, under the former wards
    values = ProgressValue.objects.filter(unit_id__in=ward.lineage_ids(), period__code="2024-2025-nh")
    assert values.filter(unit=old).exists()
    assert not values.filter(unit=ward).exists()


def test_the_chain_of_documents_follows_the_plans(seeded):
    duong_kinh = plan("ke-hoach-phuong-duong-kinh")
    numbers = set(duong_kinh.implements.values_list("number", flat=True))
    assert numbers == {p["number"] for p in gold("ke-hoach-phuong-duong-kinh")["parents"]}
    school = plan("ke-hoach-truong-th-hien-thanh")
    assert "102/KH-UBND" in set(school.implements.values_list("number", flat=True))
    nq71 = Document.objects.get(number="71-NQ/TW")
    assert set(nq71.implemented_by.values_list("number", flat=True)) >= {"281/NQ-CP", "02-CTr/TU"}


def test_nested_and_cascading_targets_are_linked(seeded):
    duong_kinh = plan("ke-hoach-phuong-duong-kinh")
    whole = Target.objects.get(document=duong_kinh, ref="004-22")
    assert set(whole.parts.values_list("ref", flat=True)) == {"004-23", "004-24", "004-25"}
    toddlers = Target.objects.get(document=duong_kinh, ref="004-05")
    assert toddlers.parent.document.number == "71-NQ/TW"
    assert toddlers.parent.horizons.get(label="2030").value == Decimal("35")
    budget = Target.objects.get(document__number="71-NQ/TW", ref="NQ71-06")
    assert budget.part_of.ref == "NQ71-05"
    milestone = Target.objects.get(document=duong_kinh, ref="004-26")
    assert milestone.horizons.get().deadline.isoformat() == "2027-05-31"
    assert list(milestone.scope_units.values_list("code", flat=True)) == ["DK-MN-HOANGHIA"]


def test_tasks_and_assignments_are_loaded_as_the_plans_group_them(seeded):
    data = json.loads((SEED_DIR / "tasks.json").read_text(encoding="utf-8"))
    for key in PLAN_TITLES:
        document = plan(key)
        expected = sum(len(g["tasks"]) for g in data[key]["groups"])
        assert Task.objects.filter(document=document).count() == expected
        assert TaskGroup.objects.filter(document=document).count() == len(data[key]["groups"])
    office = Unit.objects.get(code="DK-VHXH")
    assert Task.objects.filter(document=plan("ke-hoach-phuong-duong-kinh"), lead_unit=office).exists()
    # "Các trường …" assignments are spread over every school of the ward
    km_schools = set(Unit.objects.in_subtree(Unit.objects.get(code="KM")).schools().values_list("pk", flat=True))
    assert any(
        km_schools <= set(t.coordinating_units.values_list("pk", flat=True))
        for t in Task.objects.filter(document=plan("ke-hoach-phuong-kinh-mon"))
    )


def test_there_is_a_demo_login_for_every_role(seeded, client):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    sign_in(client, "canbo.duongkinh", "Demo@2026")


def test_two_school_years_of_demo_progress_roll_up_from_counts(seeded):
    values = ProgressValue.objects.filter(is_demo=True)
    school_years = set(values.values_list("period__school_year", flat=True))
    assert school_years == {"2024-2025", "2025-2026"}
    assert not values.exclude(source="demo").exists()
    # every school reports the training rate as counts each semester
    trained = values.filter(indicator__code="cbql-gv-boi-duong-cds", period__code="2025-2026-hk2")
    assert trained.count() == Unit.objects.schools().count()
    assert all(v.numerator <= v.denominator for v in trained)
    # a TH&THCS school reports the indicators of both its levels
    two_levels = values.filter(unit__code="DK-THTHCS-TANTHANH", period__code="2025-2026-hk1")
    assert two_levels.filter(indicator__code="hs-lop5-vao-lop6").exists()
    assert two_levels.filter(indicator__code="hs-lop9-hoan-thanh-thcs").exists()


def test_the_admin_lists_the_demo_plans(seeded, client, django_assert_max_num_queries):
    sign_in(client, "quantri", "Demo@2026")
    # session, user, count, page of documents, and the filter's issuer list: bounded whatever the rows
    with django_assert_max_num_queries(12):
        response = client.get("/admin/plans/document/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch phát triển và nâng cao chất lượng Giáo dục và Đào tạo phường Dương Kinh" in page
    assert "71-NQ/TW" in page


@pytest.mark.parametrize("url", [
    "/admin/units/unit/", "/admin/units/membership/", "/admin/units/unitsuccession/", "/admin/plans/task/",
    "/admin/plans/taskgroup/", "/admin/targets/indicator/", "/admin/targets/target/", "/admin/targets/progressvalue/",
    "/admin/targets/targetrevision/", "/admin/periods/period/", "/admin/auth/user/",
])
def test_every_admin_list_opens_with_the_demo_data(seeded, client, url):
    sign_in(client, "quantri", "Demo@2026")
    response = client.get(url)
    assert response.status_code == 200
    assert "Chọn" in response.content.decode()  # Vietnamese admin: "Chọn … để thay đổi"


def test_a_plan_page_in_the_admin_shows_its_targets_inline(seeded, client):
    sign_in(client, "quantri", "Demo@2026")
    document = plan("ke-hoach-truong-th-hien-thanh")
    response = client.get(f"/admin/plans/document/{document.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ngô Thị Thu Huyền" in page
    assert page.count('name="targets-') >= 18
