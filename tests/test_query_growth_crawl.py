"""The growth crawler: no page's query count grows with the data, and a paged page's weight does not either.

Every GET URL pattern of the resolver (the portal's pages, their htmx fragments, the API's lists and details read with
a session) is asked, by each persona that may see it, in the dataset of tests/growth_dataset.py built at size 1 and
again at size 3 (3× the wards, the schools per ward, the targets, the periods, the history, the notifications, the
tasks). Each pattern's arguments name the object of the same role in both datasets ("the first ward's plan", "the
first school's report"); the pages without arguments are asked for the persona's own unit, plan and the current
period. At both sizes the answer must be the same, with the same number of queries. The lists are paged at 2 rows
here (Django's Paginator is patched), so that both datasets fill a page: a paged page's bytes must grow by less
than PAGED_GROWTH (a page that is not paged, a plan's targets or a report, grows with what it shows, by design).
The API pages its lists by id, not with Paginator: they are asked with page_size=2. What a page caps rather than
pages is over its cap at both sizes: the dataset holds more notifications than their list shows (100) and more
administration events than the unit list shows (30); a plan's coverage lists the items of the lower plans taking
up a target only up to CHILDREN_SHOWN of them (counted beyond), raised here so that both sizes list them; a unit
field lists a scope of at most 150 units and searches above, so its page grows up to that bound.
Run with -rP to see, for every request, its status, queries and bytes at both sizes, and the slowest requests.

Left out, with their reasons:
- /admin/: Django's own admin, for the system administrator, whose change lists page by themselves and whose counts
  are Django's;
- /api/v1/export/: a file download streaming every row of the unit's subtree, it must grow (its memory is pinned in
  tests/api/);
- /api/schema/ and /api/docs/: they describe the code, not the data;
- the sign-in, sign-out and password pages and /suc-khoe/: they read no data of any unit.
A pattern that takes an id this crawler cannot name (a token, a service account) is asked with 0 and must answer
405: such views only take a POST, so a new page among them would fail here until it is mapped.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from targets import queries as target_queries
from tests.growth_dataset import build_dataset

SIZES = (1, 3)
PAGED_GROWTH = 1.25  # a paged page (2 rows) may grow by its counters and menus, not by its rows
PAGE_ROWS = 2

EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"login", "logout", "password_change", "password_change_done", "password_reset",
                  "password_reset_done", "password_reset_confirm", "password_reset_complete", "health",
                  "api:export", "api:schema", "api:docs", "api:unknown_address"}

# (url name, kwarg) -> the role of the object it names, in the dataset (tests/growth_dataset.py); "plan" and
# "target" are the persona's own (HOME): a city's target is made concrete in every ward, a ward's is not
KWARG_ROLES = {
    ("targets:target_detail", "pk"): "target", ("targets:target_revise", "pk"): "target",
    ("targets:value_edit", "pk"): "target", ("targets:value_edit", "period_pk"): "period",
    ("targets:value_row", "pk"): "target", ("targets:value_row", "period_pk"): "period",
    ("targets:evidence_upload", "pk"): "target", ("targets:evidence_upload", "period_pk"): "period",
    ("targets:evidence_download", "pk"): "evidence",
    ("reports:outgoing_detail", "pk"): "outgoing", ("reports:outgoing_send", "pk"): "outgoing",
    ("reports:outgoing_approve", "pk"): "outgoing", ("reports:outgoing_answer", "pk"): "outgoing",
    ("reports:outgoing_download", "pk"): "outgoing",
    ("reports:school_report_attachment", "pk"): "attachment",
    ("reports:school_report_attachment_remove", "pk"): "attachment",
    ("reports:school_report_approve", "pk"): "school_report", ("reports:school_report_return", "pk"): "school_report",
    ("reports:period_remind", "period_pk"): "period", ("reports:period_exception", "period_pk"): "period",
    ("reports:build_status", "pk"): "build", ("reports:build_download", "pk"): "build",
    ("reports:plan_coverage", "pk"): "plan", ("reports:notification_read", "pk"): "notification",
    ("plans:plan_detail", "pk"): "plan", ("plans:plan_enact", "pk"): "plan",
    ("plans:plan_amend", "pk"): "plan", ("plans:plan_replace", "pk"): "plan",
    ("plans:task_detail", "pk"): "task", ("plans:task_update", "pk"): "task", ("plans:task_assign", "pk"): "task",
    ("plans:task_evidence_download", "pk"): "task_update",
    ("units:role_revoke", "membership_pk"): "membership",
    ("periods:period_edit", "pk"): "period", ("periods:period_delete", "pk"): "period",
    ("units:unit_rename", "pk"): "school", ("units:unit_close", "pk"): "school",
    ("public:plan_public", "pk"): "plan",
    **{(f"importer:{name}", "pk"): "plan_import" for name in (
        "plan_import_review", "plan_import_decide", "plan_import_create", "plan_import_discard", "plan_import_retry",
        "plan_import_done", "plan_import_arrange", "plan_import_tasks", "plan_import_section_horizon",
        "plan_import_cited")},
    ("api:unit_detail", "pk"): "ward", ("api:period_detail", "pk"): "period",
    ("api:document_detail", "pk"): "plan", ("api:target_detail", "pk"): "target",
    ("api:target_value", "pk"): "value_target",  # the ward's index: a figure entered (n times) for it
    ("api:target_value", "period_pk"): "period",
    ("api:value_detail", "pk"): "value", ("api:school_report_detail", "pk"): "school_report",
    ("api:outgoing_report_detail", "pk"): "outgoing", ("api:outgoing_report_file", "pk"): "outgoing",
    **{(f"units:{name}", "pk"): "account" for name in ("account_detail", "role_grant", "role_revoke",
                                                        "account_deactivate", "account_reactivate",
                                                        "account_send_link", "account_edit", "account_set_password")},
    **{(name, kwarg): role for name in ("reports:school_report_detail", "reports:school_report_xlsx",
                                        "reports:school_report_upload", "reports:school_report_attach",
                                        "api:school_report_save", "api:school_report_submit")
       for kwarg, role in (("school_pk", "school"), ("period_pk", "period"))},
}
KWARG_VALUES = {"fmt": "xlsx", "index": 0}

PERSONAS = ["principal", "officer", "leader", "so_officer", "so_leader", "admin"]
# the unit and plan a persona's pages are asked for when the address names none
HOME = {"principal": ("school", "school_plan", "school_target"), "officer": ("ward", "ward_plan", "ward_target"),
        "leader": ("ward", "ward_plan", "ward_target"), "so_officer": ("province", "city_plan", "city_target"),
        "so_leader": ("province", "city_plan", "city_target"), "admin": ("province", "city_plan", "city_target")}

# the views that answer htmx with a fragment of their page: asked both ways
HTMX_VARIANTS = {"targets:value_edit", "reports:build_status", "importer:plan_import_review"}
# the fragments htmx asks for alone
FRAGMENTS = {"targets:value_row", "reports:notification_count", "reports:unit_search", "units:unit_field_search"}
# searches and filters, asked beside the plain page: a search lists each match with its trail of parents
QUERY_VARIANTS = {
    "units:unit_field_search": ["scope=truong-hoc&name=unit&unit_q=Trường", "scope=tai-khoan&name=unit&unit_q=Số"],
    "reports:unit_search": ["q=Trường"], "units:unit_list": ["q=Trường", "kind=school"],
    "units:account_list": ["q=hieutruong"], "plans:task_list": ["overdue=on"], "plans:plan_list": ["q=Kế hoạch"],
    "targets:target_list": ["status=none"], "reports:report_inbox": ["q=Phường"],
    "reports:dashboard_drilldown": ["sort=-0"], "reports:period_completeness": ["q=Trường"],
    "api:deleted_value_list": [("since=…", lambda: f"since={timezone.now() - timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}")],
}
# their pages (and the API's lists): each must weigh the same, give or take PAGED_GROWTH, at both sizes
PAGED = {"plans:plan_list", "plans:task_list", "units:account_list", "units:unit_list", "reports:build_list",
         "reports:period_completeness", "reports:dashboard_drilldown", "reports:report_inbox",
         "reports:school_report_list", "reports:notification_list", "api:unit_list", "api:period_list",
         "api:document_list", "api:task_list", "api:indicator_list", "api:target_list", "api:value_list",
         "api:school_report_list", "api:outgoing_report_list"}
# ... except, for a persona, where the rows themselves carry what grew, by design
WEIGHT_EXEMPT = {
    # a school's own reports, one a semester (about 2 a year): not paged
    ("principal", "reports:school_report_list"),
    # the school is the page's one row and lists its predecessors in full (n schools merged into it)
    ("principal", "api:unit_list"),
}


def url_patterns(resolver=None, namespace=""):
    """(qualified name, kwarg names) of every pattern, through every include."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), list(entry.pattern.regex.groupindex)


