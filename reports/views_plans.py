"""The pages of a plan that show its targets' figures: coverage and ownership, and the public page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from periods.models import Period, current_period, trend_periods
from plans.models import Document
from targets.models import Target
from targets.queries import plan_coverage, plan_ownership, plan_statuses, status_counts
from targets.status import STATUS_ORDER, Status
from units import access


@login_required
def plan_coverage_view(request, pk):
    document = access.get_object_for_user(request.user, Document.objects.select_related("issuer"), pk)
    # the lower plans shown are those within the user's scope: the unit asked for, else their own
    wanted = request.GET.get("unit", "")
    unit = access.visible_units(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    if unit is None and not access.is_system_admin(request.user):
        unit = next(iter(access.scope_roots(request.user)), None)
    period = _period(request)
    return render(request, "reports/plan_coverage.html", {
        "document": document, "unit": unit, "period": period,
        "coverage": plan_coverage(document, unit), "ownership": plan_ownership(document, period),
    })


def plan_public(request, pk):
    """A plan marked public: its targets and where they stand, readable without signing in.

    No names, notes or evidence: only what the plan promised and the aggregated figures.
    """
    document = get_object_or_404(Document.objects.public().select_related("issuer"), pk=pk)
    period = _period(request)
    targets = (Target.objects.filter(document=document).targets()
               .select_related("indicator", "document").prefetch_related("horizons", "scope_units"))
    statuses = plan_statuses(targets, document.issuer, period, trend_periods(period))
    return render(request, "reports/plan_public.html", {
        "document": document, "period": period, "statuses": statuses, "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "periods": Period.objects.filter(start__lte=period.end).order_by("-end")[:12],
    })


def _period(request):
    wanted = request.GET.get("period")
    return (Period.objects.filter(pk=wanted).first() if wanted and wanted.isdigit() else None) or current_period()
