"""Readable labels of a proposal: a short name of what is measured, and whom the target applies to.

Heuristics over the words around the figure ("100% giáo viên được tập huấn ..." -> "Tỷ lệ giáo viên
được tập huấn ...", scope "giáo viên"). They help the officer who reviews the proposals; the scoring
rule does not look at them.
"""

import re

from .text import LEAD_IN

_ZERO_OBJECT = re.compile(
    r"\b(?:không để(?:\s+(?:xảy ra|có|còn))?|chấm dứt|không còn|không có|(?:đảm bảo|bảo đảm)\s+không"
    r"(?:\s+(?:để|có|còn|xảy ra))?)\s+(?P<object>\S.*)",
    re.IGNORECASE,
)


_LEADING_VERBS = re.compile(
    r"^(?:(?:phấn đấu|đảm bảo|bảo đảm|kiên quyết|tiếp tục|duy trì vững chắc|duy trì|giữ vững|củng cố|"
    r"đạt|xây dựng thêm|xây dựng|huy động|trong đó|đến năm \d{4}|năm \d{4}|(?:giảm|tăng|nâng)(?= t[ỷỉ] lệ))"
    r"[\s,:]+)+",
    re.IGNORECASE,
)
# "giảm xuống" is read as "giảm" then "xuống": listing it as well made a run of them ambiguous, tried in
# every split, in time exponential in its length.
_TRAILING_WORDS = re.compile(
    r"(?:\s+(?:đạt|khoảng|là|bằng|chiếm|trên|từ|ít nhất|tối thiểu|dưới|không quá|tối đa|vượt|tăng|giảm|"
    r"xuống|còn|phấn đấu|có|ở mức|mức))+\s*$",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\s(?:được|đạt|có|hoàn thành|ứng dụng|tham gia|triển khai|sử dụng|vào|là|trở thành|thực hiện|"
    r"xây dựng|bảo đảm|đảm bảo|ra lớp|đi học|đến trường|đến lớp|biết|phải|tổ chức|chơi)\b",
    re.IGNORECASE,
)
_PREDICATE_BEFORE = re.compile(
    r"\S\s+(?:đạt|chiếm|là|bằng|giảm|còn|dưới|không quá|tối đa)\b[^,;]*$", re.IGNORECASE
)
_PREPOSITION = re.compile(r"(?:cho|đối với|với|của|ở|tại|trong|so với)\b", re.IGNORECASE)
_RATE_WORDS = re.compile(r"(?:tỷ lệ|tỉ lệ|chỉ số|số lượng|số)\b", re.IGNORECASE)
_NAMED_UNIT = re.compile(
    r"\b(Trường\s+(?:Mầm non|Tiểu học và THCS|Tiểu học|THCS|THPT|TH&THCS|TH và THCS|Trung học cơ sở|"
    r"Trung học phổ thông|MN|TH)\s+[A-ZĐ]\S*(?:\s+[A-ZĐ]\S*){0,3})"
)


def _short(text, words=16):
    text = text.strip(" ,;.:()")
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _capitalize(text):
    return text[:1].upper() + text[1:] if text else text


def _subject(text):
    """The words before the first verb: "giáo viên" in "giáo viên được tập huấn ..."."""
    verb = _VERB.search(" " + text)
    return text[:verb.start()].strip(" ,") if verb else ""


def _clip(text):
    """What follows a share, up to the end of its predicate."""
    text = re.split(r"\s(?:theo quy định|trong đó|so với)\b|;", text)[0]
    verb = _VERB.search(" " + text)
    if verb:
        comma = text.find(", ", verb.end())
        text = text[:comma] if comma > 0 else text
    return _short(text)


def _around(anchor, text):
    """(words before the anchor, words after it), without lead-ins, leading verbs and comparator words."""
    body = LEAD_IN.sub("", text)
    offset = len(text) - len(body)
    start, end = max(anchor.start - offset, 0), max(anchor.end - offset, 0)
    before = body[:start].strip()
    if ":" in before and before.rsplit(":", 1)[-1].strip():
        before = before.rsplit(":", 1)[-1].strip()  # "Về chuyển đổi số: 100% ...": drop the lead-in
    before = before.rstrip(" :")  # "Tỷ lệ học sinh lên lớp: 98%"
    if ", " in before and not _RATE_WORDS.match(before):
        before = before.rsplit(", ", 1)[-1]  # earlier pieces are another predicate, not this subject
    before = _TRAILING_WORDS.sub("", _LEADING_VERBS.sub("", before + " ").rstrip()).strip(" ,:")
    after = re.sub(r"^(?:trở lên|trở xuống)\b", "", body[end:].strip()).strip()
    return before, after


def _stated_of_subject_before(anchor, text):
    """"X đạt 20% ...", "X giảm xuống dưới 5%": the figure is the predicate of the words before it."""
    return bool(_PREDICATE_BEFORE.search(text[:anchor.start]))


# "không để thôn nào có tỷ lệ trẻ 5 tuổi ra lớp dưới 99%": what is measured in each unit, and the units
_ACROSS_UNITS = re.compile(
    r"\bkhông\s+(?:để|có)\s+(?P<units>[^.;:]+?)\s+nào\s+(?:có\s+)?(?P<name>[^.;:]+?)\s+"
    r"(?:dưới|thấp hơn|chưa đạt|ít hơn|vượt quá|vượt|quá|trên|cao hơn|nhiều hơn|lớn hơn)\s*$",
    re.IGNORECASE,
)


def indicator_name(anchor, text, predicate="", parent_subject=""):
    """A short Vietnamese name of what the anchor measures."""
    across = _ACROSS_UNITS.search(text[:anchor.start])
    if across and anchor.kind in ("percent", "count", "index"):
        name = _short(across.group("name"), 12)
        if anchor.unit == "%" and not _RATE_WORDS.match(name):
            name = f"tỷ lệ {name}"
        return _capitalize(f"{name} (mỗi {_short(across.group('units'), 6)})")
    before, after = _around(anchor, text)
    if anchor.kind in ("percent", "range", "index"):
        lowered = before.lower()
        if lowered in ("tăng", "giảm"):
            return _capitalize(f"mức {lowered} {_clip(after)}")
        if predicate:
            return _capitalize(f"tỷ lệ {_subject(after)} {_short(predicate)}")
        if _RATE_WORDS.match(lowered) and len(before.split()) > 2:
            return _capitalize(_short(before))
        if parent_subject:  # "..., trong đó 35% trở lên đạt trên chuẩn", "trong đó vào lớp 10 đạt 80%"
            after = f"{parent_subject} {after}" if _VERB.match(" " + after) else after
            before = f"{parent_subject} {before}" if _VERB.match(" " + before) else before
        subject_after = len(after.split()) >= 2 and not _PREPOSITION.match(after)
        if before and _stated_of_subject_before(anchor, text):
            subject_after = False
        name = _clip(after) if subject_after or not before else _short(before)
        if anchor.unit == "%" and not _RATE_WORDS.match(name):
            name = f"tỷ lệ {name[:1].lower() + name[1:] if name[1:2].islower() else name}"
        return _capitalize(name)
    if anchor.kind == "count":
        noun = text[anchor.start:anchor.end].split(None, 1)[-1]
        rest = re.split(r",\s|\svà\s+\d", after)[0]
        return _capitalize(f"số {_short(f'{noun} {rest}', 10)}")
    if anchor.kind == "zero":
        match = _ZERO_OBJECT.search(text)
        return _capitalize(f"số {_short(match.group('object'), 10)}") if match else _short(text)
    if anchor.kind == "level":
        return _capitalize(_short(before or text))
    return _capitalize(_short(_LEADING_VERBS.sub("", LEAD_IN.sub("", text).strip())))


def scope_of(anchor, text, issuer, clause=""):
    """Who or what the target applies to: a named school, "mỗi ...", the group a share counts, or the issuer."""
    named = _NAMED_UNIT.search(text) or _NAMED_UNIT.search(clause)
    if named:
        return named.group(1).strip()
    each = re.search(r"\bmỗi\s+(\S+(?:\s+\S+){0,3})", text, re.IGNORECASE)
    if each:
        words = _subject(each.group(1) + " ") or each.group(1)
        return f"mỗi {re.split(r'[,;.]', words)[0].strip()}"
    if anchor.kind in ("percent", "range"):
        before, after = _around(anchor, text)
        subject = _subject(after) if len(before.split()) <= 2 else _subject(_RATE_WORDS.sub("", before, count=1))
        subject = _LEADING_VERBS.sub("", re.sub(r"^(?:các|những)\s+", "", subject.strip(" ,")))
        if 0 < len(subject.split()) <= 12:
            return subject
    return issuer
