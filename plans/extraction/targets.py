"""Rules that read target proposals out of the sentences of a plan.

Each body line is cut into sentences, clauses (at ';') and pieces (at ', '). A piece holds anchors: a
percentage, a range, an index, a count of things, a level, or, where no figure is given, a zero
commitment ("không để ..."), a status to keep ("giữ vững tỷ lệ ...") or to reach ("hoàn thành ...",
"được công nhận ..."). Each anchor becomes one proposal that quotes its piece together with the
pieces around it that carry no figure of their own.

Which anchors count depends on the section (``section_mode``): under a "Mục tiêu" / "Chỉ tiêu" /
"Lộ trình" heading every shape is read; under tasks and assignments only explicit figures and
"bảo đảm không ..." are, since their other wording describes work, not levels to reach; the preamble
and "Mục đích, yêu cầu" are not read.
"""

import re
from dataclasses import dataclass, replace

from .categories import OTHER, categorize, matching
from .figures import NUMBER, date_spans, parse_level, parse_number
from .labels import indicator_name, scope_of
from .tables import is_row
from .text import LEAD_IN, clauses, pieces, sentences, strip_bullet

TARGET, TASK = "target", "task"
_PURPOSE_HEADING = re.compile(r"mục đích|yêu cầu", re.IGNORECASE)
_TARGET_HEADING = re.compile(r"mục tiêu|chỉ tiêu|lộ trình", re.IGNORECASE)
_PAST_HEADING = re.compile(
    r"thực trạng|tình hình|kết quả (?:đạt được|thực hiện)|đánh giá (?:kết quả|thực trạng|tình hình)|bối cảnh",
    re.IGNORECASE,
)


def section_mode(headings):
    """TARGET, TASK, or None for text that states no targets: the preamble, purpose and requirements,
    and the review of the current situation ("Thực trạng", "Kết quả đạt được"), whose figures are past."""
    if not headings:
        return None
    if _PURPOSE_HEADING.search(headings[0]) and not _TARGET_HEADING.search(headings[0]):
        return None
    if any(_PAST_HEADING.search(heading) and not _TARGET_HEADING.search(heading) for heading in headings):
        return None
    return TARGET if any(_TARGET_HEADING.search(heading) for heading in headings) else TASK


@dataclass(frozen=True)
class Anchor:
    """Where a piece states a target, and what it states."""

    kind: str  # percent, range, index, count, level, zero, maintain, achieve, above
    start: int
    end: int
    comparator: str = "="
    value: float | int | None = None
    value_max: float | int | None = None
    unit: str | None = None
    level_label: str | None = None


# ---------------------------------------------------------------------------------------------
# Anchors

