"""The horizons and named units of many targets, read per plan and attached as Django's prefetching attaches
them, without its cost per target.

`prefetch_related("horizons", "scope_units")` asks for the rows of a list of every target's id and builds, for each
target, a query set filtered on it to hold its rows. On a province's 120 plans (7,200 targets) that was 0.9–1.1 s
for the horizons and 0.6–0.7 s for the named units, whose rows take 34 ms and 3 ms to read by plan. Here the rows
are read by plan, and each target gets a `ReadRows` query set holding its rows: reading it (iterating, `len`,
`count`, `exists`, indexing) uses them; anything that builds another query from it (`filter`, `order_by`, …) is
asked of the target's real related query set, so it answers as Django's own prefetched set would.
"""

from django.db.models import QuerySet

from units.models import Unit

from .models import Target, TargetHorizon

_NOT_BUILT = object()  # a ReadRows' query until something asks for it
BY_ID = 20  # up to this many targets, their rows are asked by the targets' ids; more, by their plans


class ReadRows(QuerySet):
    """A query set whose rows were read already. Its query is the target's real related query, built only if
    something asks for it (a `filter`, an `iterator`, an `update`…), so anything but reading the rows answers as
    the real related query set would."""

    def __init__(self, model, rows, related):
        super().__init__(model=model, query=_NOT_BUILT)
        self._related = related
        self._result_cache = rows
        self._prefetch_done = True

    @property
    def query(self):
        if self._query is _NOT_BUILT:
            self._query = self._related().query
        return self._query

    @query.setter
    def query(self, value):
        self._query = value

    def _clone(self):
        return self._related()._clone()


def attach_details(targets):
    """Attach to each target not yet holding them its horizons (in their order) and the units it names (by path),
    so that `target.horizons.all()` and `target.scope_units.all()` read them: two queries whatever the number of
    targets, by the targets' plans (by their ids for a few: BY_ID)."""
    targets = [t for t in targets if not _holds(t, "horizons") or not _holds(t, "scope_units")]
    if not targets:
        return
    if len(targets) <= BY_ID:  # a target's page, its edit row: its own rows, not its plan's
        of_targets = {"target_id__in": {t.pk for t in targets}}
    else:
        of_targets = {"target__document_id__in": {t.document_id for t in targets}}
    horizons, named = {}, {}
    # each target's in its own order (by deadline), grouped below: not sorted by target, whose ordering joins the plans
    for horizon in TargetHorizon.objects.filter(**of_targets).order_by("deadline", "pk"):
        horizons.setdefault(horizon.target_id, []).append(horizon)
    links = Target.scope_units.through.objects.filter(**of_targets).select_related("unit")
    for link in links.order_by("unit__path", "unit_id"):
        named.setdefault(link.target_id, []).append(link.unit)
    for target in targets:
        cache = target.__dict__.setdefault("_prefetched_objects_cache", {})
        rows = horizons.get(target.pk, [])
        for horizon in rows:
            horizon.target = target  # as prefetching sets it: goal_display reads its target
        cache["horizons"] = _read(TargetHorizon, rows, lambda t=target: TargetHorizon.objects.filter(target=t))
        cache["scope_units"] = _read(Unit, named.get(target.pk, []), lambda t=target: Unit.objects.filter(scoped_targets=t))


def _holds(target, name):
    return name in getattr(target, "_prefetched_objects_cache", {})


def _read(model, rows, related):
    return ReadRows(model, rows, related)
