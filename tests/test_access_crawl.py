"""The access crawler: every URL pattern of the resolver, every object of a small seeded dataset, every
persona; outside a persona's scope every read and every write is a 404 and changes nothing.

The expected answer is derived here from the unit tree (the object's unit against the persona's scope root,
walking `Unit.parent`), independently of units/access.py, so that a rule broken there is caught here.

Left out, with their reasons:
- /admin/: staff only, Django's own permission checks (the personas are not staff: they are sent to the
  admin's sign-in, checked below);
- /api/: its own tests (tests/api/), token authentication and a schema-driven fuzzer;
- /cong-khai/: public on purpose (only documents marked public; tests/reports/test_plan_public.py);
- sign-in, sign-out and password pages: no object of any unit;
- /suc-khoe/: the health check, public on purpose, naming no data (tests/test_failures.py).
"""

import itertools
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from plans.models import PlanImport, PlanImportStatus, Task, TaskUpdate
from reports.content import build_report_content
from reports.models import (
    BuildState,
    OutgoingReport,
    ReportBuild,
    ReportStatus,
    SchoolReport,
    SchoolReportAttachment,
)
from targets.actions import save_progress_value
from targets.models import Evidence, ProgressValue
from tests import evidence_files
from tests.factories import make_document, make_indicator, make_period, make_target

EXCLUDED_NAMESPACES = {"admin", "api", "public"}
EXCLUDED_NAMES = {"login", "logout", "password_change", "password_change_done", "password_reset",
                  "password_reset_done", "password_reset_confirm", "password_reset_complete", "health"}

# (url name, kwarg) -> the kind of seeded object its value names. A new pattern with an id and no row here
# fails test_every_url_kwarg_is_mapped: add the row (and the objects) when you add the URL.
KWARG_OBJECTS = {
    ("targets:target_detail", "pk"): "target",
    ("targets:value_edit", "pk"): "target",
    ("targets:value_edit", "period_pk"): "period",
    ("targets:value_row", "pk"): "target",
    ("targets:value_row", "period_pk"): "period",
    ("targets:evidence_upload", "pk"): "target",
    ("targets:evidence_upload", "period_pk"): "period",
    ("targets:evidence_download", "pk"): "evidence",
    ("reports:outgoing_detail", "pk"): "outgoing",
    ("reports:outgoing_send", "pk"): "outgoing",
    ("reports:outgoing_approve", "pk"): "outgoing",
    ("reports:outgoing_answer", "pk"): "outgoing",
    ("reports:outgoing_download", "pk"): "outgoing",
    ("reports:school_report_detail", "school_pk"): "school",
    ("reports:school_report_detail", "period_pk"): "period",
    ("reports:school_report_xlsx", "school_pk"): "school",
    ("reports:school_report_xlsx", "period_pk"): "period",
    ("reports:school_report_upload", "school_pk"): "school",
    ("reports:school_report_upload", "period_pk"): "period",
    ("reports:school_report_attach", "school_pk"): "school",
    ("reports:school_report_attach", "period_pk"): "period",
    ("reports:school_report_attachment", "pk"): "attachment",
    ("reports:school_report_attachment_remove", "pk"): "attachment",
    ("reports:school_report_approve", "pk"): "school_report",
    ("reports:school_report_return", "pk"): "school_report",
    ("reports:period_remind", "period_pk"): "period",
    ("reports:period_exception", "period_pk"): "period",
    ("reports:build_status", "pk"): "build",
    ("reports:build_download", "pk"): "build",
    ("reports:plan_coverage", "pk"): "document",
    ("importer:plan_import_review", "pk"): "plan_import",
    ("importer:plan_import_decide", "pk"): "plan_import",
    ("importer:plan_import_create", "pk"): "plan_import",
    ("importer:plan_import_discard", "pk"): "plan_import",
    ("importer:plan_import_retry", "pk"): "plan_import",
    ("importer:plan_import_done", "pk"): "plan_import",
    ("importer:plan_import_arrange", "pk"): "plan_import",
    ("importer:plan_import_tasks", "pk"): "plan_import",
    ("importer:plan_import_section_horizon", "pk"): "plan_import",
    ("importer:plan_import_cited", "pk"): "plan_import",
    ("plans:plan_detail", "pk"): "document",
    ("plans:plan_enact", "pk"): "document",
    ("plans:plan_amend", "pk"): "document",
    ("plans:plan_replace", "pk"): "document",
    ("plans:task_detail", "pk"): "task",
    ("plans:task_update", "pk"): "task",
    ("plans:task_assign", "pk"): "task",
    ("plans:task_evidence_download", "pk"): "task_update",
    ("targets:target_revise", "pk"): "target",
    **{(f"units:{name}", "pk"): "account" for name in ("account_detail", "role_grant", "role_revoke",
                                                        "account_deactivate", "account_reactivate",
                                                        "account_send_link", "account_edit", "account_set_password")},
    ("units:role_revoke", "membership_pk"): "membership",
    ("periods:period_edit", "pk"): "period",
    ("periods:period_delete", "pk"): "period",
    ("units:unit_rename", "pk"): "school",
    ("units:unit_close", "pk"): "school",
}
# kwargs that name no object: the values to try
KWARG_VALUES = {
    ("reports:outgoing_download", "fmt"): ["xlsx", "pdf", "docx"],
    ("reports:build_download", "fmt"): ["xlsx", "pdf", "docx"],
    ("importer:plan_import_decide", "index"): [0],
    ("importer:plan_import_arrange", "index"): [0],
    ("reports:notification_read", "pk"): [1],  # a user's own notification: tests/reports/test_notifications.py
}
# pages that read one object: in scope they answer 200 (so the crawler cannot pass by refusing everything)
READS = {"targets:target_detail", "targets:value_row", "targets:evidence_download", "reports:outgoing_detail",
         "reports:school_report_attachment",
         "reports:school_report_detail", "reports:school_report_xlsx", "reports:build_status", "reports:plan_coverage",
         "plans:plan_detail", "plans:task_detail", "plans:task_evidence_download"}