_COUNT_NOUNS = (
    r"trường|điểm trường|cơ sở|phòng(?: học)?|lớp(?: học)?|nhóm(?: lớp| trẻ)?|nhà|thư viện|học sinh|trẻ|"
    r"giáo viên|cán bộ|nhân viên|người|sáng kiến|đề tài|môn|câu lạc bộ|CLB|mô hình|công trình|chuyên đề|"
    r"hội thảo|giải|huy chương|tiết|bài giảng|lượt|đơn vị|sân|bể bơi|máy tính|hạng mục|cuộc thi"
)
_RANGE = re.compile(rf"(?:từ\s+)?(?P<low>{NUMBER})\s*%?\s*(?:đến|tới|-|–)\s*(?P<high>{NUMBER})\s*%")
_PERCENT = re.compile(rf"(?<![\d.,/])(?P<num>{NUMBER})\s*%")
_INDEX = re.compile(r"(?<![\d.,/])(?P<num>\d+[.,]\d+)(?![\d.,]|\s*%)")
_INDEX_WORDS = re.compile(r"chỉ số|\bHDI\b|\bGII\b|\bPCI\b|hệ số", re.IGNORECASE)
_COUNT = re.compile(
    rf"(?<![\d.,/\-–])(?P<num>{NUMBER}|một|hai|ba|bốn|mười)\s+(?P<noun>{_COUNT_NOUNS})(?!\w)", re.IGNORECASE
)
_BOUNDED_COUNT = re.compile(
    rf"(?:ít nhất|tối thiểu|không dưới|không ít hơn)\s+(?P<num>{NUMBER}|một|hai|ba|bốn|mười)\s+"
    r"(?P<noun>(?!(?:năm|tháng|ngày|tuần|giờ|phút|buổi|lần|tuổi|%)\b)[^\W\d]\w*)",
    re.IGNORECASE,
)
_NOT_A_COUNT_AFTER = re.compile(
    r"(?:lớp|thứ|số|khối|năm|tháng|ngày|mức|độ|bậc|đoạn|khóa|điều|mục|tuổi|kỳ|MĐ|CĐ)\s*$", re.IGNORECASE
)
_LEVEL = re.compile(
    r"(?P<word>mức độ|cấp độ|bậc|MĐ|CĐ|mức(?=\s*\d))\s*(?P<n>\d{1,2}|IV|V|I{1,3})(?![\w/%])", re.IGNORECASE
)
_LEVEL_WORDS = {"mđ": "mức độ", "mức": "mức độ", "cđ": "cấp độ"}
_BEFORE = re.compile(
    r"(?P<phrase>không dưới|không thấp hơn|không ít hơn|không quá|không vượt quá|không vượt|thấp hơn|nhỏ hơn|"
    r"ít hơn|lớn hơn|cao hơn|nhiều hơn|giảm xuống dưới|giảm xuống còn|giảm còn|xuống dưới|xuống còn|"
    r"ít nhất|tối thiểu|tối đa|trên|vượt|hơn|dưới|từ|còn)\s*$",
    re.IGNORECASE,
)
_AT_MOST = {"không quá", "không vượt quá", "không vượt", "thấp hơn", "nhỏ hơn", "ít hơn", "giảm xuống dưới",
            "giảm xuống còn", "giảm còn", "xuống dưới", "xuống còn", "tối đa", "dưới", "còn"}
_AT_LEAST_AFTER = re.compile(r"^\s*trở lên", re.IGNORECASE)
_AT_MOST_AFTER = re.compile(r"^\s*trở xuống", re.IGNORECASE)
_MAINTAIN = re.compile(r"\b(?:duy trì|giữ vững|củng cố|giữ ổn định)\b", re.IGNORECASE)
_HEDGED = re.compile(r"\b(?:khuyến khích|tiến tới|hướng tới|từng bước)\b", re.IGNORECASE)
_ZERO = re.compile(
    r"\b(?:không để(?:\s+(?:xảy ra|có|còn))?|(?:kiên quyết\s+)?chấm dứt|không còn|"
    r"không có(?=\s+(?:học sinh|trẻ|giáo viên|cán bộ|nhân viên|trường hợp|vụ|trường|lớp|xã|phường)\b)|"
    r"(?:đảm bảo|bảo đảm)\s+không(?:\s+(?:để|có|còn|xảy ra))?)\s+(?P<object>\S.*)",
    re.IGNORECASE,
)
_ZERO_IN_TASKS = re.compile(
    r"\b(?:đảm bảo|bảo đảm)\s+không(?:\s+(?:để|có|còn|xảy ra))?\s+(?P<object>\S.*)", re.IGNORECASE
)
_TOWARDS = re.compile(r"(?:tiến tới|hướng tới|từng bước|góp phần)\s*$", re.IGNORECASE)
_KEEP_RATE = re.compile(r"\b(?:duy trì|giữ vững|củng cố)\b(?:\s+\S+){0,3}?\s+(?:tỷ lệ|tỉ lệ)\b", re.IGNORECASE)
_KEEP_STATUS = re.compile(r"\b(?:duy trì|giữ vững)\b.*\b(?:đạt chuẩn|công nhận|danh hiệu)\b", re.IGNORECASE)
_COMPLETE = re.compile(
    r"^(?:(?:phấn đấu|đến năm \d{4}|năm \d{4}|trong năm \d{4})[\s,]*)*(?P<verb>hoàn thành)\b", re.IGNORECASE
)
_RECOGNISED = re.compile(r"(?<!đã )(?<!đã được )\b(?:đủ điều kiện|công nhận)\b", re.IGNORECASE)
# "Hoàn thành tốt nhiệm vụ năm học" says nothing checkable.
_ROUTINE = re.compile(r"hoàn thành\s+(?:tốt\s+|xuất sắc\s+)?(?:các\s+)?(?:nhiệm vụ|chỉ tiêu|kế hoạch)", re.IGNORECASE)
_ABOVE_AVERAGE = re.compile(r"\bvượt\s+(?:mức\s+)?(?:bình quân|trung bình)", re.IGNORECASE)


