"""Which unit, plan and period a page shows: the plans that apply to a unit, and the one form that reads
the choice from the query string (?unit=…&plan=…&period=…) for every page that offers one."""

from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from periods.models import current_period
from plans.models import Document, no_draft_from_above_unit
from units import access
from units.search import TRAIL_RELATED, unit_label


def plans_for(unit):
    """Plans with targets that apply to the unit: its own first, then those issued above it (by its
    ancestors or by the bodies of their level, such as the Politburo or the city Party committee) and signed: a
    draft applies only at its issuer (and is read above it), not yet to the units below."""
    plans = (Document.objects.filter(access.issued_above_condition(unit), targets__is_projection=False)
             .filter(no_draft_from_above_unit(unit, prefix="")).distinct().select_related("issuer")
             .order_by())  # sorted here: the model's ordering would cost the query's compilation, not the order
    return sorted(plans, key=lambda d: (d.issuer_id != unit.pk, -d.issuer.depth, d.title,  # then the newest first
                                        -(d.issued_on.toordinal() if d.issued_on else 0), -(d.issued_year or 0), d.pk))


class ObjectChoiceField(forms.ChoiceField):
    """One of the objects a page offers, by its primary key: cleans to the object (None when blank)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.objects = {}

    def offer(self, objects, label=str, blank=None):
        """The objects to choose from; `blank`: the label of an empty choice ("all"), if there is one."""
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = ([("", blank)] if blank else []) + [(pk, label(obj)) for pk, obj in self.objects.items()]

    def clean(self, value):
        return self.objects.get(super().clean(value))


class UnitSearchForm(forms.Form):
    """What the unit picker's search box sends: the text typed, and the period the page shows (kept in the
    links it offers)."""

    q = forms.CharField(label="Tìm đơn vị", max_length=100, required=False)
    period = forms.IntegerField(required=False, min_value=1, max_value=access.MAX_ID)
    without_schools = forms.BooleanField(required=False)  # the completeness page follows communes and above

    def choice(self):
        """(text, period pk, without schools): what is malformed is dropped ("", None) rather than refused."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("q", "").strip(), data.get("period"), data.get("without_schools", False)


def plan_label(document):
    label = document.number or document.title
    return label if len(label) <= 90 else label[:89] + "…"


class SelectionForm(forms.Form):
    """The unit, plan and period a page shows.

    The page says what it offers: `units` (a list, or a QuerySet when the scope is too large to list: the
    unit named is then looked up in it, with its trail loaded) and `periods` (lists), `plans` (a function of the chosen unit,
    such as plans_for), and the defaults: `unit` (else the first offered), the first plan of the unit
    (none with `any_plan`: all of them), `period` (a period or a function giving one; the current
    period by default). A value that is missing, malformed or not offered falls back to the default, so
    a stale or hand-edited link still opens the page; with `fallback=False` it is None instead (a page
    that acts on the choice refuses it). The choice is read in that order, since the plans offered
    depend on the unit; the chosen objects are `.unit`, `.document` and `.period`, and the bound form
    shows them (defaults included) when rendered.
    """

    unit = ObjectChoiceField(label="Đơn vị")
    plan = ObjectChoiceField(label="Kế hoạch")
    period = ObjectChoiceField(label="Kỳ báo cáo")

    def __init__(self, data=None, *, units=(), plans=None, periods=(), unit=None, period=current_period,
                 any_plan=False, fallback=True, **kwargs):
        super().__init__(dict(data.items()) if data is not None else {}, **kwargs)
        self.units = units if isinstance(units, QuerySet) else list(units)
        self.periods = list(periods)
        self.fields["period"].offer(self.periods, lambda p: p.name)
        if isinstance(self.units, QuerySet):
            self.unit = self._looked_up(self.data.get("unit"))
        else:
            self.fields["unit"].offer(self.units, unit_label)
            self.unit = self._chosen("unit")
        if self.unit is None and fallback:
            self.unit = unit or self._first_unit()
        if isinstance(self.units, QuerySet):  # the bound form offers (and validates) the unit it shows
            self.fields["unit"].offer([self.unit] if self.unit else [], unit_label)
        self.plans = list(plans(self.unit)) if plans is not None and self.unit is not None else []
        self.fields["plan"].offer(self.plans, plan_label, blank="Tất cả kế hoạch" if any_plan else None)
        self.document = self._chosen("plan") or (
            self.plans[0] if fallback and self.plans and not any_plan else None)
        if period is current_period:  # the current one among those offered: no query
            period = partial(current_period, among=self.periods)
        self.period = self._chosen("period") or ((period() if callable(period) else period) if fallback else None)
        self.data.update({name: str(obj.pk) if obj is not None else ""
                          for name, obj in (("unit", self.unit), ("plan", self.document), ("period", self.period))})

    def _looked_up(self, pk):
        """The unit `pk` if the QuerySet of units offered holds it (one query)."""
        pk = access.parse_id(pk)
        if pk is None:
            return None
        return self.units.select_related(TRAIL_RELATED).filter(pk=pk).first()

    def _first_unit(self):
        if isinstance(self.units, QuerySet):
            return self.units.select_related(TRAIL_RELATED).first()
        return self.units[0] if self.units else None

    def _chosen(self, name):
        """The object the query string names, if the page offers it."""
        try:
            return self.fields[name].clean(self.data.get(name))
        except ValidationError:
            return None
