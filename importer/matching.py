"""Matching what an uploaded plan names with what the portal holds, and its quotes with its text.

    fold, core, similarity      compare names whatever their accents and the words most names start with
    suggest_indicator           the catalogue indicators a proposal may measure, the likeliest one chosen
    suggest_parent              the targets of the cited documents that the proposal may make concrete
    locate_quotes               where each proposal's quote stands in the text, and which mark shows it
    suggest_all                 all of the above for the proposals of a plan just read
    suggest_task_units          the portal units the tasks' lead and coordinating units stand for
"""

import re
import unicodedata
from decimal import Decimal
from difflib import SequenceMatcher

from django.db.models import Q

from plans.models import Document
from targets.fields import format_number
from targets.models import Indicator, Target
from units.models import Unit, UnitKind

from .gold import indicator_unit

UNIT_WORDS = {"%": "%", "count": "số lượng", "index": "chỉ số", "level": "mức độ", None: "không có (mốc hoàn thành)"}

# Name similarity (difflib ratio over accent-folded names) from which a match is listed, then suggested.
CANDIDATE_SCORE = 0.5
INDICATOR_SCORE = 0.65
PARENT_SCORE = 0.65
CANDIDATES = 3


def fold(name):
    """Lower-case ASCII words of a Vietnamese name, for comparing names whatever their accents."""
    text = (name or "").replace("đ", "d").replace("Đ", "D").rstrip("…")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


_GENERIC_HEAD = re.compile(r"^(?:ty le|ti le|so luong|so|chi so|muc do|cap do) ")


def core(folded):
    """A folded name without the words most names start with ("tỷ lệ", "số"), which inflate any ratio."""
    return _GENERIC_HEAD.sub("", folded)