def find_anchors(text, mode):
    """The anchors of one piece, in order."""
    anchors, taken = [], []

    def free(start, end):
        return all(end <= s or start >= e for s, e in taken)

    for match in _RANGE.finditer(text):
        low, high = parse_number(match.group("low")), parse_number(match.group("high"))
        if low < high:
            comparator = "maintain" if _MAINTAIN.search(text[:match.start()]) else "range"
            anchors.append(Anchor("range", match.start(), match.end(), comparator, low, high, "%"))
            taken.append(match.span())
    for match in _PERCENT.finditer(text):
        if free(*match.span()):
            anchors.append(_numeric("percent", match, text, "%"))
            taken.append(match.span())
    if _INDEX_WORDS.search(text) or re.search(r"(?<![\d.,])0[.,]\d", text):
        for match in _INDEX.finditer(text):
            before = text[:match.start()].rstrip() + " "
            if free(*match.span()) and (_BEFORE.search(before) or re.search(r"\bđạt\s+$", before)):
                anchors.append(_numeric("index", match, text, "index"))
                taken.append(match.span())
    for match in _COUNT.finditer(text):
        before = text[:match.start()]
        if not free(*match.span()) or _NOT_A_COUNT_AFTER.search(before):
            continue
        if not match.group("num")[0].isdigit() and not re.search(
            r"(?:ít nhất|tối thiểu|không dưới|từ)\s*$", before, re.IGNORECASE
        ):
            continue  # "một số", "một loại": a number word is a count only after "ít nhất", "tối thiểu"
        anchors.append(_numeric("count", match, text, "count"))
        taken.append(match.span())
    for match in _BOUNDED_COUNT.finditer(text):
        span = (match.start("num"), match.end("noun"))
        if free(*span):
            anchors.append(_numeric("count", _Span(match, span), text, "count"))
            taken.append(span)
    for match in _LEVEL.finditer(text):
        if free(*match.span()):
            anchors.append(_level(match, text))
            taken.append(match.span())
    anchors.sort(key=lambda anchor: anchor.start)
    anchors = _attach_levels(_drop_qualifiers(anchors))
    if mode == TASK:
        anchors = [anchor for anchor in anchors if anchor.kind != "level"]
    anchors = [anchor for anchor in anchors if not _HEDGED.search(text[:anchor.start])]
    if anchors:
        return anchors
    return _wording_anchors(text, mode)


class _Span:
    """A match narrowed to the figure and its noun, so that the words before it read as its comparator."""

    def __init__(self, match, span):
        self._match, self._span = match, span

    def group(self, name):
        return self._match.group(name)

    def start(self):
        return self._span[0]

    def end(self):
        return self._span[1]


def _numeric(kind, match, text, unit):
    value = parse_number(match.group("num"))
    before, after = text[:match.start()], text[match.end():]
    comparator = "="
    phrase = _BEFORE.search(before.rstrip() + " ") if before.strip() else None
    if phrase:
        comparator = "<=" if phrase.group("phrase").lower() in _AT_MOST else ">="
    if _AT_LEAST_AFTER.match(after):
        comparator = ">="
    elif _AT_MOST_AFTER.match(after):
        comparator = "<="
    if _MAINTAIN.search(before):
        comparator = "maintain"
    return Anchor(kind, match.start(), match.end(), comparator, value, None, unit)


