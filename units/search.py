"""Finding units by name or code, whatever the accents typed, in any scope: the unit pickers of the dashboards
and the unit fields of the forms (units/widgets.py) search here, so that no page lists every unit of a
province, or of the country, to offer one."""

import re
import unicodedata

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone

from .collation import vietnamese_sort_key
from .models import UnitKind

UNIT_MATCHES = 20  # what a search offers at most


def unit_label(unit):
    return unit.short_name or unit.name


# What a unit's trail needs loaded with it: a school sits at depth 3 (Trung ương / province / commune / school),
# one under a former district at depth 4.
TRAIL_RELATED = "parent__parent__parent"


def unit_trail(unit):
    """The names of the unit's ancestors below the national root, from the top ("Thành phố Hải Phòng ›
    Phường A" for a school of A), read from the parents loaded with it (select_related(TRAIL_RELATED))."""
    names, node = [], unit
    while node.depth > 1 and node.parent_id:
        node = node.parent
        names.append(unit_label(node))
    return " › ".join(reversed(names))


# Each Vietnamese vowel with every tone and diacritic it can carry (and đ with d), both cases.
_VARIANTS = {base: letters + letters.upper() for base, letters in {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ", "d": "dđ", "e": "eèéẻẽẹêềếểễệ", "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ", "u": "uùúủũụưừứửữự", "y": "yỳýỷỹỵ"}.items()}


def accent_free_pattern(text):
    """A regular expression matching `text` whatever its accents, in a name that has them ("duong kinh",
    "Dương Kinh" and "dưởng kính" all find "Phường Dương Kinh"): the same in PostgreSQL and SQLite, so
    that a search needs no column of unaccented names."""
    parts = []
    for char in text:
        base = unicodedata.normalize("NFD", char.lower().replace("đ", "d"))[:1]
        parts.append(f"[{_VARIANTS[base]}]" if base in _VARIANTS else re.escape(char))
    return "".join(parts)


def unit_matches(text):
    """The condition on a unit that its name or short name holds `text` (any case, any accents) or its code does."""
    name = accent_free_pattern(text)
    return Q(name__iregex=name) | Q(short_name__iregex=name) | Q(code__icontains=text)


def find_units(units, text, limit=UNIT_MATCHES):
    """[(unit, its trail)] for the first `limit` of `units` matching `text` (unit_matches), the higher levels
    first: one query whatever the scope (the parents come with each unit)."""
    if not text:
        return []
    matches = units.filter(unit_matches(text)).select_related(TRAIL_RELATED).order_by("depth", "name")[:limit]
    return [(unit, unit_trail(unit)) for unit in matches]


UNITS_PAGE = 50  # the rows of a page of the unit list
_KIND_ORDER = {kind: rank for rank, kind in enumerate(UnitKind.values)}  # as UnitKind declares them


def unit_list_page(units, parent, *, text="", kind="", page=None, today=None):
    """One page (UNITS_PAGE rows, Paginator.get_page: a page number out of range or malformed gives the last or
    the first page) of the unit list of `parent`, taken from `units` (those the user maintains): the units
    directly below it; with a text or a kind asked, every unit of its subtree matching the text (unit_matches)
    and of that kind, each with its trail (`.trail`, "" otherwise).

    Units in force first, then the higher levels, the kinds in the order UnitKind declares them, the names in
    Vietnamese alphabetical order. Three queries whatever the number of units: the sort keys of all of them,
    then the page's units with their parents and the number of units in force below each, their successors."""
    today = today or timezone.localdate()
    searching = bool(text or kind)
    rows = units.in_subtree(parent, include_self=False) if searching else units.filter(parent=parent)
    if text:
        rows = rows.filter(unit_matches(text))
    if kind:
        rows = rows.filter(kind=kind)
    keys = sorted(rows.values_list("pk", "name", "kind", "depth", "valid_to"), key=lambda row: (
        row[4] is not None and row[4] < today, row[3], _KIND_ORDER.get(row[2], 0), vietnamese_sort_key(row[1])))
    page = Paginator([row[0] for row in keys], UNITS_PAGE).get_page(page)
    shown = (rows.annotate(open_children=Count("children", filter=Q(children__valid_to__isnull=True)
                                               | Q(children__valid_to__gte=today)))
             .select_related(TRAIL_RELATED).prefetch_related("successor_links__successor").in_bulk(page.object_list))
    page.object_list = [shown[pk] for pk in page.object_list]
    for unit in page.object_list:
        unit.trail = unit_trail(unit) if searching else ""
    return page




# ---- the scopes a unit field searches (units/widgets.py) ----

SCOPES = {}  # key -> function(user) giving the units the user may choose in such a field; function(user, of)
# for a scope that depends on an object of the page (the task a unit is chosen for: its primary key, `of`)


def unit_scope(key):
    """Registers the function giving, for a user, the units a field of scope `key` offers: the form that shows
    the field and the search that fills it (units.views_units.unit_field_search) ask the same function, so a
    search finds nothing the form would refuse. Registered where the function is defined, at import (every
    form module is imported with the URL configuration, before any request)."""
    def register(function):
        SCOPES[key] = function
        return function
    return register


def scope_units(key, user, of=None):
    """The units of scope `key` for the user (and the page's object `of`, for a scope that takes one)."""
    return SCOPES[key](user) if of is None else SCOPES[key](user, of)
