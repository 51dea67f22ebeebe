import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse

from reports.models import ReportBuild
from tests.factories import make_document, make_period, make_unit
from tests.failed_writes import delete_refused, media_files
from units import stored_files
from units.models import Unit

CHANGELIST = reverse("admin:units_unit_changelist")
ADD = reverse("admin:units_unit_add")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The personas fixture creates eight users per test; the default PBKDF2 makes that ~2 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def change_url(unit):
    return reverse("admin:units_unit_change", args=[unit.pk])


def text_of(response):
    return response.content.decode()


def form_data(response):
    """What a browser would submit from the rendered unit form, inline management forms included."""
    form = lxml.html.fromstring(text_of(response)).get_element_by_id("unit_form")
    # Browsers drop the newline Django puts right after <textarea>.
    return {name: value.removeprefix("\n") for name, value in form.form_values()}


def test_the_changelist_lists_the_units_in_vietnamese(admin_client, tree):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    page = text_of(response)
    assert "đơn vị" in page
    assert "Trường Tiểu học và THCS A2" in page
    assert "Tiểu học &amp; Trung học cơ sở" in page


def test_the_change_page_shows_the_unit_and_its_children(admin_client, tree):
    response = admin_client.get(change_url(tree["A"]))
    assert response.status_code == 200
    page = text_of(response)
    assert "đơn vị" in page
    assert "Đơn vị trực thuộc" in page
    assert "/VN/HP/A/" in page
    assert "Trường Tiểu học A1" in page


def test_it_sends_a_commune_officer_to_the_login_page(client, personas):
    # Only staff reach the admin; officers work in the portal's own views.
    client.force_login(personas["officer_a"])
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_adding_a_unit_places_it_under_its_parent(admin_client, tree):
    data = form_data(admin_client.get(ADD))
    data.update(
        code="A-MN", name="Trường Mầm non A3", kind="school", levels='["mn"]', parent=str(tree["A"].pk)
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(code="A-MN")
    assert (unit.parent_id, unit.path, unit.depth) == (tree["A"].pk, "/VN/HP/A/A-MN/", 3)
    assert unit.levels == ["mn"]


def test_adding_a_school_without_levels_is_refused(admin_client, tree):
    data = form_data(admin_client.get(ADD))
    data.update(code="A-MN", name="Trường Mầm non A3", kind="school", parent=str(tree["A"].pk))
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "Trường học phải có ít nhất một cấp học." in text_of(response)
    assert not Unit.objects.filter(code="A-MN").exists()


def test_changing_the_parent_moves_the_subtree(admin_client, tree):
    data = form_data(admin_client.get(change_url(tree["A"])))
    data["parent"] = str(tree["B"].pk)
    response = admin_client.post(change_url(tree["A"]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    moved = Unit.objects.get(code="A")
    assert (moved.parent_id, moved.path, moved.depth) == (tree["B"].pk, "/VN/HP/B/A/", 3)
    child = Unit.objects.get(code="A-TH1")
    assert (child.path, child.depth) == ("/VN/HP/B/A/A-TH1/", 4)
    assert child.parent_id == moved.pk


def test_changing_the_code_rewrites_the_paths_below(admin_client, tree):
    data = form_data(admin_client.get(change_url(tree["A"])))
    data["code"] = "A-MOI"
    response = admin_client.post(change_url(tree["A"]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Unit.objects.get(code="A-THCS").path == "/VN/HP/A-MOI/A-THCS/"


def test_it_refuses_a_parent_below_the_unit_and_moves_nothing(admin_client, tree):
    data = form_data(admin_client.get(change_url(tree["A"])))
    data["parent"] = str(tree["A-VHXH"].pk)
    response = admin_client.post(change_url(tree["A"]), data)
    assert response.status_code == 200
    assert "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó." in text_of(response)
    assert Unit.objects.get(code="A").path == "/VN/HP/A/"
    assert Unit.objects.get(code="A-VHXH").path == "/VN/HP/A/A-VHXH/"


def test_editing_the_name_keeps_the_place_in_the_tree(admin_client, tree):
    data = form_data(admin_client.get(change_url(tree["A-TH1"])))
    data["name"] = "Trường Tiểu học A1 (đổi tên)"
    response = admin_client.post(change_url(tree["A-TH1"]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    school = Unit.objects.get(code="A-TH1")
    assert (school.name, school.path, school.depth) == ("Trường Tiểu học A1 (đổi tên)", "/VN/HP/A/A-TH1/", 3)


@pytest.fixture
def unit_with_a_build(tree, settings, tmp_path):
    """An office of A, deleted by the tests, that built a report of A's plan: the build's files on disk."""
    settings.MEDIA_ROOT = tmp_path
    office = make_unit("A-TCKT", "Phòng Tài chính - Kinh tế phường A", "commune_office", tree["A"])
    build = ReportBuild.objects.create(unit=office, document=make_document(tree["A"]), period=make_period(),
                                       formats=["xlsx", "pdf"])
    keep_build_files(build)
    assert len(media_files()) == 2
    return office


@stored_files.atomic
def keep_build_files(build):
    stored_files.store(build.xlsx_file, "bao-cao.xlsx", ContentFile(b"xlsx"))
    stored_files.store(build.pdf_file, "bao-cao.pdf", ContentFile(b"%PDF"))
    build.save(update_fields=["xlsx_file", "pdf_file"])


def test_a_unit_deleted_takes_the_files_of_its_report_builds_once_the_deletion_commits(
        admin_client, unit_with_a_build, django_capture_on_commit_callbacks):
    url = reverse("admin:units_unit_delete", args=[unit_with_a_build.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not ReportBuild.objects.exists() and len(media_files()) == 2  # not before the commit
    for callback in callbacks:
        callback()
    assert media_files() == []


def test_a_unit_deletion_rolled_back_keeps_the_files_of_its_report_builds(
        admin_client, unit_with_a_build, django_capture_on_commit_callbacks):
    url = reverse("admin:units_unit_delete", args=[unit_with_a_build.pk])
    with django_capture_on_commit_callbacks(execute=True), delete_refused("units_unit"), pytest.raises(IntegrityError):
        admin_client.post(url, {"post": "yes"})  # the builds deleted first, then the unit refused
    assert ReportBuild.objects.filter(unit=unit_with_a_build).exists() and len(media_files()) == 2