def _level(match, text):
    word = match.group("word").lower()
    word = _LEVEL_WORDS.get(word, word)
    value = parse_level(match.group("n").upper())
    before, after = text[:match.start()], text[match.end():]
    comparator = "achieve"
    phrase = _BEFORE.search(before.rstrip() + " ") if before.strip() else None
    if _AT_LEAST_AFTER.match(after) or (phrase and phrase.group("phrase").lower() not in _AT_MOST):
        comparator = ">="
    if _MAINTAIN.search(before):
        comparator = "maintain"
    return Anchor("level", match.start(), match.end(), comparator, value, None, "level", f"{word} {value}")


def _drop_qualifiers(anchors):
    """A count after a percentage qualifies it ("100% trường có ít nhất 01 phòng ..."): not a target."""
    result, seen_rate = [], False
    for anchor in anchors:
        if anchor.kind == "count" and seen_rate:
            continue
        seen_rate = seen_rate or anchor.kind in ("percent", "range")
        result.append(anchor)
    return result


def _attach_levels(anchors):
    """A level next to a figure labels it ("trên 90% cơ sở đạt mức độ 2"); alone it is the target."""
    figures = [anchor for anchor in anchors if anchor.kind != "level"]
    if not figures:
        return anchors
    result = list(figures)
    for level in (anchor for anchor in anchors if anchor.kind == "level"):
        before = [anchor for anchor in result if anchor.start < level.start]
        target = before[-1] if before else result[0]
        if target.level_label is None:
            result[result.index(target)] = replace(target, level_label=level.level_label)
    return result


def _wording_anchors(text, mode):
    """Targets stated without a figure: zero, keep a rate or status, reach a status, beat an average."""
    zero = (_ZERO if mode == TARGET else _ZERO_IN_TASKS).search(text)
    if zero and not _TOWARDS.search(text[:zero.start()]):
        return [Anchor("zero", zero.start(), zero.end(), "=", 0, None, "count")]
    if mode != TARGET:
        return []
    keep = _KEEP_RATE.search(text)
    if keep:
        return [Anchor("maintain", keep.start(), keep.end(), "maintain", None, None, "%")]
    keep = _KEEP_STATUS.search(text)
    if keep:
        return [Anchor("maintain", keep.start(), keep.end(), "maintain")]
    above = _ABOVE_AVERAGE.search(text)
    if above:
        unit = "index" if _INDEX_WORDS.search(text) else None
        return [Anchor("above", above.start(), above.end(), ">=", None, None, unit)]
    reach = _COMPLETE.search(LEAD_IN.sub("", text)) or _RECOGNISED.search(text)
    if reach and not _ROUTINE.search(text):
        start = text.find(reach.group(0).strip()) if reach.re is _COMPLETE else reach.start()
        return [Anchor("achieve", max(start, 0), max(start, 0) + len(reach.group(0)), "achieve")]
    return []


# ---------------------------------------------------------------------------------------------
# Horizons (deadlines)

_HORIZON = re.compile(
    r"(?P<school>năm học\s+(?P<s1>\d{4})\s*[-–]\s*(?P<s2>\d{4}))"
    r"|(?P<period>giai đoạn\s+\d{4}\s*[-–]\s*(?P<p2>\d{4}))"
    r"|(?P<year>(?:năm|đến)\s+(?P<y>\d{4}))(?!\s*[-–]\s*\d)",
    re.IGNORECASE,
)
_LINE_LEAD = re.compile(r"^(?:đến\s+)?(?:năm học|năm|giai đoạn)\s+[\d\s\-–]+:", re.IGNORECASE)


def horizons(text, ref_year=None):
    """(position, horizon) pairs: "2030", or a school year "2026-2027"; dates and baselines left out."""
    dates = date_spans(text)
    found = []
    for match in _HORIZON.finditer(text):
        if any(start <= match.start() < end for start, end in dates):
            continue
        if re.search(r"so với\s*$", text[:match.start()], re.IGNORECASE):
            continue
        if match.group("school"):
            label, year = f"{match.group('s1')}-{match.group('s2')}", int(match.group("s2"))
        else:
            label = match.group("p2") or match.group("y")
            year = int(label)
        if ref_year and year < ref_year:
            continue
        found.append((match.start(), label))
    return found


