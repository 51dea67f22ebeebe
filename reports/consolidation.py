"""A parent's consolidation across the reports of the units below it (a province's across its communes).

Both builders read it: the PDF prints per target the aggregate, the range, the communes by status and
those behind; the workbook lists each commune's figure per indicator with the counts behind it. It
reads the contents only (the frozen snapshots the communes sent, or the live preview), so it says what
the communes reported. Each commune's figure and counts come from the one evaluation
(targets.queries.evaluate_targets: the roll-up of its subtree in SQL, with its predecessors', without
values entered for some target beside the schools' counts); pooling them applies the roll-up's rules
one level up: a rate is the sum of the numerators over the sum of the denominators, never an average
of percentages; counts add up; levels and "every unit" targets keep the lowest, the highest where less is better
("mỗi lớp không quá 35 học sinh").
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from targets.fields import format_percent, format_result
from targets.models import IndicatorKind

BODY_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "đảng ủy ", "đảng uỷ ", "hội đồng nhân dân ")

POOLED, TOTAL, LOWEST, HIGHEST, MEAN, ACHIEVED = "pooled", "total", "lowest", "highest", "mean", "achieved"
BEHIND_NAMES_SHOWN = 12  # the communes behind a target named in the PDF and the Word file; the others counted


@dataclass
class ConsolidatedTarget:
    """One target across the communes: each commune's row, and the aggregate of their figures."""

    number: int
    criterion: str
    indicator: str
    goal: str
    kind: str
    unit_label: str
    rows: list = field(default_factory=list)  # [(commune name, ReportRow)]
    rule: str = ""  # how the aggregate is made: POOLED, TOTAL, LOWEST, HIGHEST, MEAN or ACHIEVED
    value: Decimal | None = None  # the aggregate (ACHIEVED: how many communes reached it)

    @property
    def known(self):
        return [row for _name, row in self.rows if row.result is not None]

    def overall_text(self):
        """The aggregate as the PDF writes it: "45%", "tổng 12 phòng", "thấp nhất mức 2", "2/3 đã đạt"."""
        if self.value is None:
            return "—"
        if self.rule == ACHIEVED:
            return f"{self.value}/{len(self.known)} đã đạt"
        if self.rule == POOLED:
            return format_percent(self.value)
        words = {TOTAL: "tổng", LOWEST: "thấp nhất", HIGHEST: "cao nhất", MEAN: "trung bình"}[self.rule]
        return f"{words} {format_result(self.value, self.kind, self.unit_label)}"

    @property
    def behind(self):
        """The names of the communes behind on the target, in the report's order."""
        return [name for name, row in self.rows if row.status == "behind"]

    def behind_text(self, one):
        """The communes behind as the PDF and the Word file name them: the first BEHIND_NAMES_SHOWN, then how many
        others ("… và 158 xã khác"): a province's 170 names filled pages of one table row."""
        behind = self.behind
        more = len(behind) - BEHIND_NAMES_SHOWN
        return ", ".join(behind[:BEHIND_NAMES_SHOWN]) + (f" và {more} {one} khác" if more > 0 else "")

    def spread_text(self):
        """The lowest and the highest commune ("12,5% – 75%"); nothing for milestones."""
        known = self.known
        if not known or self.kind == IndicatorKind.MILESTONE:
            return ""
        low, high = min(known, key=lambda row: row.result), max(known, key=lambda row: row.result)
        return low.result_text if low.result == high.result else f"{low.result_text} – {high.result_text}"


# a part's line names its whole ("… (trong đó, thuộc …)", since 27/11/2026); a goal stated without a figure read a
# bare "≥  (đến năm 2035)" before then, "theo nội dung chỉ tiêu (đến năm 2035)" after: reports frozen on either side
# of that day are matched as the same target
_WHOLE_NAMED = re.compile(r" \(trong đó, thuộc .*\)$")
_BARE_COMPARISON = re.compile(r"^[≥≤]?\s*(?=\()")
# the floor across the units below, printed after the goal since 28/11/2026 ("…; không đơn vị nào dưới 60%")
_FLOOR = re.compile(r"; không đơn vị nào dưới [^;]*$")


def _same_target(label, row):
    goal = _BARE_COMPARISON.sub("theo nội dung chỉ tiêu ", _FLOOR.sub("", row.goal), count=1)
    return label, _WHOLE_NAMED.sub("", row.indicator), goal


def consolidate(contents):
    """[(criterion label, [ConsolidatedTarget])] across the contents, in the order first met.

    A target is the same across communes when its criterion, indicator and goal are (_same_target); a plan
    listing the same target twice counts its commune once.
    """
    targets, groups = {}, {}
    for content in contents:
        name = commune_name(content)
        seen = set()
        for group in content.groups:
            for row in group.rows:
                key = _same_target(group.label, row)
                if key in seen:
                    continue
                seen.add(key)
                if key not in targets:
                    targets[key] = ConsolidatedTarget(0, group.label, row.indicator, row.goal, row.kind, row.unit_label)
                    groups.setdefault(group.label, []).append(targets[key])
                targets[key].rows.append((name, row))
    number = 0
    for items in groups.values():
        for item in items:
            number += 1
            item.number = number
            item.rule, item.value = _aggregate(item)
    return list(groups.items())


def _aggregate(item):
    known = item.known
    if item.kind == IndicatorKind.RATE and not any(row.each_unit for row in known):
        counted = [row for row in known if row.denominator]
        denominator = sum(Decimal(str(row.denominator)) for row in counted)
        if not denominator:
            return POOLED, None
        return POOLED, sum(Decimal(str(row.numerator)) for row in counted) * 100 / denominator
    if not known:
        return "", None
    values = [Decimal(str(row.result)) for row in known]
    if item.kind == IndicatorKind.MILESTONE:
        return ACHIEVED, sum(1 for value in values if value)
    if any(row.ceiling for row in known):  # every commune under the ceiling: the highest decides
        return HIGHEST, max(values)
    if item.kind == IndicatorKind.LEVEL or any(row.each_unit for row in known):
        return LOWEST, min(values)
    if item.kind == IndicatorKind.COUNT:
        return TOTAL, sum(values)
    return MEAN, sum(values) / len(values)  # an index (0,82) does not add up


def commune_figures(content):
    """The commune's figure per indicator, with the counts a rate comes from and the period it is of:
    one row per commune and indicator for the province's sheet of figures."""
    rows, seen = [], set()
    for row in content.rows:
        if row.indicator in seen or row.result is None:
            continue
        seen.add(row.indicator)
        period = next((label for label, value in reversed(row.trend) if value is not None), content.period_name)
        rows.append({"unit_code": content.unit_code, "unit": commune_name(content), "indicator": row.indicator,
                     "period": period, "numerator": row.numerator, "denominator": row.denominator,
                     "value": row.result, "kind": row.kind, "unit_label": row.unit_label})
    return rows


def commune_name(content):
    """ "Ủy ban nhân dân phường Dương Kinh" -> "Phường Dương Kinh": the commune a consolidation lists."""
    return short_commune_name(content.unit_name)


def short_commune_name(name):
    """ "Ủy ban nhân dân phường Dương Kinh" -> "Phường Dương Kinh"."""
    for prefix in BODY_PREFIXES:
        if name.lower().startswith(prefix):
            name = name[len(prefix):]
            break
    return name[:1].upper() + name[1:]
