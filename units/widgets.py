"""A unit field for scopes of any size: the units of a ward are offered as a list, those of a province or of the
country (thousands of schools) through a search box whose matches are radio buttons, so that no form ships every
unit of its scope to offer one (issue 13: pages do not grow with the units below).

The search is htmx (units:unit_field_search, the field's registered scope: units.search.unit_scope); without
JavaScript the field's "Tìm" button sends the form, which then saves nothing and comes back with the matches and
everything typed (SearchesUnits)."""

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse

from .search import TRAIL_RELATED, UNIT_MATCHES, find_units, scope_units, unit_label, unit_trail

LIST_LIMIT = 150  # a scope this small is a plain list
MATCH = "__match"  # the suffix of the matches' name (see value_from_datadict)


class UnitSearchWidget(forms.Widget):
    template_name = "units/unit_field.html"

    def __init__(self, attrs=None, *, scope="", empty_label="— Chọn đơn vị —", multiple=False):
        super().__init__(attrs)
        self.scope, self.empty_label, self.multiple = scope, empty_label, multiple
        self.queryset, self.text, self.of = None, "", None
        self.label = tree_label

    def use_required_attribute(self, initial):
        return False  # a radio group or a search: the form's own message says what is missing

    def value_from_datadict(self, data, files, name):
        """The units chosen: those checked in the chosen area (`name`) and among the matches (`name__match`, a
        group of its own so that the keyboard reaches each match; JavaScript moves a match chosen to the chosen
        area, without it the form sends both and a match checked wins over the unit chosen before)."""
        self.text = (data.get(f"{name}_q") or "").strip()[:100]
        if self.multiple:
            if not hasattr(data, "getlist"):
                return data.get(name)
            return list(dict.fromkeys(data.getlist(name) + data.getlist(f"{name}{MATCH}")))
        return data.get(f"{name}{MATCH}") or data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}{MATCH}" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = value if self.multiple else [value]
        pks = [_pk(getattr(v, "pk", v)) for v in values or [] if v not in (None, "")]
        pks = [pk for pk in pks if pk is not None]
        queryset = self.queryset
        chosen, listed, matches, limited = [], None, [], False
        if queryset is not None:
            # one query: at most LIST_LIMIT + 1 units, with what a label of the list shows
            first = list(queryset.only("pk", "name", "code", "depth", "short_name", "path")[:LIST_LIMIT + 1])
            if len(first) <= LIST_LIMIT:
                listed = [(unit.pk, self.label(unit)) for unit in first]
            else:
                if pks:
                    chosen = list(queryset.select_related(TRAIL_RELATED).filter(pk__in=pks).order_by("path"))
                elif self.empty_label is None and not self.multiple:  # no blank: the first unit of its scope
                    chosen = list(queryset.select_related(TRAIL_RELATED)[:1])
                if self.text:
                    found = find_units(queryset, self.text)
                    limited = len(found) >= UNIT_MATCHES  # before the units chosen are taken out
                    matches = [(unit, trail) for unit, trail in found if unit not in chosen]
        context["widget"].update({
            "listed": listed, "values": [str(pk) for pk in pks], "empty_label": self.empty_label,
            "input_type": "checkbox" if self.multiple else "radio", "multiple": self.multiple,
            "chosen": [(unit, unit_label(unit), unit_trail(unit)) for unit in chosen], "q": self.text,
            "matches": [(unit, unit_label(unit), trail) for unit, trail in matches],
            "match_limit": UNIT_MATCHES, "limited": limited, "match_name": f"{name}{MATCH}",
            "search_url": f"{reverse('units:unit_field_search')}?scope={self.scope}&name={name}"
                          f"{'&multiple=1' if self.multiple else ''}{f'&of={self.of}' if self.of is not None else ''}",
        })
        return context


def tree_label(unit):
    """A unit in a list of its scope: indented by its depth, with its code ("— — Trường Tiểu học A1 (A-TH1)")."""
    return f"{'— ' * max(unit.depth - 1, 0)}{unit.name} ({unit.code})"


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _ScopedUnits:
    """The units a field offers come from its registered scope (units.search.unit_scope): `for_user(user)`."""

    def _set_queryset(self, queryset):
        forms.ModelChoiceField._set_queryset(self, queryset)
        self.widget.queryset = self.queryset
        self.widget.label = self.label_from_instance

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def for_user(self, user, of=None):
        """The units of the field's scope for `user` (and `of`, the pk of the page's object, for a scope that
        depends on it: the search is asked for the same)."""
        self.queryset = scope_units(self.scope, user, of)
        self.widget.of = of
        return self

    def label_from_instance(self, unit):
        return tree_label(unit) if self.tree_labels else unit.name


class UnitSearchField(_ScopedUnits, forms.ModelChoiceField):
    """One unit of a registered scope."""

    def __init__(self, *, scope, empty_label="— Chọn đơn vị —", tree_labels=True, **kwargs):
        self.scope, self.tree_labels = scope, tree_labels
        kwargs.setdefault("widget", UnitSearchWidget(scope=scope, empty_label=empty_label))
        super().__init__(queryset=_none(), empty_label=empty_label, **kwargs)


class UnitSearchMultipleField(_ScopedUnits, forms.ModelMultipleChoiceField):
    """Units of a registered scope, any number of them: check boxes in the list or among the matches."""

    def __init__(self, *, scope, tree_labels=True, **kwargs):
        self.scope, self.tree_labels = scope, tree_labels
        kwargs.setdefault("widget", UnitSearchWidget(scope=scope, multiple=True))
        super().__init__(queryset=_none(), **kwargs)


def _none():
    from .models import Unit
    return Unit.objects.none()


class SearchesUnits:
    """A form with UnitSearchFields: sent by a field's "Tìm" button (no JavaScript), it is not valid, shows no
    error and saves nothing; it comes back with the matches and what was typed."""

    searching = False  # until the form is cleaned

    def full_clean(self):
        self.searching = self.is_bound and any(
            f"{self.add_prefix(name)}_search" in self.data
            for name, field in self.fields.items() if isinstance(field, _ScopedUnits))
        if self.searching:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self):
        return super().is_valid() and not self.searching