def horizon_at(clause, position, piece_start, piece_end, ref_year):
    """The horizon of the figure at ``position``: one in its own piece (the nearest before it, else the
    first after it: "35% (năm 2030), 50% (năm 2035)"), else the nearest before it in the clause."""
    found = horizons(clause, ref_year)
    own = [(start, label) for start, label in found if piece_start <= start < piece_end]
    before = [label for start, label in own if start <= position]
    after = [label for start, label in own if start > position]
    if before or after:
        return before[-1] if before else after[0]
    earlier = [label for start, label in found if start <= position]
    return earlier[-1] if earlier else None


def heading_horizon(headings, ref_year=None):
    for heading in reversed(headings):
        found = horizons(heading, ref_year)
        if found:
            return found[-1][1]
    return None


def is_baseline(clause, ref_year):
    """A clause that reports what is already done ("đã được công nhận", "... cấp độ 2 năm 2023") and
    names no horizon still ahead."""
    if ref_year and any(int(label[-4:]) >= ref_year for _start, label in horizons(clause, ref_year)):
        return False
    if re.search(r"\bđã\s+(?:được|đạt|có|hoàn thành)\b", clause, re.IGNORECASE):
        return True
    if not ref_year:
        return False
    dates = date_spans(clause)
    for match in re.finditer(r"(?<!đến )(?<!trước )(?<!tới )(?<!so với )năm\s+(\d{4})(?!\s*[-–])", clause,
                             re.IGNORECASE):
        if int(match.group(1)) < ref_year and not any(s <= match.start() < e for s, e in dates):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Proposals


@dataclass
class Group:
    """The stretch of a clause that one or more anchors quote."""

    start: int
    end: int
    anchors: list  # (piece, anchor)
    predicate: str = ""  # the second predicate a copied share applies to


_BULLETED = re.compile(r"^(?:[-+•*–]|[a-zđ]\)|\d+(?:\.\d+)*[.)])\s")


def extract_targets(body, *, issuer=None, ref_year=None):
    """Target proposals (dicts without ids) from the body lines of a plan, in reading order.

    A bullet reads in the context of the line that introduces it: the "- ..." item above a "+ ..."
    sub-item, or an unbulleted lead-in ending with ':' ("Chỉ tiêu cụ thể đến năm 2030:") above a list.
    """
    proposals = []
    parent = lead = None
    for line in body:
        if is_row(line.text):
            continue
        bulleted = bool(_BULLETED.match(line.text))
        if not bulleted:
            lead = line if line.text.rstrip().endswith(":") else None
        sub_item = re.match(r"^(?:-\s*)?\+", line.text) is not None
        if not sub_item or parent is None or parent.headings != line.headings:
            parent = line
        context = " ".join(
            other.text for other in (lead, parent)
            if other is not None and other is not line and other.headings == line.headings
        )
        mode = section_mode(line.headings)
        if mode == TASK and _TARGET_HEADING.search(context):
            mode = TARGET  # "Các chỉ tiêu cụ thể:" introduces targets even under a task heading
        if mode is None:
            continue
        proposals.extend(_from_line(line, mode, context, issuer, ref_year))
    return proposals


def _from_line(line, mode, context, issuer, ref_year):
    text = strip_bullet(line.text)
    lead = _LINE_LEAD.match(text)
    line_horizon = horizons(lead.group(0))[0][1] if lead and horizons(lead.group(0)) else None
    found = horizons(context, ref_year)
    context_horizon = found[-1][1] if found else None
    projection = bool(re.search(r"quy mô|dự kiến", f"{context} {text}", re.IGNORECASE))
    default_horizon = line_horizon or context_horizon or heading_horizon(line.headings, ref_year)
    results = []
    for sentence in sentences(text):
        lead_in = LEAD_IN.match(sentence)
        for clause in clauses(sentence):
            if is_baseline(clause.text, ref_year):
                continue
            subject = ""  # the group the last share counted, for a nested "trong đó 35% ..."
            for group in _groups(clause.text, mode):
                stretch = clause.text[group.start:group.end]
                for position, (piece, anchor) in enumerate(group.anchors):
                    earlier = [a.end for p, a in group.anchors[:position] if p is piece]
                    segment = piece.text[earlier[-1] if earlier else 0:anchor.end]
                    deadline = horizon_at(clause.text, piece.start + anchor.start, piece.start, piece.end, ref_year)
                    shift = piece.start - group.start
                    proposal = _proposal(
                        replace(anchor, start=anchor.start + shift, end=anchor.end + shift), anchor, piece.text,
                        stretch, clause.text, line, issuer, deadline=deadline or default_horizon,
                        predicate=group.predicate, lead_in=lead_in.group("topic") if lead_in else "",
                        projection=projection, alone=len(group.anchors) == 1 and not group.predicate,
                        parent_subject=subject, segment=segment,
                    )
                    if anchor.kind == "percent" and proposal["scope"] != issuer:
                        subject = proposal["scope"]
                    results.append(proposal)
    return results