def crawled_patterns():
    return [(name, kwargs) for name, kwargs in url_patterns()
            if name.split(":")[0] not in EXCLUDED_NAMESPACES and name not in EXCLUDED_NAMES]


def requests_for(name, kwargs, data, persona):
    """(label, url, htmx, the statuses expected or None) of a pattern for a persona: the label is the same at
    every size."""
    values, mapped = {}, True
    home = dict(zip(("unit", "plan", "target"), HOME[persona], strict=True))
    for kwarg in kwargs:
        role = KWARG_ROLES.get((name, kwarg))
        role = home.get(role, role)
        if role is not None:
            values[kwarg] = data[role].pk
        elif kwarg in KWARG_VALUES:
            values[kwarg] = KWARG_VALUES[kwarg]
        else:
            values[kwarg], mapped = 0, False
    url = reverse(name, kwargs=values)
    if not mapped:
        return [(name, url, False, {405})]
    unit, plan = data[home["unit"]], data[home["plan"]]
    if not kwargs:
        query = f"unit={unit.pk}&plan={plan.pk}&period={data['period'].pk}"
        if name.startswith("api:"):
            query += f"&page_size={PAGE_ROWS}"  # the API pages its lists by id (KeysetPagination), not by Paginator
        url = f"{url}?{query}"
    elif name in ("reports:plan_coverage", "public:plan_public"):
        url = f"{url}?unit={unit.pk}&period={data['period'].pk}"
    htmx = name in FRAGMENTS
    variants = [(name, url, htmx, None)]
    for more in QUERY_VARIANTS.get(name, []):
        shown, more = (more, more) if isinstance(more, str) else (more[0], more[1]())  # (label, what it asks now)
        variants.append((f"{name} ?{shown}", f"{url}&{more}", htmx, None))
    if name in HTMX_VARIANTS:
        variants.append((f"{name} (htmx)", url, True, None))
    return variants


