"""The pages of a plan that show its targets' figures: coverage and ownership, and the public page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from periods.models import Period, trend_periods
from plans.models import Document
from targets.models import Target
from targets.queries import fold_repeats, plan_coverage, plan_ownership, plan_statuses, status_counts
from targets.selection import SelectionForm
from targets.status import STATUS_ORDER, Status
from units import access


@login_required
def plan_coverage_view(request, pk):
    document = access.get_object_for_user(request.user, Document.objects.select_related("issuer"), pk)
    # the lower plans shown are those within the user's scope: the unit asked for, else their own
    wanted = access.parse_id(request.GET.get("unit"))
    unit = access.visible_units(request.user).filter(pk=wanted).first() if wanted is not None else None
    if unit is None and not access.is_system_admin(request.user):
        unit = next(iter(access.scope_roots(request.user)), None)
    choice = SelectionForm(request.GET, periods=Period.objects.order_by("-end"))
    period = choice.period
    return render(request, "reports/plan_coverage.html", {
        "document": document, "unit": unit, "period": period, "periods": choice.periods,
        "coverage": plan_coverage(document, unit, page=request.GET.get("trang")),
        "ownership": plan_ownership(document, period),
    })


def plan_public(request, pk):
    """A plan marked public: its targets and where they stand, readable without signing in.

    No names, notes or evidence: only what the plan promised and the aggregated figures.
    """
    document = get_object_or_404(Document.objects.public().select_related("issuer"), pk=pk)
    choice = SelectionForm(request.GET, periods=Period.objects.order_by("-end"))
    period = choice.period
    if period is None:  # no reporting period set up yet
        raise Http404("Chưa có kỳ báo cáo nào.")
    targets = (Target.objects.filter(document=document).targets()
               .select_related("indicator", "document").prefetch_related("horizons", "scope_units"))
    statuses = fold_repeats(plan_statuses(targets, document.issuer, period, trend_periods(period, among=choice.periods)))
    return render(request, "reports/plan_public.html", {
        "document": document, "period": period, "statuses": statuses, "counts": status_counts(statuses),
        "status_order": [(s, Status(s).label) for s in STATUS_ORDER],
        "periods": [p for p in choice.periods if p.start <= period.end][:12],
    })
