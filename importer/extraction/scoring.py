"""The matching rule of ``demo/seed_data/gold/README.md``, used to score the extractor.

A proposal matches a gold target when the units are equal, the values are equal (null only matches
null; a range by its lower bound), the deadlines are equal or the gold one is null, the comparators
agree, and the quotes overlap after folding white space. Matching is one to one, and the number of
matches is the largest possible (an augmenting-path bipartite matching), so that the order of the
lists does not change the score.

Targets and projections are scored together: each side's list is its ``targets`` followed by its
``projections`` (the gold README gives projections the same fields as targets).
"""

import math
import unicodedata
from dataclasses import dataclass

MIN_SHARED_RUN = 20


def fold(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def quotes_overlap(first, second, min_run=MIN_SHARED_RUN):
    """One quote contains the other, or they share a run of at least ``min_run`` characters."""
    first, second = fold(first), fold(second)
    if not first or not second:
        return False
    if first in second or second in first:
        return True
    if len(first) < min_run or len(second) < min_run:
        return False
    runs = {first[i:i + min_run] for i in range(len(first) - min_run + 1)}
    return any(second[i:i + min_run] in runs for i in range(len(second) - min_run + 1))


def values_equal(proposed, gold):
    if proposed is None or gold is None:
        return proposed is None and gold is None
    return math.isclose(float(proposed), float(gold), rel_tol=1e-9, abs_tol=1e-9)


def comparators_agree(proposed, gold, value):
    """'=' and '>=' agree for a non-zero value, '=' and '<=' for zero, 'range' with '>=' on its lower bound."""
    if proposed == gold:
        return True
    pair = {proposed, gold}
    if pair == {"=", ">="}:
        return value is not None and value != 0
    if pair == {"=", "<="}:
        return value is not None and value == 0
    return pair == {"range", ">="}


def matches(proposal, gold):
    """Whether one proposal matches one gold target under the README's rule."""
    if proposal.get("unit") != gold.get("unit"):
        return False
    if not values_equal(proposal.get("value"), gold.get("value")):
        return False
    if gold.get("deadline") is not None and proposal.get("deadline") != gold.get("deadline"):
        return False
    if not comparators_agree(proposal.get("comparator"), gold.get("comparator"), gold.get("value")):
        return False
    return quotes_overlap(proposal.get("quote"), gold.get("quote"))


def best_matching(proposals, golds):
    """{gold index: proposal index} of a maximum one-to-one matching."""
    candidates = [[j for j, gold in enumerate(golds) if matches(proposal, gold)] for proposal in proposals]
    owner = {}

    def assign(i, visited):
        for j in candidates[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or assign(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(proposals)):
        assign(i, set())
    return owner


@dataclass(frozen=True)
class Score:
    """Matches, proposals and gold targets of one or more plans."""

    matched: int
    proposed: int
    expected: int

    @property
    def precision(self):
        return self.matched / self.proposed if self.proposed else 0.0

    @property
    def recall(self):
        return self.matched / self.expected if self.expected else 0.0

    def __add__(self, other):
        return Score(self.matched + other.matched, self.proposed + other.proposed, self.expected + other.expected)

    def __str__(self):
        return f"precision={self.precision:.2f} recall={self.recall:.2f}"


def scored_items(document):
    """A plan's targets followed by its projections."""
    return list(document.get("targets") or []) + list(document.get("projections") or [])


def score(extracted, gold):
    """The Score of an extraction against its hand annotation (both in the gold JSON format)."""
    proposals, golds = scored_items(extracted), scored_items(gold)
    return Score(len(best_matching(proposals, golds)), len(proposals), len(golds))


# ---------------------------------------------------------------------------------------------
# Errors by kind: what the extractor misses or adds, so that a score says where to look

def target_kind(target):
    """The shape of a gold target or a proposal, in the words of the issue that lists what plans state."""
    quote = fold(target.get("quote")).lower()
    comparator, unit, value = target.get("comparator"), target.get("unit"), target.get("value")
    if comparator == "maintain":
        return "duy trì / củng cố"
    if comparator == "achieve":
        return "mốc (cấp độ, công nhận)" if unit == "level" else "mốc định tính"
    if quote.startswith(("trong đó", "(trong đó")):
        return "phần “trong đó”"
    if value == 0:
        return "không để (bằng 0)"
    if unit == "count":
        return "ít nhất một (phấn đấu có)" if value == 1 and comparator == ">=" else "số lượng"
    if comparator == "range":
        return "khoảng"
    return {"%": "tỷ lệ", "index": "chỉ số", "level": "mức độ"}.get(unit, "khác")


def _reason(gold, proposals, used):
    """(why a gold target found no match among the proposals left over, the proposal that came nearest)."""
    near = [index for index, proposal in enumerate(proposals)
            if index not in used and quotes_overlap(proposal.get("quote"), gold.get("quote"))]
    same_figure = [index for index in near if proposals[index].get("unit") == gold.get("unit")
                   and values_equal(proposals[index].get("value"), gold.get("value"))]
    agreeing = [index for index in same_figure if comparators_agree(
        proposals[index].get("comparator"), gold.get("comparator"), gold.get("value"))]
    if agreeing:
        return "sai thời hạn", agreeing[0]
    if same_figure:
        return "sai phép so sánh", same_figure[0]
    if near:
        return "sai giá trị hoặc đơn vị", near[0]
    return "bỏ sót", None


def errors(extracted, gold):
    """(kind, reason) for each gold target not matched and each proposal that matches none. A proposal that
    came near a missed target (its quote, wrong deadline, comparator or value) is counted with that target,
    not again as one too many."""
    proposals, golds = scored_items(extracted), scored_items(gold)
    owner = best_matching(proposals, golds)
    used = set(owner.values())
    found = []
    for index, target in enumerate(golds):
        if index not in owner:
            reason, nearest = _reason(target, proposals, used)
            found.append((target_kind(target), reason))
            if nearest is not None:
                used.add(nearest)
    found += [(target_kind(proposal), "đề xuất thừa") for index, proposal in enumerate(proposals) if index not in used]
    return found


# ---------------------------------------------------------------------------------------------
# Tasks, against a plan's task table (demo/seed_data/tasks.json: groups of tasks with their lead)


@dataclass(frozen=True)
class TaskScore:
    """Groups and tasks proposed and expected, tasks matched by their text, and of those the leads that agree."""

    groups_proposed: int
    groups_expected: int
    tasks_proposed: int
    tasks_expected: int
    matched: int
    leads_agreeing: int
    leads_compared: int

    def __str__(self):
        return (f"nhóm {self.groups_proposed}/{self.groups_expected}, nhiệm vụ {self.tasks_proposed}/"
                f"{self.tasks_expected}, khớp nội dung {self.matched}, đúng đơn vị chủ trì "
                f"{self.leads_agreeing}/{self.leads_compared}")


def _tasks_of(groups):
    return [(group.get("kind"), task) for group in groups for task in group.get("tasks", [])]


def same_task(first, second, opening=40):
    """Two task texts name the same task: one holds the other, or the opening words of one (40 characters,
    folded) stand in the other. A shared run of 20 characters, as quotes are matched, is too loose here: the
    tasks of a plan share whole phrases ("Nghị quyết số 71-NQ/TW của Bộ Chính trị")."""
    first, second = fold(first).lower(), fold(second).lower()
    if not first or not second:
        return False
    return first in second or second in first or first[:opening] in second or second[:opening] in first


def _same_lead(first, second):
    first, second = fold(first).lower().rstrip(" .;"), fold(second).lower().rstrip(" .;")
    return bool(first and second) and (first in second or second in first)


def score_tasks(proposed_groups, expected_groups):
    """A TaskScore: tasks match one to one when their kinds agree and their texts are the same (same_task);
    leads are compared, as written, for the matched tasks of "Tổ chức thực hiện"."""
    proposed, expected = _tasks_of(proposed_groups), _tasks_of(expected_groups)
    candidates = [[j for j, (kind, task) in enumerate(expected)
                   if kind == proposed_kind and same_task(proposal["text"], task["text"])]
                  for proposed_kind, proposal in proposed]
    owner = {}

    def assign(i, visited):
        for j in candidates[i]:
            if j not in visited:
                visited.add(j)
                if j not in owner or assign(owner[j], visited):
                    owner[j] = i
                    return True
        return False

    for i in range(len(proposed)):
        assign(i, set())
    compared = [(proposed[i][1], expected[j][1]) for j, i in owner.items() if expected[j][0] == "assignment"]
    agreeing = sum(1 for proposal, task in compared if _same_lead(proposal.get("lead_text"), task.get("lead_text")))
    return TaskScore(len(proposed_groups), len(expected_groups), len(proposed), len(expected), len(owner),
                     agreeing, len(compared))