def weigh(response):
    if getattr(response, "streaming", False):
        return len(b"".join(response.streaming_content))
    return len(response.content)


def crawl(client, data):
    """{(persona, label): (status, queries, bytes, expected statuses, seconds)} of every request of every
    pattern."""
    found = {}
    for persona in PERSONAS:
        client.force_login(data["personas"][persona])
        for name, kwargs in crawled_patterns():
            for label, url, htmx, expected in requests_for(name, kwargs, data, persona):
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                began = time.monotonic()
                connection.queries_log.clear()  # a bounded log: once full, CaptureQueriesContext would count none
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, **headers)
                    size = weigh(response)
                found[(persona, label)] = (response.status_code, len(queries), size, expected,
                                           time.monotonic() - began)
        client.logout()
    return found


@pytest.fixture
def small_pages(monkeypatch):
    """Every list that Django's Paginator pages (the API's too) paged at PAGE_ROWS rows, so that the small dataset
    fills a page as the large one does; and the lower plans a plan's coverage lists item by item (up to
    CHILDREN_SHOWN, counted beyond) listed at both sizes (7 plans take up a city's target at size 3, 3 at size 1)."""
    original = Paginator.__init__

    def paged(self, object_list, per_page, *args, **kwargs):
        original(self, object_list, PAGE_ROWS, *args, **kwargs)

    monkeypatch.setattr(Paginator, "__init__", paged)
    monkeypatch.setattr(target_queries, "CHILDREN_SHOWN", 10)


@pytest.mark.django_db
def test_no_page_grows_with_the_data(settings, tmp_path, small_pages):
    settings.MEDIA_ROOT = tmp_path
    client = Client(raise_request_exception=False)  # a page that fails is a 500 in the table, not the end of the crawl
    results, timings = {}, {}
    for n in SIZES:
        started = time.monotonic()
        with transaction.atomic():
            data = build_dataset(n, tmp_path)
            built = time.monotonic()
            cache.clear()
            results[n] = crawl(client, data)
            transaction.set_rollback(True)
        timings[n] = (built - started, time.monotonic() - built)
    small, large = (results[n] for n in SIZES)
    problems, table = [], []
    for key in sorted(small):
        persona, label = key
        (status, count, size, expected, _), (status_l, count_l, size_l, _, _) = small[key], large[key]
        name = label.removesuffix(" (htmx)")
        if expected is not None and status not in expected:
            problems.append(f"{persona} {label}: {status}, expected {sorted(expected)} (map its arguments)")
        if status >= 500 or status_l >= 500:
            problems.append(f"{persona} {label}: {status} / {status_l}")
        if status != status_l:
            problems.append(f"{persona} {label}: answered {status} at size 1, {status_l} at size 3")
        elif count != count_l:
            problems.append(f"{persona} {label}: {count} queries at size 1, {count_l} at size 3")
        elif (status == 200 and name in PAGED and (persona, name) not in WEIGHT_EXEMPT
              and size_l > size * PAGED_GROWTH):
            problems.append(f"{persona} {label}: {size} bytes at size 1, {size_l} at size 3")
        table.append(f"{persona:10} {label:50} {status} {count:4} {count_l:4} {size:8} {size_l:8}")
    print("\n".join(table))
    print("PROBLEMS:\n" + "\n".join(problems))
    print("timings (build, crawl):", timings)
    slowest = sorted(large.items(), key=lambda item: -item[1][4])[:20]
    print("\n".join(f"{seconds:.2f}s {persona} {label}" for (persona, label), (*_, seconds) in slowest))
    assert problems == []
    assert sum(1 for status, *_ in small.values() if status == 200) >= 100, "the crawler must see pages"