# pages that change the object (or show the form to change it): in scope, a persona who may not change it gets 403
WRITES = {"targets:value_edit", "targets:evidence_upload", "reports:school_report_upload",
          "reports:school_report_attach", "reports:school_report_attachment_remove",
          "reports:school_report_approve", "reports:school_report_return", "reports:outgoing_send",
          "reports:outgoing_approve", "reports:outgoing_answer",
          "importer:plan_import_review", "importer:plan_import_decide", "importer:plan_import_create",
          "importer:plan_import_discard", "importer:plan_import_retry", "importer:plan_import_done",
          "importer:plan_import_arrange", "importer:plan_import_tasks", "importer:plan_import_section_horizon", "importer:plan_import_cited",
          "plans:plan_enact", "plans:plan_amend", "plans:plan_replace", "plans:task_update", "plans:task_assign",
          "targets:target_revise"}

# the reporting periods are the system administrator's alone: every persona is refused them, reads and writes
SYSTEM_ADMIN_ONLY = {"periods:period_list", "periods:period_create", "periods:period_school_year",
                     "periods:period_edit", "periods:period_delete"}

# the personas of tests/conftest.py: the top of what each reads, and what each may change
SCOPE_ROOTS = {"officer_a": "A", "principal_a": "A-TH1", "leader_a": "A", "officer_b": "B",
               "principal_b": "B-MN", "reviewer": "HP"}  # a reviewer of the Sở reads the whole city
CHANGES = {"officer_a": "subtree", "officer_b": "subtree", "principal_a": "self", "principal_b": "self"}
SIGNS_OFF = {"leader_a": "A"}  # a leader finalises and sends its own unit's reports
APPROVES = {"leader_a": "A"}  # ... and alone approves them before they go up
RECEIVES = {"reviewer": "HP"}  # the Sở's reviewer acknowledges or returns what the city receives
ENACTS = {"leader_a": "A"}  # a leader signs its own unit's plans into force, amends and replaces them
PLAN_STEPS = {"plans:plan_enact", "plans:plan_amend", "plans:plan_replace"}
PERSONAS = list(SCOPE_ROOTS)

# tables a request may touch whatever its answer: the session and the sign-in throttling
UNTRACKED_APPS = {"sessions", "axes"}


def ancestors(unit):
    """The unit and every unit above it, by walking the parent links."""
    chain = []
    while unit is not None:
        chain.append(unit.pk)
        unit = unit.parent
    return chain


def reads_unit(root, unit, issued_above=False):
    """Inside the root's subtree; or, for what a unit issues (plans, their targets), above the root."""
    return root.pk in ancestors(unit) or (issued_above and unit.pk in ancestors(root))


def object_units(kind, obj):
    """The units an object belongs to, and whether it is read from below (issued above the reader)."""
    return OBJECT_UNITS[kind](obj)