def similarity(a, b):
    """difflib's ratio of two folded names, skipping the full comparison when it cannot reach a candidate."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < CANDIDATE_SCORE or matcher.quick_ratio() < CANDIDATE_SCORE:
        return 0.0
    return matcher.ratio()


def score_text(score):
    """A similarity as the officer reads it: "0,87"."""
    return format_number(Decimal(str(round(score, 2))))


def match_cited(parents, user):
    """Each cited document with the portal Document of the same number (visible to the user), if any."""
    numbers = {parent["number"] for parent in parents if parent.get("number")}
    found = {doc.number: doc for doc in Document.objects.visible_to(user).filter(number__in=numbers)
             .select_related("issuer").order_by("pk")}
    for parent in parents:
        doc = found.get(parent.get("number"))
        parent["document_id"] = doc.pk if doc else None
        parent["document_label"] = doc.short_label if doc else ""
    return list(found.values())


def indicator_rows():
    """Every catalogue indicator with its folded name and unit, read once for all the proposals."""
    return [(indicator, core(fold(indicator.name)), indicator_unit(indicator))
            for indicator in Indicator.objects.only("id", "name", "kind", "unit_label").order_by("pk")]


def parent_rows(cited):
    """The targets of the cited documents with their folded indicator name and unit."""
    targets = (Target.objects.filter(document__in=cited, is_projection=False)
               .select_related("indicator", "document").order_by("document", "order", "pk"))
    return [(target, core(fold(target.indicator.name)), indicator_unit(target.indicator)) for target in targets]


def suggest_indicator(item, indicators):
    name = core(fold(item["indicator"]))
    scored = sorted(((similarity(name, folded), unit, indicator) for indicator, folded, unit in indicators),
                    key=lambda row: (-row[0], row[2].pk))
    candidates = []
    for score, unit, indicator in scored[:CANDIDATES]:
        if score < CANDIDATE_SCORE:
            break
        reason = f"trùng tên chỉ số “{indicator.name}” (độ giống {score_text(score)})"
        if unit != item["unit"]:
            reason += f"; khác đơn vị tính: {UNIT_WORDS[unit]}"
        candidates.append({"id": indicator.pk, "name": indicator.name, "score": round(score, 2),
                           "same_unit": unit == item["unit"], "reason": reason})
    item["indicator_candidates"] = candidates
    chosen = next((c for c in candidates if c["same_unit"] and c["score"] >= INDICATOR_SCORE), None)
    item["indicator_id"] = chosen["id"] if chosen else None


def suggest_parent(item, parent_targets):
    """Among the targets of the cited documents in the portal: same unit, the most similar indicator."""
    name = core(fold(item["indicator"]))
    scored = []
    for target, folded, unit in parent_targets:
        if unit != item["unit"]:
            continue
        same = target.indicator_id == item["indicator_id"]
        score = 1.0 if same else similarity(name, folded)
        if score >= CANDIDATE_SCORE:
            scored.append((score, same, target))
    scored.sort(key=lambda row: (-row[0], row[2].pk))
    candidates = []
    for score, same, target in scored[:CANDIDATES]:
        why = "đo bằng cùng chỉ số" if same else f"tên chỉ số giống {score_text(score)}"
        unit = f"cùng đơn vị tính {UNIT_WORDS[item['unit']]}" if item["unit"] else "cùng là mốc hoàn thành"
        candidates.append({
            "id": target.pk, "label": f"{target.indicator.name} ({target.document.short_label})",
            "score": round(score, 2),
            "reason": f"cụ thể hóa chỉ tiêu “{target.indicator.name}” của {target.document.short_label} "
                      f"(văn bản được căn cứ): {unit}, {why}",
        })
    item["parent_candidates"] = candidates
    item["parent_id"] = candidates[0]["id"] if candidates and candidates[0]["score"] >= PARENT_SCORE else None


def resuggest_parents(proposals):
    """After the officer changed the documents the plan is based on: every proposal's higher-target candidates
    from the documents now cited. A pending proposal the officer has not touched takes the new suggestion; one
    the officer decided or whose higher target they chose keeps that choice while its document is still cited,
    and loses it otherwise. Returns how many proposals lost a chosen higher target that way."""
    cited = [parent["document_id"] for parent in proposals.get("parents", [])
             if parent.get("document_id") and not parent.get("dropped")]
    parent_targets = parent_rows(Document.objects.filter(pk__in=cited))
    lost = 0
    for item in proposals.get("targets", []) + proposals.get("projections", []):
        chosen = item.get("parent_id")
        decided = item.get("decision") != "pending" or "parent_id" in item.get("original", {})
        suggest_parent(item, parent_targets)
        if decided:
            still = chosen in {candidate["id"] for candidate in item["parent_candidates"]}
            item["parent_id"] = chosen if still else None
            lost += chosen is not None and not still
    return lost


def _find(text, quote):
    """(start, end) of the quote in the text, whatever the white space between its words (table rows)."""
    for candidate in (quote, (quote or "").rstrip(" .;:,")):
        words = candidate.split()
        if words:
            match = re.search(r"\s+".join(map(re.escape, words)), text)
            if match:
                return match.span()
    return None


def locate_quotes(text, items):
    """Give each proposal the span of its quote and the mark it is shown by: its own, or the mark of an
    earlier proposal whose sentence overlaps it (several figures of one table row, a clause of a sentence)."""
    spans = []
    for index, item in enumerate(items):
        span = _find(text, item["quote"])
        item["span"], item["mark"] = (list(span) if span else None), None
        if span:
            spans.append((span[0], -span[1], index))
    owner, owner_end = None, -1
    for start, negative_end, index in sorted(spans):
        if start < owner_end:
            items[index]["mark"] = owner
        else:
            owner, owner_end = index, -negative_end
            items[index]["mark"] = index


def suggest_all(proposals, text, user):
    """Ready extracted proposals for review, in place: each pending, with its suggested indicator and higher
    target, its quote found in ``text``; the cited documents looked up among those ``user`` may see."""
    items = proposals["targets"] + proposals["projections"]
    cited = match_cited(proposals["parents"], user) if user is not None else []
    indicators = indicator_rows()
    parent_targets = parent_rows(cited)
    for item in items:
        item.update(decision="pending", original={})
        suggest_indicator(item, indicators)
        suggest_parent(item, parent_targets)
    locate_quotes(text, items)


# ---------------------------------------------------------------------------------------------
# Tasks: the units a plan names (chủ trì, phối hợp) matched to the portal's units

UNIT_SCORE = 0.8  # similarity from which a name is taken for a portal unit
_ABBREVIATED = [
    (re.compile(r"\bUBND\b"), "Ủy ban nhân dân"), (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
    (re.compile(r"\bUBMTTQ\b|\bUB MTTQ\b"), "Ủy ban Mặt trận Tổ quốc"), (re.compile(r"\bMTTQ\b"), "Mặt trận Tổ quốc"),
    (re.compile(r"\bVH-XH\b|\bVHXH\b"), "Văn hóa - Xã hội"), (re.compile(r"\bGD&ĐT\b|\bGDĐT\b"), "Giáo dục và Đào tạo"),
    (re.compile(r"\bTTVHTT\b"), "Trung tâm Văn hóa, Thể thao và Truyền thông"),
]
# "phường", "xã", "thành phố" after an office's name say where it is, which the portal's names may not repeat
_PLACE_WORDS = re.compile(r"(?:\s+(?:phuong|xa|thanh pho|tinh|dac khu|tren dia ban))+$")
_PEOPLES_COMMITTEE = re.compile(r"^uy ban nhan dan(?: (?P<level>phuong|xa|dac khu|tinh|thanh pho))?\b")
_LEVEL_KINDS = {"phuong": "commune", "xa": "commune", "dac khu": "commune", "tinh": "province",
                "thanh pho": "province", None: None}


def unit_name_key(name, *, keep_place=False):
    """A name folded for comparison: abbreviations spelt out, accents and (unless ``keep_place``) the trailing
    place words dropped."""
    for pattern, words in _ABBREVIATED:
        name = pattern.sub(words, name or "")
    return fold(name) if keep_place else _PLACE_WORDS.sub("", fold(name))


def task_unit_rows(unit):
    """The portal units a plan of ``unit`` may assign tasks to: the unit, what is under it, the units above it,
    and the departments of those (a ward plan asks the city's Sở GD&ĐT to coordinate), current ones only."""
    prefixes = unit.path_prefixes()
    units = (Unit.objects.current()
             .filter(Q(path__startswith=unit.path) | Q(path__in=prefixes)
                     | Q(parent__path__in=prefixes, kind=UnitKind.DEPARTMENT))
             .only("id", "name", "short_name", "kind", "path").order_by("path"))
    return [(candidate, {unit_name_key(candidate.name), unit_name_key(candidate.short_name)} - {""})
            for candidate in units]


def match_unit(name, rows, home):
    """The portal unit a name in a plan stands for, or None: the same name, a name that starts with it ("Phòng
    Văn hóa - Xã hội" for "Phòng Văn hóa - Xã hội phường A"), or a close one; "Ủy ban nhân dân phường" is the
    commune the plan belongs to (``home``'s nearest unit of that level)."""
    key = unit_name_key(name)
    if not key:
        return None
    full = unit_name_key(name, keep_place=True)
    committee = _PEOPLES_COMMITTEE.match(full)
    if committee and not full[committee.end():].strip():
        kind = _LEVEL_KINDS.get(committee.group("level"))
        chain = [candidate for candidate, _keys in rows if home.path.startswith(candidate.path)]
        return next((candidate for candidate in reversed(chain) if kind in (None, candidate.kind)), None)
    best, best_score = None, 0.0
    for candidate, keys in rows:
        for other in keys:
            if other == key:
                score = 1.0
            elif len(key.split()) >= 2 and (other.startswith(f"{key} ") or key.startswith(f"{other} ")):
                score = 0.9
            else:
                score = similarity(key, other)
            if score > best_score:
                best, best_score = candidate, score
    return best if best_score >= UNIT_SCORE else None


def suggest_task_units(proposals, unit):
    """Give each task proposal its lead unit and coordinating units among the portal's, and the proposals the
    list of units a reviewer may choose from; every task starts accepted (the officer drops what is not one)."""
    groups = proposals.get("tasks") or []
    if not groups:
        return
    rows = task_unit_rows(unit)
    proposals["task_units"] = [{"id": candidate.pk, "name": candidate.name} for candidate, _keys in rows]
    found = {}

    def lookup(name):
        if name not in found:
            matched = match_unit(name, rows, unit)
            found[name] = matched.pk if matched else None
        return found[name]

    for group in groups:
        for task in group["tasks"]:
            task["decision"] = "accepted"
            task["lead_unit_id"] = lookup(task["lead_text"]) if task["lead_text"] else unit.pk
            task["coordinating_ids"] = [pk for pk in dict.fromkeys(map(lookup, task["coordinating_texts"]))
                                        if pk is not None and pk != task["lead_unit_id"]]
