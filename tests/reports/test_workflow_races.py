"""Concurrent steps on one school report (issue 10), with real threads on PostgreSQL: officers approving,
returning and reopening the same report at once, from pages that showed the same version. Exactly one step
wins each round, the others are refused as stale; the report ends consistent: approved with every figure its
approval wrote, or not approved with none, never a return that acted on a state it did not see.

The threads need a database that takes concurrent writers and row locks: they run in CI's PostgreSQL pass.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reports import actions, outgoing
from reports.catalogue import ensure_report_items
from reports.models import OutgoingReport, ReportEvent, ReportStatus, ReportValue, SchoolReport
from targets.fields import plain_decimal
from targets.models import ProgressValue
from tests.concurrency import POSTGRESQL_THREADS, run_together
from tests.factories import make_document, make_indicator, make_period, make_target, make_user
from tests.reports.test_school_report_views import FIGURES

pytestmark = POSTGRESQL_THREADS

OFFICERS = 6
ROUNDS = 5


@pytest.fixture
def setting(tree):
    items = ensure_report_items()
    today = timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    period = make_period(code="hk-hien-tai", school_year=f"{first}-{first + 1}", start=today - timedelta(days=30),
                         end=today + timedelta(days=60), deadline=today + timedelta(days=70))
    # every rate the catalogue computes from the report: the approval writes one value for each
    indicators = [make_indicator(code, code, "rate", "ratio_of_sums", "%", numerator_item=items[numerator],
                                 denominator_item=items[denominator])
                  for code, numerator, denominator in [("gv-dat-chuan", "so-gv-dat-chuan", "so-gv"),
                                                       ("gv-tren-chuan", "so-gv-tren-chuan", "so-gv"),
                                                       ("cds", "so-cbql-gv-boi-duong-cds", "so-cbql-gv"),
                                                       ("hs-2-buoi", "so-hs-2-buoi", "so-hs")]]
    principal = make_user("hieu_truong", tree["A-TH1"], "school_staff")
    officers = [make_user(f"can_bo_{i}", tree["A"], "officer") for i in range(OFFICERS)]
    return {"school": tree["A-TH1"], "period": period, "principal": principal, "officers": officers,
            "figures": len(indicators)}


def submit(report, principal):
    """The principal (re)submits the report's figures."""
    entries = {item.code: Decimal(FIGURES[item.code].replace(".", "")) for item in actions.applicable_items(report.school)}
    report = actions.save_school_report(report=report, entries=entries, narrative={}, by=principal,
                                        expected_version=report.version)
    return actions.submit_school_report(report=report, by=principal, expected_version=report.version)


def step(name, report, officer, version):
    if name == "approve":
        return actions.approve_school_report(report=report, by=officer, expected_version=version)
    return actions.return_school_report(report=report, by=officer, comment=f"{name} bởi {officer.username}",
                                        expected_version=version)


def race(report, officers, names):
    """Each officer takes their step at once on the version they all saw; outcome of each."""
    seen = report.version

    def take(i, barrier):
        barrier.wait(timeout=60)
        try:
            step(names[i], report, officers[i], seen)
        except actions.StaleReportError:
            return "stale"
        except actions.WorkflowError:
            return "refused"
        return "done"

    return ["error" if isinstance(r, Exception) or r is None else r for r in run_together(len(officers), take)]


def assert_consistent(report, figures):
    report = SchoolReport.objects.get(pk=report.pk)
    written = ReportValue.objects.filter(report=report).count()
    values = ProgressValue.objects.filter(unit=report.school, period=report.period).count()
    if report.status == ReportStatus.APPROVED:
        assert written == values == figures, (report.status, written, values)
        assert report.approved_snapshot == {c: plain_decimal(v) for c, v in report.entries_by_code().items()}
    else:
        assert written == values == 0, (report.status, written, values)
    assert report.events.filter(version=report.version).count() == 1
    return report


def test_concurrent_approve_and_return_rounds_leave_one_winner_and_no_lost_figures(setting):
    officers, figures = setting["officers"], setting["figures"]
    report = submit(actions.get_or_start_report(school=setting["school"], period=setting["period"]),
                    setting["principal"])
    totals = Counter()
    for round_ in range(ROUNDS):
        # a submitted report: half the officers approve it, the other half return it
        names = ["approve", "return"] * (OFFICERS // 2)
        outcome = Counter(race(report, officers, names))
        assert outcome == {"done": 1, "stale": OFFICERS - 1}, (round_, outcome)
        totals.update(outcome)
        report = assert_consistent(report, figures)
        if report.status == ReportStatus.APPROVED:
            # an approved report: every officer reopens it at once; only one does
            outcome = Counter(race(report, officers, ["reopen"] * OFFICERS))
            assert outcome == {"done": 1, "stale": OFFICERS - 1}, (round_, outcome)
            totals.update(outcome)
            report = assert_consistent(report, figures)
        assert report.status == ReportStatus.RETURNED
        report = submit(report, setting["principal"])
    assert totals["error"] == 0
    events = Counter(ReportEvent.objects.filter(report=report).values_list("action", flat=True))
    assert events["approved"] == events["reopened"] and events["approved"] + events["returned"] == ROUNDS


def test_concurrent_finalising_gives_one_report_and_refusals(setting, tree, monkeypatch):
    monkeypatch.setattr("reports.pdf.write_report_pdf", lambda content: b"%PDF-1.4 stub")
    document = make_document(tree["A"], "12/KH-UBND", "Kế hoạch của Phường A")
    make_target(document, make_indicator("phong", "Số phòng học thông minh", "count", "sum", "phòng"), 1, Decimal(3))
    officers = setting["officers"]

    def finalise(i, barrier):
        barrier.wait(timeout=60)
        try:
            outgoing.finalise_report(unit=tree["A"], document=document, period=setting["period"],
                                     number=f"{i}/BC-UBND", narratives=[], by=officers[i])
        except outgoing.StaleOutgoingError as stale:
            return ("stale", str(stale))
        return "done"

    results = run_together(len(officers), finalise)

    assert Counter(r if isinstance(r, str) else r[0] if isinstance(r, tuple) else "error" for r in results) == {
        "done": 1, "stale": len(officers) - 1}, results
    report = OutgoingReport.objects.get()
    assert all(f"{report.finalised_by.username} chốt lúc" in r[1] for r in results if isinstance(r, tuple))