OBJECT_UNITS = {
    "target": lambda obj: ([obj.document.issuer], True),
    "document": lambda obj: ([obj.issuer], True),
    "evidence": lambda obj: ([obj.value.unit], False),
    "school": lambda obj: ([obj], False),
    "school_report": lambda obj: ([obj.school], False),
    "attachment": lambda obj: ([obj.report.school], False),
    "build": lambda obj: ([obj.unit], False),
    "outgoing": lambda obj: ([obj.unit, obj.recipient], False),
    "plan_import": lambda obj: ([obj.unit], False),
    "period": lambda obj: ([], False),  # periods are the same for every unit
    "task": lambda obj: ([obj.lead_unit or obj.document.issuer], True),  # read with its plan, from below too
    "task_update": lambda obj: ([obj.task.lead_unit or obj.task.document.issuer], False),
    "account": lambda obj: ([m.unit for m in obj.memberships.all()], False),  # the personas: none administers
    "membership": lambda obj: ([obj.unit], False),
}


def readable(tree, persona, kind, obj):
    units, above = object_units(kind, obj)
    root = tree[SCOPE_ROOTS[persona]]
    return not units or any(reads_unit(root, u, above) for u in units if u is not None)


def may_change(tree, persona, name, kind, obj):
    """Whether the persona may act on the object: a rule of the tree, coarse on purpose (see WRITES)."""
    units, _ = object_units(kind, obj)
    root = tree[SCOPE_ROOTS[persona]]
    if name == "reports:outgoing_send" and SIGNS_OFF.get(persona) and obj.unit.code == SIGNS_OFF[persona]:
        return True
    if name in PLAN_STEPS:
        return ENACTS.get(persona) == obj.issuer.code
    if name == "reports:outgoing_approve":
        return APPROVES.get(persona) == obj.unit.code
    if name == "reports:outgoing_answer":
        return obj.recipient is not None and RECEIVES.get(persona) == obj.recipient.code
    rule = CHANGES.get(persona)
    return any((rule == "subtree" and root.pk in ancestors(u)) or (rule == "self" and u.pk == root.pk)
               for u in units[:1])


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


def fingerprint():
    """Per table: its row count, the latest of its timestamps and the sum of its versions."""
    result = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model._meta.app_label in UNTRACKED_APPS:
            continue
        aggregates = {"rows": models.Count("pk")}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                aggregates[f"max_{field.name}"] = models.Max(field.name)
            elif field.name in ("version", "attempts"):
                aggregates[f"sum_{field.name}"] = models.Sum(field.name)
        result[model._meta.label] = model._base_manager.aggregate(**aggregates)
    return result


