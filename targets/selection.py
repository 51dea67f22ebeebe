"""Which unit, plan and period a page shows: the plans that apply to a unit, and the one form that reads
the choice from the query string (?unit=…&plan=…&period=…) for every page that offers one."""

from django import forms
from django.core.exceptions import ValidationError

from periods.models import current_period
from plans.models import Document
from units import access


def plans_for(unit):
    """Plans with targets that apply to the unit: its own first, then those issued above it (by its
    ancestors or by the bodies of their level, such as the Politburo or the city Party committee)."""
    plans = (Document.objects.filter(access.issued_above_condition(unit), targets__is_projection=False)
             .distinct().select_related("issuer"))
    return sorted(plans, key=lambda d: (d.issuer_id != unit.pk, -d.issuer.depth, d.title))


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


def unit_label(unit):
    return unit.short_name or unit.name


def plan_label(document):
    label = document.number or document.title
    return label if len(label) <= 90 else label[:89] + "…"


class SelectionForm(forms.Form):
    """The unit, plan and period a page shows.

    The page says what it offers: `units` and `periods` (lists), `plans` (a function of the chosen unit,
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
        self.units, self.periods = list(units), list(periods)
        self.fields["unit"].offer(self.units, unit_label)
        self.fields["period"].offer(self.periods, lambda p: p.name)
        self.unit = self._chosen("unit") or (unit or (self.units[0] if self.units else None) if fallback else None)
        self.plans = list(plans(self.unit)) if plans is not None and self.unit is not None else []
        self.fields["plan"].offer(self.plans, plan_label, blank="Tất cả kế hoạch" if any_plan else None)
        self.document = self._chosen("plan") or (
            self.plans[0] if fallback and self.plans and not any_plan else None)
        self.period = self._chosen("period") or ((period() if callable(period) else period) if fallback else None)
        self.data.update({name: str(obj.pk) if obj is not None else ""
                          for name, obj in (("unit", self.unit), ("plan", self.document), ("period", self.period))})

    def _chosen(self, name):
        """The object the query string names, if the page offers it."""
        try:
            return self.fields[name].clean(self.data.get(name))
        except ValidationError:
            return None
