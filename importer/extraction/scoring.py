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