def _groups(clause, mode):
    """Pieces with anchors, each with the figure-less pieces around it that belong to its quote."""
    groups, pending = [], []
    for piece in pieces(clause):
        anchors = find_anchors(piece.text, mode)
        if anchors:
            start = pending[0].start if pending else piece.start
            groups.append(Group(start, piece.end, [(piece, anchor) for anchor in anchors]))
            pending = []
        elif not groups or pending or re.match(r"(?:tỷ lệ|tỉ lệ|số lượng|chỉ số)\b", piece.text, re.IGNORECASE):
            pending.append(piece)  # the subject of a figure still to come
        elif _second_predicate(groups[-1], piece):
            first_piece, anchor = groups[-1].anchors[0]
            groups.append(Group(groups[-1].start, piece.end, [(first_piece, anchor)], piece.text))
        else:
            groups[-1].end = piece.end
    if pending and groups:
        groups[-1].end = max(groups[-1].end, pending[-1].end)
    return groups


def _second_predicate(group, piece):
    """"100% trường học có kết nối Internet, có thiết bị dạy học số": one share, a second predicate."""
    first_piece, anchor = group.anchors[0]
    if anchor.kind != "percent" or len(first_piece.text[anchor.end:].split()) < 2:
        return False
    if piece.text.startswith("được "):
        return True
    return piece.text.startswith("có ") and " có " in first_piece.text[anchor.end:]


def _proposal(anchor, own_anchor, piece, text, clause, line, issuer, *, deadline, predicate, lead_in, projection,
              alone, parent_subject, segment):
    """One proposal. ``anchor`` is placed in ``text``, the stretch of the clause its group quotes, and
    ``own_anchor`` in ``piece``, its own piece; ``alone`` when no other anchor shares the quote."""
    quote = text.strip(" ,;")
    if alone:
        own = quote
    elif anchor.kind == "level":
        own = segment  # "... kiểm định cấp độ 3 và chuẩn quốc gia mức độ 2": each level its own words
    else:
        own = f"{piece} {predicate}"
    # Projections are planned scale (schools, classes, pupils), not levels to reach: "khác". A nested
    # part ("trong đó ít nhất 20% ...") without words of its own takes its clause's category.
    category = OTHER if projection else categorize(own if matching(own) else clause, lead_in, line.headings)
    if anchor.kind in ("percent", "range", "index", "count"):
        indicator = indicator_name(anchor, text, predicate, parent_subject)
    elif anchor.kind == "level" and not alone:
        # Several levels in one piece: name each from the words since the previous one.
        words = re.sub(r"^\s*(?:và|,)\s*", "", segment)
        length = own_anchor.end - own_anchor.start
        indicator = indicator_name(replace(own_anchor, start=len(words) - length, end=len(words)), words)
    else:
        indicator = indicator_name(own_anchor, piece)
    return {
        "kind": "projection" if projection else "target",
        "quote": quote,
        "indicator": indicator,
        "comparator": anchor.comparator,
        "value": anchor.value,
        "value_max": anchor.value_max,
        "unit": anchor.unit,
        "level_label": anchor.level_label,
        "deadline": deadline,
        "scope": scope_of(anchor, text, issuer, clause),
        "category": category,
        "section": line.section,
    }
