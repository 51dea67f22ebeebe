"""The roll-up table (targets.models.RollUp): sums maintained, not recomputed (issue 13).

For every unit and each of its ancestors (the unit itself included), every indicator and period, the table
holds the sums of the in-use values entered without a target: how many units reported, how many achieved,
the sums of numerators, denominators and values (each with how many values it adds) and the lowest value.
That is everything a roll-up combines (targets.queries._combine), so a page reads one finished row per
(unit, indicator, period) instead of aggregating the subtree's values.

Who keeps it: triggers in the database (targets/migrations/0006_…), in the transaction of every insert,
change, archive or delete of a progress value, whatever writes it (an approval, a reopen, an officer's
save, the admin's archive, a bulk load by COPY). PostgreSQL runs them once per statement over the rows
it changed and increments by upsert (two writers under one ancestor queue on its row: no increment is
lost); SQLite, once per row. A unit re-parented (Unit.move_to) takes its own rows, the sums of its
subtree, from the ancestors of its old place to those of the new one (a trigger on the units' table). A
merge (units.UnitSuccession) moves no value: the reads add the rows of the unit's predecessors
(targets.queries.subtree_roots).

`rebuild()` recomputes the table from the values and reports any drift it found.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from .models import RollUp

SUMS = ["reporting_units", "achieved_units", "numerator_count", "numerator_sum", "denominator_count",
        "denominator_sum", "value_count", "value_sum", "value_min"]
_AGGREGATES = ["count(*)", "sum(CASE WHEN v.achieved THEN 1 ELSE 0 END)", "count(v.numerator)",
               "coalesce(sum(v.numerator), 0)", "count(v.denominator)", "coalesce(sum(v.denominator), 0)",
               "count(v.value)", "coalesce(sum(v.value), 0)", "min(v.value)"]
# each in-use value without a target counted for its unit and every ancestor (by the parent links, which
# Unit.place / move_to keep equal to the path): the same query as the table's first fill in the migration
_CHAIN = """
    chain(unit_id, ancestor_id) AS (
        SELECT DISTINCT unit_id, unit_id FROM targets_progressvalue
        UNION ALL
        SELECT c.unit_id, u.parent_id FROM chain c JOIN units_unit u ON u.id = c.ancestor_id
        WHERE u.parent_id IS NOT NULL
    )"""
_LIVE_SELECT = f"""
    SELECT c.ancestor_id AS unit_id, v.indicator_id, v.period_id,
        {", ".join(f"{expression} AS {name}" for expression, name in zip(_AGGREGATES, SUMS, strict=True))}
    FROM targets_progressvalue v JOIN chain c ON c.unit_id = v.unit_id
    WHERE v.target_id IS NULL AND v.archived_at IS NULL
    GROUP BY c.ancestor_id, v.indicator_id, v.period_id"""
# each in-use value without a target counted for its unit and every ancestor (by the parent links, which
# Unit.place / move_to keep equal to the path): the same query as the table's first fill in the migration
LIVE_SQL = f"WITH RECURSIVE {_CHAIN} {_LIVE_SELECT}"
_DIFFERS = " OR ".join(
    [f"s.{name} <> l.{name}" for name in SUMS if name.endswith(("_units", "_count"))]
    + [f"abs(s.{name} - l.{name}) > 0.00005" for name in SUMS if name.endswith("_sum")]
    + ["(s.value_min IS NULL) <> (l.value_min IS NULL)", "abs(s.value_min - l.value_min) > 0.00005"])
# the rows where the table and the values disagree, compared in the database (a province holds about a
# million rows); sums to four places, as SQLite adds in floating point
DRIFT_SQL = f"""
    WITH RECURSIVE {_CHAIN},
    live AS ({_LIVE_SELECT}),
    stored AS (SELECT * FROM targets_rollup WHERE reporting_units > 0)
    SELECT coalesce(l.unit_id, s.unit_id), coalesce(l.indicator_id, s.indicator_id),
        coalesce(l.period_id, s.period_id), s.unit_id IS NOT NULL, {", ".join(f"s.{name}" for name in SUMS)},
        l.unit_id IS NOT NULL, {", ".join(f"l.{name}" for name in SUMS)}
    FROM live l FULL OUTER JOIN stored s
        ON s.unit_id = l.unit_id AND s.indicator_id = l.indicator_id AND s.period_id = l.period_id
    WHERE l.unit_id IS NULL OR s.unit_id IS NULL OR {_DIFFERS}
    ORDER BY 1, 2, 3
"""
FOUR_PLACES = Decimal("0.0001")


def table_rows(unit_ids, indicators, periods):
    """{(unit id, indicator id, period id): aggregate row} read from the table, in the shape of the live
    aggregates of targets.queries (numerator, denominator, total, lowest, reporting, achieved; a sum of no
    values is None). One query on the table's unique index."""
    if not unit_ids:
        return {}
    rows = (RollUp.objects.filter(unit_id__in=unit_ids, indicator__in=indicators, period__in=periods,
                                  reporting_units__gt=0)
            .values_list("unit_id", "indicator_id", "period_id", *SUMS))
    return {(unit_id, indicator_id, period_id): {
        "numerator": numerator if numerators else None, "denominator": denominator if denominators else None,
        "total": total if totals else None, "lowest": lowest, "reporting": reporting, "achieved": achieved,
    } for (unit_id, indicator_id, period_id, reporting, achieved, numerators, numerator, denominators, denominator,
           totals, total, lowest) in rows}


@dataclass
class Drift:
    """A row of the table that differs from what the values add up to (None: no row on that side)."""

    unit_id: int
    indicator_id: int
    period_id: int
    stored: tuple | None
    live: tuple | None


def _normal(row):
    """Sums as Decimals to four places (SQLite adds in floating point)."""
    return tuple(Decimal(value).quantize(FOUR_PLACES) if isinstance(value, (Decimal, float)) else value
                 for value in row)


def drift():
    """[Drift]: every row where the table and the values disagree, in key order."""
    width = len(SUMS)
    with connection.cursor() as cursor:
        cursor.execute(DRIFT_SQL)
        rows = cursor.fetchall()
    return [Drift(*row[:3], _normal(row[4:4 + width]) if row[3] else None,
                  _normal(row[5 + width:]) if row[4 + width] else None) for row in rows]


@transaction.atomic
def rebuild(*, check_only=False):
    """Compare the table with the values and, unless `check_only`, rewrite it from them. Returns [Drift]
    found before rewriting. Writers of values wait meanwhile (PostgreSQL: the values table is locked in
    SHARE mode), so that nothing changes between the comparison and the rewrite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE targets_progressvalue IN SHARE MODE")
    found = drift()
    if found and not check_only:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM targets_rollup")
            # in the order of the unique index: a unit's rows side by side, as the reads take them
            cursor.execute(f"INSERT INTO targets_rollup (unit_id, indicator_id, period_id, {', '.join(SUMS)}) "
                           f"{LIVE_SQL} ORDER BY 1, 2, 3")
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE targets_rollup")
    return found
