"""A unit field for scopes of any size: the units of a ward are offered as a list, those of a province or of the
country (thousands of schools) through a search box whose matches are radio buttons, so that no form ships every
unit of its scope to offer one (issue 13: pages do not grow with the units below).

The search is htmx (units:unit_field_search, the field's registered scope: units.search.unit_scope); without
JavaScript the field's "Tìm" button sends the form, which then saves nothing and comes back with the matches and
everything typed (SearchesUnits)."""

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse

from .search import SCOPES, TRAIL_RELATED, UNIT_MATCHES, find_units, unit_label, unit_trail

LIST_LIMIT = 150  # a scope this small is a plain list


class UnitSearchWidget(forms.Widget):
    template_name = "units/unit_field.html"

    def __init__(self, attrs=None, *, scope="", empty_label="— Chọn đơn vị —"):
        super().__init__(attrs)
        self.scope, self.empty_label = scope, empty_label
        self.queryset, self.text = None, ""

    def use_required_attribute(self, initial):
        return False  # a radio group or a search: the form's own message says what is missing

    def value_from_datadict(self, data, files, name):
        self.text = (data.get(f"{name}_q") or "").strip()[:100]
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = getattr(value, "pk", value)
        queryset = self.queryset if self.queryset is not None else []
        chosen = listed = None
        if queryset != []:
            first = list(queryset.select_related("parent")[:LIST_LIMIT + 1])
            if len(first) <= LIST_LIMIT:
                listed = [(unit.pk, f"{'— ' * max(unit.depth - 1, 0)}{unit.name} ({unit.code})") for unit in first]
            elif pk not in (None, ""):
                try:
                    chosen = queryset.select_related(TRAIL_RELATED).filter(pk=int(pk)).first()
                except (TypeError, ValueError):
                    chosen = None
            elif self.empty_label is None:  # a field that needs no blank starts on the first unit of its scope
                chosen = queryset.select_related(TRAIL_RELATED).first()
        matches = find_units(queryset, self.text) if listed is None and self.text and queryset != [] else []
        context["widget"].update({
            "listed": listed, "value": str(pk) if pk not in (None, "") else "", "empty_label": self.empty_label,
            "chosen": chosen and (chosen, unit_label(chosen), unit_trail(chosen)), "q": self.text,
            "matches": [(unit, unit_label(unit), trail) for unit, trail in matches if unit != chosen],
            "match_limit": UNIT_MATCHES, "limited": len(matches) >= UNIT_MATCHES,
            "search_url": f"{reverse('units:unit_field_search')}?scope={self.scope}&name={name}",
        })
        return context


class UnitSearchField(forms.ModelChoiceField):
    """One unit of a registered scope (units.search.unit_scope); `for_user(user)` sets the units offered."""

    def __init__(self, *, scope, empty_label="— Chọn đơn vị —", **kwargs):
        self.scope = scope
        kwargs.setdefault("widget", UnitSearchWidget(scope=scope, empty_label=empty_label))
        super().__init__(queryset=kwargs.pop("queryset", None) or _none(), empty_label=empty_label, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def for_user(self, user):
        self.queryset = SCOPES[self.scope](user)
        return self

    def label_from_instance(self, unit):
        return f"{'— ' * max(unit.depth - 1, 0)}{unit.name} ({unit.code})"


def _none():
    from .models import Unit
    return Unit.objects.none()


class SearchesUnits:
    """A form with UnitSearchFields: sent by a field's "Tìm" button (no JavaScript), it is not valid, shows no
    error and saves nothing; it comes back with the matches and what was typed."""

    def full_clean(self):
        self.searching = self.is_bound and any(
            f"{self.add_prefix(name)}_search" in self.data
            for name, field in self.fields.items() if isinstance(field, UnitSearchField))
        if self.searching:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self):
        return super().is_valid() and not self.searching
