"""Finding units by name or code, whatever the accents typed, in any scope: the unit pickers of the dashboards
and the unit fields of the forms (units/widgets.py) search here, so that no page lists every unit of a
province, or of the country, to offer one."""

import re
import unicodedata

from django.db.models import Q

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


def find_units(units, text, limit=UNIT_MATCHES):
    """[(unit, its trail)] for the first `limit` of `units` whose name or short name holds `text` (any case,
    any accents) or whose code does, the higher levels first: one query whatever the scope (the parents come
    with each unit)."""
    if not text:
        return []
    name = accent_free_pattern(text)
    found = Q(name__iregex=name) | Q(short_name__iregex=name) | Q(code__icontains=text)
    matches = units.filter(found).select_related(TRAIL_RELATED).order_by("depth", "name")[:limit]
    return [(unit, unit_trail(unit)) for unit in matches]




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