@pytest.fixture
def world(tree, personas, settings, tmp_path):
    """Two wards, a school each, a plan per ward (and the city's above them), targets, entered values with
    evidence, submitted school reports, builds, outgoing reports, plan imports."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    period = make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                         end=today + timedelta(days=60), deadline=today + timedelta(days=70))
    indicator = make_indicator("phong-thong-minh", "Số phòng học thông minh", "count", "sum")
    documents = {"HP": make_document(tree["HP"], "5/KH-UBND", "Kế hoạch của thành phố"),
                 "A": make_document(tree["A"], "12/KH-UBND", "Kế hoạch riêng của phường A"),
                 "B": make_document(tree["B"], "7/KH-UBND", "Kế hoạch riêng của phường B"),
                 "A-TH1": make_document(tree["A-TH1"], "3/KH-THA1", "Kế hoạch riêng của trường A1")}
    targets = {"HP": make_target(documents["HP"], indicator, value=100)}
    for code in ("A", "B", "A-TH1"):
        targets[code] = make_target(documents[code], indicator, value=10, parent=targets["HP"])
    pdf = evidence_files.pdf()
    evidence = []
    for code, officer in (("A", "officer_a"), ("B", "officer_b")):
        save_progress_value(target=targets[code], period=period, values={"value": 3, "status": "in_progress",
                            "note": f"Ghi chú của {code}"}, by=personas[officer], expected_version=0)
        value = ProgressValue.objects.get(target=targets[code])
        evidence.append(Evidence.objects.create(value=value, file=ContentFile(pdf, name="x.pdf"),
                                                original_name=f"minh-chung-{code}.pdf", content_type="application/pdf",
                                                size=len(pdf), uploaded_by=personas[officer]))
    schools = [tree["A-TH1"], tree["B-MN"]]
    school_reports = [SchoolReport.objects.create(school=s, period=period, status=ReportStatus.SUBMITTED)
                      for s in schools]
    attachments = [SchoolReportAttachment.objects.create(
        report=r, file=ContentFile(pdf, name="x.pdf"), original_name=f"minh-chung-{r.school.code}.pdf",
        content_type="application/pdf", size=len(pdf)) for r in school_reports]
    builds = [ReportBuild.objects.create(unit=tree[c], document=documents[c], period=period, formats=["xlsx"],
                                         state=BuildState.SUCCEEDED) for c in ("A", "B")]
    outgoing = [OutgoingReport.objects.create(
        unit=tree[c], document=documents[c], period=period, recipient=tree["HP"], finalised_by=personas[o],
        snapshot=build_report_content(unit=tree[c], document=documents[c], period=period).to_json())
                for c, o in (("A", "officer_a"), ("B", "officer_b"))]
    imports = [PlanImport.objects.create(unit=tree[c], uploaded_by=personas[o], source_name="ke-hoach.txt",
                                         text="1. Phấn đấu 100% trường có phòng học thông minh.", proposals=[],
                                         status=PlanImportStatus.REVIEWING)
               for c, o in (("A", "officer_a"), ("B", "officer_b"))]
    # a task per plan, led by its issuer, each with a report carrying evidence
    tasks = [Task.objects.create(document=d, text=f"Nhiệm vụ của {code}", lead_unit=d.issuer)
             for code, d in documents.items()]
    task_updates = [TaskUpdate.objects.create(task=t, status_before="not_started", status="in_progress",
                                              evidence=ContentFile(pdf, name="x.pdf"), evidence_name="nv.pdf",
                                              evidence_type="application/pdf") for t in tasks]
    return {
        "task": tasks, "task_update": task_updates,
        "period": [period], "target": list(targets.values()), "document": list(documents.values()),
        "evidence": evidence, "school": schools, "school_report": school_reports, "build": builds,
        "attachment": attachments,
        "outgoing": outgoing, "plan_import": imports, "documents": documents,
        "account": [personas["principal_a"], personas["principal_b"]],
        "membership": [m for p in ("principal_a", "principal_b") for m in personas[p].memberships.all()],
    }


def requests_for(name, kwargs, world):
    """Every (url, [(kind, object)]) of a pattern over the seeded objects."""
    choices = []
    for kwarg in kwargs:
        if (name, kwarg) in KWARG_OBJECTS:
            kind = KWARG_OBJECTS[(name, kwarg)]
            choices.append([(kwarg, kind, obj) for obj in world[kind]])
        else:
            choices.append([(kwarg, None, value) for value in KWARG_VALUES[(name, kwarg)]])
    for combination in itertools.product(*choices):
        url = reverse(name, kwargs={kwarg: getattr(obj, "pk", obj) for kwarg, _, obj in combination})
        yield url, [(kind, obj) for _, kind, obj in combination if kind is not None]


def body_for(name, unit, world):
    """The body of a POST whose object is named in the form (no id in the URL), for `unit`."""
    period = world["period"][0].pk
    plan = world["documents"].get(unit.code, world["documents"]["HP"]).pk
    return {
        "reports:report_finalise": {"unit": unit.pk, "document": plan, "period": period, "number": "01/BC"},
        "reports:build_request": {"unit": unit.pk, "plan": plan, "period": period, "formats": ["xlsx"]},
        "reports:period_remind": {"unit": unit.pk},
        "reports:period_exception": {"unit": unit.pk, "open_until": "2099-12-31", "reason": "Thử quyền"},
        "importer:plan_import_upload": {"unit": unit.pk,
                                        "file": ContentFile(b"1. Phan dau 100%.\n", name="ke-hoach.txt")},
    }.get(name)


def test_every_url_kwarg_is_mapped():
    """A new URL with an id must say which objects it reads, or the crawler would skip it unseen."""
    unmapped = [(name, kwarg) for name, kwargs in crawled_patterns() for kwarg in kwargs
                if (name, kwarg) not in KWARG_OBJECTS and (name, kwarg) not in KWARG_VALUES]
    assert unmapped == []
    stale = {key for key in {*KWARG_OBJECTS, *KWARG_VALUES}
             if key not in {(name, kwarg) for name, kwargs in crawled_patterns() for kwarg in kwargs}}
    assert stale == set()


# what a page may show of a unit only to those who read the unit (or, for the names, its plans from below) ...
SHOWN_FROM_BELOW = {"A": ["Phường A", "12/KH-UBND"], "B": ["Phường B", "7/KH-UBND"],
                    "A-TH1": ["Trường Tiểu học A1", "3/KH-THA1"], "B-MN": ["Trường Mầm non B1"]}
# ... and its working data, only to those whose scope contains it
WORKING_DATA = {"A": ["Ghi chú của A", "minh-chung-A.pdf"], "B": ["Ghi chú của B", "minh-chung-B.pdf"]}


def leaks(tree, persona, url, response):
    """The texts of units outside the persona's scope that a page shows."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    text, root, found = response.content.decode(), tree[SCOPE_ROOTS[persona]], []
    for code, markers in SHOWN_FROM_BELOW.items():
        if not reads_unit(root, tree[code], issued_above=True):
            found += [f"{persona} GET {url} shows “{m}”" for m in markers if m in text]
    for code, markers in WORKING_DATA.items():
        if not reads_unit(root, tree[code]):
            found += [f"{persona} GET {url} shows “{m}”" for m in markers if m in text]
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_persona_is_refused_everything_outside_its_scope(client, tree, personas, world, persona):
    client.force_login(personas[persona])
    refused = in_scope_reads = 0
    problems = []

    def expect(method, url, allowed, data=None, no_change=True):
        nonlocal refused
        before = fingerprint() if no_change else None
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        if response.status_code not in allowed:
            problems.append(f"{persona} {method} {url}: {response.status_code}, expected {sorted(allowed)}")
        if no_change and fingerprint() != before:
            problems.append(f"{persona} {method} {url}: the database changed")
        refused += 1
        return response

    for name, kwargs in crawled_patterns():
        if not kwargs:
            continue
        for url, objects in requests_for(name, kwargs, world):
            if not all(readable(tree, persona, kind, obj) for kind, obj in objects):
                # outside the scope: not found, whatever the method (405 for the method a view never takes)
                expect("GET", url, {404, 405})
                expect("POST", url, {404, 405})
                continue
            scoped = [(kind, obj) for kind, obj in objects if kind != "period"]
            refused_here = name in WRITES and scoped and not may_change(tree, persona, name, *scoped[0])
            if name in SYSTEM_ADMIN_ONLY or refused_here:
                expect("GET", url, {403, 405})
                expect("POST", url, {403, 405})
            elif name in READS:
                response = client.get(url, HTTP_HX_REQUEST="true")  # build_status: its fragment, not a redirect
                in_scope_reads += 1
                if response.status_code != 200:
                    problems.append(f"{persona} GET {url}: {response.status_code}, expected 200 (in scope)")
                problems += leaks(tree, persona, url, response)

    for name, kwargs in crawled_patterns():
        if not kwargs and name in SYSTEM_ADMIN_ONLY:
            expect("GET", reverse(name), {403, 405})
            expect("POST", reverse(name), {403, 405}, {"school_year": "2030-2031", "kind": "year", "year": "2030",
                                                       "start": "2030-01-01", "end": "2030-12-31",
                                                       "deadline": "2030-12-15", "lock_after_days": "7"})
    for name, kwargs in crawled_patterns():
        if kwargs:
            continue
        # the pages without an id choose their unit from the query string: try every unit of the tree
        for unit in tree.values():
            url = f"{reverse(name)}?unit={unit.pk}&period={world['period'][0].pk}"
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{persona} GET {url}: {response.status_code}")
            problems += leaks(tree, persona, url, response)

    for name, kwargs in crawled_patterns():
        url_kwargs = {"period_pk": world["period"][0].pk} if kwargs == ["period_pk"] else {}
        for unit in tree.values():
            data = body_for(name, unit, world)
            if data is None or reads_unit(tree[SCOPE_ROOTS[persona]], unit):
                continue
            # a unit outside the scope named in the form: not found; the import's unit is a choice among the
            # user's units, so an outside one is a form error (200) or, with no unit to import for, a 403
            allowed = {200, 403} if name == "importer:plan_import_upload" else {404}
            expect("POST", reverse(name, kwargs=url_kwargs), allowed, data)

    assert problems == []
    assert in_scope_reads >= 5, "the crawler must see some pages in scope"
    assert refused >= 20


def test_the_admin_sends_every_persona_to_its_sign_in(client, personas):
    for persona in PERSONAS:
        client.force_login(personas[persona])
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
