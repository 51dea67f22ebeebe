"""Matching what an uploaded plan names with what the portal holds, and its quotes with its text.

    fold, core, similarity      compare names whatever their accents and the words most names start with
    Terms, difference           what a name measures word by word (levels, qualifiers), what parts two names
    suggest_indicator           the catalogue indicators a proposal may measure, the likeliest alike one chosen
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


# ---------------------------------------------------------------------------------------------
# Indicators: the words that make two names measure different things, whatever their likeness

# school levels as plans write them, abbreviated or in full (folded words -> the level's name)
_LEVEL_PHRASES = {
    ("nha", "tre"): "nhà trẻ", ("mau", "giao"): "mẫu giáo", ("mam", "non"): "mầm non", ("mn",): "mầm non",
    ("tieu", "hoc"): "tiểu học", ("th",): "tiểu học", ("thcs",): "THCS", ("trung", "hoc", "co", "so"): "THCS",
    ("thpt",): "THPT", ("trung", "hoc", "pho", "thong"): "THPT", ("gdtx",): "GDTX",
    ("giao", "duc", "thuong", "xuyen"): "GDTX",
}
# "các cấp", "mỗi cấp học", "mầm non, phổ thông": every level, which any level named by the other name is part of
_EVERY_LEVEL = [("cac", "cap", "hoc"), ("moi", "cap", "hoc"), ("cac", "bac", "hoc"), ("cac", "cap"), ("moi", "cap"),
                ("mam", "non", "pho", "thong")]
_GRADE_LEVEL = [(range(1, 6), "tiểu học"), (range(6, 10), "THCS"), (range(10, 13), "THPT")]
# entering the first grade of a level ("vào lớp 10") is about the pupils leaving the level below too
_ENTRY_FROM = {6: "tiểu học", 10: "THCS"}
# qualifiers that make another measure of the same population: present in one name only, they part the two
_QUALIFIERS = {
    ("bo", "hoc"): "bỏ học", ("luu", "ban"): "lưu ban", ("suy", "dinh", "duong"): "suy dinh dưỡng",
    ("thap", "coi"): "thấp còi", ("beo", "phi"): "béo phì", ("khuyet", "tat"): "khuyết tật",
    ("tren", "chuan"): "trên chuẩn", ("chua", "dat", "chuan"): "chưa đạt chuẩn", ("chuan", "quoc", "gia"): "chuẩn quốc gia",
    ("ket", "noi", "internet"): "kết nối Internet", ("nang", "luc", "so"): "năng lực số",
    ("chuyen", "doi", "so"): "chuyển đổi số", ("thong", "minh"): "thông minh", ("ngoai", "cong", "lap"): "ngoài công lập",
    ("cong", "lap"): "công lập", ("tu", "thuc"): "tư thục", ("dan", "toc", "thieu", "so"): "dân tộc thiểu số",
    ("hoan", "canh", "kho", "khan"): "hoàn cảnh khó khăn", ("hoc", "sinh", "gioi"): "học sinh giỏi",
    ("len", "lop"): "lên lớp", ("tri", "tue", "nhan", "tao"): "trí tuệ nhân tạo",
}
# words that say where, how fully or how surely, not what is measured
_FILLER_PHRASES = [("tren", "dia", "ban"), ("neu", "co"), ("it", "nhat"), ("toi", "thieu"), ("day", "du"),
                   ("noi", "dung"), ("huy", "dong"), ("theo", "quy", "dinh"), ("do", "tuoi"), ("thanh", "pho"),
                   ("doi", "voi")]
# words plans use for one another: (folded words) -> (folded word, as written) they are compared as
_SYNONYMS = {
    ("ra", "lop"): ("di hoc", "đi học"), ("den", "truong"): ("di hoc", "đi học"), ("den", "lop"): ("di hoc", "đi học"),
    ("di", "hoc"): ("di hoc", "đi học"), ("nha", "truong"): ("truong", "trường"),
    ("tot", "nghiep"): ("hoan thanh chuong trinh", "hoàn thành chương trình"),
    ("hoan", "thanh", "chuong", "trinh"): ("hoan thanh chuong trinh", "hoàn thành chương trình"),
}
_FILLER_WORDS = {"cac", "nhung", "moi", "duoc", "co", "cua", "trong", "o", "tai", "va", "voi", "cho", "theo", "dat",
                 "ve", "vao", "tu", "den", "la", "em", "phuong", "xa", "tinh", "huyen", "nam", "hoc"}
_HEAD_WORDS = [("ty", "le"), ("ti", "le"), ("so", "luong"), ("so",), ("chi", "so"), ("muc", "do"), ("cap", "do"),
               ("hoan", "thanh"), ("duoc",), ("phan", "dau")]
_ABBREVIATIONS = {"gv": ("giao", "vien"), "hs": ("hoc", "sinh"), "cbql": ("can", "bo", "quan", "ly"),
                  "ai": ("tri", "tue", "nhan", "tao"), "cntt": ("cong", "nghe", "thong", "tin")}
_MAX_CONTINUATION = 12  # words of the plan's sentence read after a proposal's name
_CLAUSE_END = {";", ":", ".", "!", "?", "%", "dat"}  # and a number: where the figure of a name begins


def _tokens(text):
    """(folded word, word as written) pairs of a name; "MĐ2" is "mức độ 2", "02" is "2", known abbreviations
    are spelt out and a word cut by "…" is left out (it may stand for any word)."""
    text = unicodedata.normalize("NFC", text or "")
    cut = text.rstrip().endswith("…")
    words = re.findall(r"\w+", text.lower())
    if cut and words:
        words.pop()
    pairs = []
    for word in words:
        key = fold(word)
        degree = re.fullmatch(r"md(\d+)", key)
        if degree:
            pairs += [("muc", "mức"), ("do", "độ"), (str(int(degree.group(1))), degree.group(1))]
        elif key.isdigit():
            pairs.append((str(int(key)), word))
        elif key in _ABBREVIATIONS:
            pairs += [(part, part) for part in _ABBREVIATIONS[key]]
        else:
            pairs.append((key, word))
    return pairs


def _at(keys, index, phrase):
    return tuple(keys[index:index + len(phrase)]) == phrase


class Terms:
    """What a name measures, word by word: its school levels (None: every level), its qualifiers and its other
    content words (folded word -> the word as written)."""

    def __init__(self, name):
        pairs = _tokens(name)
        keys = [key for key, _ in pairs]
        start = 0
        while True:  # the generic words names start with ("Tỷ lệ", "Số", "Hoàn thành")
            head = next((phrase for phrase in _HEAD_WORDS if _at(keys, start, phrase)), None)
            if head is None or start + len(head) >= len(keys):
                break
            start += len(head)
        self.levels, self.grades, self.qualifiers, self.words = set(), set(), {}, {}
        every, qualified = False, 0
        index = start
        while index < len(keys):
            if _at(keys, index, ("va", "tren")) and index > start and keys[index + 2:index + 3] == [keys[index - 1]]:
                index += 3  # "đạt chuẩn và trên chuẩn" is "đạt chuẩn trở lên"
                self.words.update({"tro": "trở", "len": "lên"})
                continue
            phrase = next((p for p in _EVERY_LEVEL if _at(keys, index, p)), None)
            if phrase:
                every, index = True, index + len(phrase)
                continue
            phrase = max((p for p in _LEVEL_PHRASES if _at(keys, index, p)), key=len, default=None)
            if phrase:
                self.levels.add(_LEVEL_PHRASES[phrase])
                index += len(phrase)
                continue
            if keys[index] == "lop" and index + 1 < len(keys) and keys[index + 1].isdigit():
                grade = int(keys[index + 1])
                self.grades.add(grade)
                self.levels.update(level for grades, level in _GRADE_LEVEL if grade in grades)
                if index > 0 and keys[index - 1] == "vao" and grade in _ENTRY_FROM:
                    self.levels.add(_ENTRY_FROM[grade])
                index += 2
                continue
            if keys[index] == "vao" and index > start and index + 1 < len(keys) and index >= qualified:
                # entering something ("vào lớp 10", "vào các trường nghề") measures a transition, not a stock
                self.qualifiers[("vao",)] = " ".join(w for _, w in pairs[index:index + 3])
            phrase = next((p for p in _QUALIFIERS if _at(keys, index, p)), None)
            if phrase and index >= qualified:  # "ngoài công lập" is not also "công lập"
                self.qualifiers[phrase] = _QUALIFIERS[phrase]
                qualified = index + len(phrase)
            phrase = next((p for p in _FILLER_PHRASES if _at(keys, index, p)), None)
            if phrase:
                index += len(phrase)
                continue
            phrase = next((p for p in _SYNONYMS if _at(keys, index, p)), None)
            if phrase:
                self.words.setdefault(*_SYNONYMS[phrase])
                index += len(phrase)
                continue
            key, word = pairs[index]
            if key in ("co", "so") and _at(keys, index, ("co", "so")):
                self.words["co so"] = " ".join(w for _, w in pairs[index:index + 2])
                index += 2
                continue
            if word == "số" and index > start and keys[index - 1] == "chi":
                key = "chi so"  # "chỉ số HDI": an index
                self.words.pop("chi", None)
            elif word == "số" and index + 1 < len(keys) and keys[index + 1] == "hoa":
                key, word = "so hoa", "số hóa"
                index += 1
            elif word == "số" and index + 1 < len(keys) and keys[index + 1] not in _FILLER_WORDS - {"hoc"}:
                index += 1  # "Nghị quyết số 71", "giảm số học sinh": the number of something
                continue
            elif word == "số":  # last, or before "và", "trong": "digital" ("trường học số"), not "the number of"
                key = "so#"
                if index >= qualified and index - start >= 2:  # what is digital: "trường học" or "dạy học"
                    self.qualifiers[tuple(keys[index - 2:index + 1])] = " ".join(w for _, w in pairs[index - 2:index + 1])
            if key not in _FILLER_WORDS and not re.fullmatch(r"(?:19|20)\d\d", key):
                self.words.setdefault(key, word)
            index += 1
        if every:
            self.levels = None


def continuation(name, quote):
    """The words the plan's sentence writes right after the proposal's name, up to the figure or the end of the
    clause (a stop, "đạt", a number): what a name cut short by the reader still says ("… THCS và THPT, GDTX và
    tương đương")."""
    name_keys = [key for key, _ in _tokens(name)]
    if len(name_keys) < 2 or not quote:
        return ""
    quote_words = re.findall(r"\w+|[;:.!?%]", unicodedata.normalize("NFC", quote))
    quote_keys = [fold(word) if word[0].isalnum() else word for word in quote_words]
    tail = name_keys[-2:]
    for index in range(len(quote_keys) - 1):
        if quote_keys[index:index + 2] == tail:
            after = []
            for word, key in zip(quote_words[index + 2:], quote_keys[index + 2:], strict=True):
                if key in _CLAUSE_END or key.isdigit() or len(after) >= _MAX_CONTINUATION:
                    break
                after.append(word)
            return " ".join(after)
    return ""


def _listed(levels):
    return ", ".join(map(str, sorted(levels))) if levels else "không nêu"


def _phrase(words):
    return "“" + " ".join(words) + "”" if words else "—"


def difference(item, terms, proposal_terms=None, said_after=None):
    """Why the proposal's name and a catalogue indicator's name (its Terms) measure different things, as
    (reason, None), or ("", how many content words either has alone): another school level or grade, a qualifier
    one has and the other lacks, or content words each has that the other lacks. The catalogue's words that the
    plan writes right after the proposal's name (``said_after``) do not count as lacking."""
    own = proposal_terms or Terms(item["indicator"])
    after = said_after if said_after is not None else Terms(continuation(item["indicator"], item.get("quote", "")))
    if own.levels is not None and terms.levels is not None:
        levels = own.levels | (terms.levels & (after.levels or set()))
        if levels != terms.levels:
            return f"khác cấp học: {_listed(own.levels)} / {_listed(terms.levels)}", None
    if own.grades and terms.grades and not own.grades & terms.grades:
        return f"khác lớp: {_listed(own.grades)} / {_listed(terms.grades)}", None
    spoken = set(after.qualifiers) | set(own.qualifiers)
    mine = [word for phrase, word in own.qualifiers.items() if phrase not in terms.qualifiers]
    theirs = [word for phrase, word in terms.qualifiers.items() if phrase not in spoken]
    if mine or theirs:
        return f"khác nội dung đo: {_phrase(mine)} / {_phrase(theirs)}", None
    mine = [word for key, word in own.words.items() if key not in terms.words]
    theirs = [word for key, word in terms.words.items() if key not in own.words and key not in after.words]
    if mine and theirs:
        return f"khác nội dung đo: {_phrase(mine)} / {_phrase(theirs)}", None
    return "", len(mine) + len(theirs)


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
    """Every catalogue indicator with its folded name, unit and Terms, read once for all the proposals."""
    return [(indicator, core(fold(indicator.name)), indicator_unit(indicator), Terms(indicator.name))
            for indicator in Indicator.objects.only("id", "name", "kind", "unit_label").order_by("pk")]


def parent_rows(cited):
    """The targets of the cited documents with their folded indicator name and unit."""
    targets = (Target.objects.filter(document__in=cited, is_projection=False)
               .select_related("indicator", "document").order_by("document", "order", "pk"))
    return [(target, core(fold(target.indicator.name)), indicator_unit(target.indicator)) for target in targets]


def suggest_indicator(item, indicators):
    """The catalogue indicators whose names are likest the proposal's (CANDIDATES at most), each with its reason;
    the likeliest one of the same unit is chosen unless a school level, a qualifier or other words of the names
    differ (then it is still listed, the difference named, for the officer to choose)."""
    name = core(fold(item["indicator"]))
    scored = sorted(((similarity(name, folded), unit, indicator, terms)
                     for indicator, folded, unit, terms in indicators),
                    key=lambda row: (-row[0], row[2].pk))
    own = Terms(item["indicator"])
    after = Terms(continuation(item["indicator"], item.get("quote", "")))
    candidates, eligible = [], []
    for score, unit, indicator, terms in scored[:CANDIDATES]:
        if score < CANDIDATE_SCORE:
            break
        reason = f"trùng tên chỉ số “{indicator.name}” (độ giống {score_text(score)})"
        if unit != item["unit"]:
            reason += f"; khác đơn vị tính: {UNIT_WORDS[unit]}"
        differs, unmatched = difference(item, terms, own, after)
        if differs:
            reason += f"; {differs}: không chọn sẵn"
        elif unit == item["unit"] and score >= INDICATOR_SCORE:
            eligible.append((unmatched, len(eligible), indicator.pk))
        candidates.append({"id": indicator.pk, "name": indicator.name, "score": round(score, 2),
                           "same_unit": unit == item["unit"], "reason": reason, "differs": differs})
    item["indicator_candidates"] = candidates
    # of the alike ones, the one whose name has the fewest words the other lacks, then the likest
    item["indicator_id"] = min(eligible)[2] if eligible else None


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


MIN_QUOTE_TAIL = 3  # words of a quote's end that still locate it (a table row quoted after its column's header)


def _find(text, quote):
    """(start, end) of the quote in the text, whatever the white space between its words (table rows); else of
    its longest end of at least MIN_QUOTE_TAIL words, starting with a figure, that is (a figure of a table quoted
    as its column's header then its row: the row is marked)."""
    for candidate in (quote, (quote or "").rstrip(" .;:,")):
        words = candidate.split()
        if words:
            match = re.search(r"\s+".join(map(re.escape, words)), text)
            if match:
                return match.span()
    words = (quote or "").rstrip(" .;:,").split()
    for start in range(1, len(words) - MIN_QUOTE_TAIL + 1):
        if not any(char.isdigit() for char in words[start]):
            continue  # a row starts with its number or period: an end starting with a word may be any sentence's
        match = re.search(r"\s+".join(map(re.escape, words[start:])), text)
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


# ---------------------------------------------------------------------------------------------
# A name for a new catalogue indicator

_GENERIC_NAME_WORDS = {"ty", "ti", "le", "so", "luong", "chi", "tieu", "muc", "do", "cap", "ket", "qua", "gia", "tri",
                       "con", "cua", "cac", "nhung", "phan", "tram", "dat", "va", "duoc", "trong", "nam"}
_FULL_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d\d\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}\b",
                        re.IGNORECASE)


def indicator_name_problem(name):
    """Why a proposal's indicator name may not become a catalogue indicator shared by every unit, or "": it is
    only generic words ("Tỷ lệ", "Số lượng", "Chỉ tiêu"), or it holds a full date (a document's title)."""
    words = fold(name).split()
    if all(word in _GENERIC_NAME_WORDS or word.isdigit() for word in words):
        return "quá chung"
    if _FULL_DATE.search(name or ""):
        return "có ngày tháng (tên một văn bản?)"
    return ""
