"""The lists whose rows are added and removed while a client pages through them (units merged in, plans imported and
archived, targets, tasks, school reports filed, reports sent up) page by the last id read, as values/ does: no row is
skipped or repeated when one is removed or added between two pages; `page` still pages in the list's own order."""

import pytest
from django.utils import timezone

from plans.models import Document, Task
from reports.models import OutgoingReport, SchoolReport
from targets.models import Target
from tests.factories import make_unit


@pytest.fixture
def more_rows(world, tree, personas, period):
    """Three tasks and three reports sent up, so that every list has at least three rows."""
    for n, unit in enumerate((tree["A"], tree["B"], tree["A"]), start=1):
        Task.objects.create(document=world["plan_a"], text=f"Nhiệm vụ {n}", lead_unit=unit, order=10 - n)
    for unit, plan, recipient in ((tree["A"], world["plan_a"], tree["HP"]), (tree["B"], world["plan_b"], tree["HP"]),
                                  (tree["HP"], world["city_plan"], tree["VN"])):
        OutgoingReport.objects.create(unit=unit, document=plan, period=period, number="1/BC", snapshot={},
                                      finalised_by=personas["officer_a"], recipient=recipient, sent_at=timezone.now())
    SchoolReport.objects.create(school=tree["A-THCS"], period=period)


def remove(model, manager="objects"):
    return lambda pk: getattr(model, manager).filter(pk=pk).delete()


def archive(model):
    return lambda pk: model.objects.filter(pk=pk).update(archived_at=timezone.now())


def add_a_unit_listed_first(_pk):
    make_unit("0", "Đơn vị thêm vào", "central")  # its path, /0/, comes before every other in the list's own order


CHANGES = {
    "/api/v1/school-reports/": remove(SchoolReport),
    "/api/v1/outgoing-reports/": remove(OutgoingReport),
    "/api/v1/targets/": archive(Target),
    "/api/v1/documents/": archive(Document),
    "/api/v1/tasks/": remove(Task),
    "/api/v1/units/": add_a_unit_listed_first,
}


def ids(client, url, **query):
    return [row["id"] for row in client.get(url, {"page_size": 1000, **query}).json()["results"]]


@pytest.mark.parametrize("url", CHANGES)
def test_paging_through_a_list_skips_and_repeats_no_row_when_one_changes_between_pages(more_rows, api_as, url):
    client = api_as("admin")
    before = ids(client, url)
    assert len(before) >= 3
    first = client.get(url, {"page_size": 2}).json()
    seen = [row["id"] for row in first["results"]]
    CHANGES[url](seen[0])  # the first row read is removed, or a row is added before it
    following = first["next"]
    while following:
        page = client.get(following).json()
        seen += [row["id"] for row in page["results"]]
        following = page["next"]
    assert len(seen) == len(set(seen)), "no row is read twice"
    kept = set(before) & set(ids(client, url))
    assert kept <= set(seen), "no row that stayed is skipped"


@pytest.mark.parametrize("url", CHANGES)
def test_a_list_pages_by_id_and_by_number_in_its_own_order(more_rows, api_as, url):
    client = api_as("admin")
    by_id = ids(client, url)
    assert by_id == sorted(by_id)
    numbered = client.get(url, {"page_size": 2, "page": 2}).json()
    assert numbered["previous"] is not None
    # a third page exactly when rows are left after the first four
    assert (numbered["next"] is not None and "page=3" in numbered["next"]) == (len(by_id) > 4)
    in_own_order = ids(client, url, page=1)
    assert sorted(in_own_order) == by_id
    assert numbered["results"] == client.get(url, {"page_size": 1000, "page": 1}).json()["results"][2:4]


def test_units_by_number_keep_the_order_of_the_tree(more_rows, api_as):
    client = api_as("admin")
    paths = [row["path"] for row in client.get("/api/v1/units/", {"page": 1, "page_size": 1000}).json()["results"]]
    assert paths == sorted(paths)
