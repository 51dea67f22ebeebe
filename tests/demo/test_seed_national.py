"""seed_synthetic --preset national at a small scale: the country's provinces, communes and schools, one
semester of values and reports, the national plan; the national dashboard, its drill-down by province and
the completeness by province, as the Ministry's leader sees them."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from demo.synthetic import Size
from periods.models import Period
from plans.models import Document
from reports.models import SchoolReport
from targets.models import ProgressValue, Target
from units.models import Unit

SCALE = "0.01"  # 34 provinces, one commune each, 14 schools a commune


@pytest.fixture
def country(db):
    out = StringIO()
    call_command("seed_synthetic", "--preset", "national", "--scale", SCALE, stdout=out)
    return out.getvalue()


def test_the_full_preset_is_the_size_of_the_country():
    size = Size.national()
    assert (size.provinces, size.communes, size.schools, size.indicators, size.periods) == (34, 3_300, 46_200, 65, 1)
    assert size.values == 3_003_000
    assert Size.national(scale=0.05).communes == 165


def test_it_builds_the_country_with_one_semester_of_values_reports_and_plans(country):
    assert "Tạo cả nước tổng hợp: 34 tỉnh, 34 xã, 476 trường, 65 chỉ số, 1 kỳ, 30.940 số liệu tiến độ." in country
    root = Unit.objects.get(code="VN")
    provinces = Unit.objects.filter(parent=root, kind="province")
    assert provinces.count() == 34
    assert Unit.objects.get(code="SY-P07-X001").parent.code == "SY-P07"
    assert Unit.objects.get(code="SY-P07-X001-T14").kind == "school"
    assert Unit.objects.in_subtree(provinces.get(code="SY-P34")).schools().count() == 14
    school = Unit.objects.get(code="SY-P34-X001-T01")
    expected = Unit(code=school.code, parent=school.parent)
    expected.place()
    assert (school.path, school.depth) == (expected.path, expected.depth) == ("/VN/SY-P34/SY-P34-X001/SY-P34-X001-T01/", 3)
    # one semester of values, and the schools' reports for it
    [period] = Period.objects.filter(code__startswith="sy-")
    assert ProgressValue.objects.filter(period=period).count() == 476 * 65
    reports = SchoolReport.objects.filter(period=period)
    assert 0.85 * 476 < reports.count() < 476  # a few schools have not started
    assert set(reports.values_list("status", flat=True)) == {"approved", "submitted", "returned", "draft"}
    # the national plan, implemented by each province's; the accounts
    national = Document.objects.get(issuer__code="SY-BGDDT")
    assert Target.objects.filter(document=national).count() == 65
    assert Document.implements.through.objects.filter(to_document=national).count() == 34
    assert Document.objects.filter(issuer__kind="province", issuer__code__startswith="SY-P").count() == 34
    assert get_user_model().objects.filter(username__startswith="synth.").count() == 1 + 34 + 34


def login(client):
    client.force_login(get_user_model().objects.get(username="synth.national"))
    return client


def test_the_ministry_sees_the_national_dashboard_its_provinces_and_their_completeness(country, client):
    login(client)
    [period] = Period.objects.filter(code__startswith="sy-")
    national = Document.objects.get(issuer__code="SY-BGDDT")
    root = Unit.objects.get(code="VN")
    query = {"unit": root.pk, "plan": national.pk, "period": period.pk}
    dashboard = client.get(reverse("reports:dashboard_unit"), query)
    assert dashboard.status_code == 200
    assert "65</div>chỉ tiêu" in dashboard.content.decode()
    drill = client.get(reverse("reports:dashboard_drilldown"), query).content.decode()
    rows = re.findall(r'<tr><th scope="row"><a [^>]+>([^<]+)</a></th>', drill)
    assert len(rows) == 34 and rows[0] == "Tỉnh Tổng Hợp 01"
    page = client.get(reverse("reports:period_completeness"), {"period": period.pk}).content.decode()
    assert "Tình hình nộp báo cáo — Trung ương" in page
    rows = re.findall(r'<td class="unit-name"><a href="[^"]+">([^<]+)</a></td>\s*<td class="num" data-label="Số trường">(\d+)</td>',
                      page)
    assert len(rows) == 34 and all(schools == "14" for _, schools in rows)
    reported = SchoolReport.objects.filter(period=period, status__in=["submitted", "approved"]).count()
    assert f"({reported}/476 trường)" in page
