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

import bisect
import math
import re
from dataclasses import dataclass, replace

from .categories import OTHER, categorize, matching
from .figures import NUMBER, date_spans, parse_level, parse_number
from .labels import indicator_name, scope_of
from .tables import is_row
from .text import COUNT_NOUNS as _COUNT_NOUNS
from .text import LEAD_IN, LONG, Span, clauses, narrow, pieces, sentences, split_spans, strip_bullet

TARGET, TASK = "target", "task"
_PURPOSE_HEADING = re.compile(r"mục đích|yêu cầu", re.IGNORECASE)
_TARGET_HEADING = re.compile(r"mục tiêu|chỉ tiêu|lộ trình|tầm nhìn", re.IGNORECASE)
_PAST_HEADING = re.compile(
    r"thực trạng|tình hình|kết quả (?:đạt được|thực hiện)|đánh giá (?:kết quả|thực trạng|tình hình)|bối cảnh",
    re.IGNORECASE,
)


# A first section that weighs what was done ("I. KẾT QUẢ VÀ HẠN CHẾ", "I. ƯU ĐIỂM, TỒN TẠI", "I. THUẬN LỢI, KHÓ
# KHĂN"): its figures are past. Hardship alone is no review ("IV. HỖ TRỢ HỌC SINH CÓ HOÀN CẢNH KHÓ KHĂN").
_REVIEW_HEADING = re.compile(r"ưu điểm|hạn chế|tồn tại|thuận lợi", re.IGNORECASE)
_WORK_HEADING = re.compile(r"nhiệm vụ|giải pháp|khắc phục", re.IGNORECASE)


def section_mode(headings):
    """TARGET, TASK, or None for text that states no targets: the preamble, purpose and requirements,
    and the review of the current situation ("Thực trạng", "Kết quả đạt được"), whose figures are past."""
    if not headings:
        return None
    if _PURPOSE_HEADING.search(headings[0]) and not _TARGET_HEADING.search(headings[0]):
        return None
    if any(_PAST_HEADING.search(heading) and not _TARGET_HEADING.search(heading) for heading in headings):
        return None
    if _REVIEW_HEADING.search(headings[0]) and not (_TARGET_HEADING.search(headings[0])
                                                     or _WORK_HEADING.search(headings[0])):
        return None
    return TARGET if any(_TARGET_HEADING.search(heading) for heading in headings) else TASK


def _in_purpose(headings):
    """Whether a heading below the first names the purpose and requirements only ("I. Mục đích, yêu cầu" under
    "A. MỤC ĐÍCH, YÊU CẦU VÀ MỤC TIÊU"): its sentences state aims ("xác định giáo dục là quốc sách hàng đầu"),
    read as a task section's are, for explicit figures only."""
    return any(_PURPOSE_HEADING.search(heading) and not _TARGET_HEADING.search(heading) for heading in headings[1:])


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
    doubt: str | None = None  # why the reader is unsure of this reading, for the reviewer


# ---------------------------------------------------------------------------------------------
# Anchors

_RANGE = re.compile(rf"(?<!\d)(?:từ\s+)?(?P<low>{NUMBER})\s*%?\s*(?:đến|tới|-|–)\s*(?P<high>{NUMBER})\s*%")
_PERCENT = re.compile(rf"(?<![\d.,/])(?P<num>{NUMBER})\s*%")
_INDEX = re.compile(r"(?<![\d.,/])(?P<num>\d+[.,]\d+)(?![\d]|[.,]\d|\s*%)")  # "đạt trên 0,75." ends a sentence
# a score is an index too: "điểm trung bình các môn thi đạt từ 5,5 trở lên", "đạt 6,5 điểm"
_INDEX_WORDS = re.compile(r"chỉ số|\bHDI\b|\bGII\b|\bPCI\b|hệ số|điểm (?:trung bình|bình quân)|\d[.,]\d+\s*điểm\b",
                          re.IGNORECASE)
_COUNT = re.compile(
    rf"(?<![\d.,/\-–])(?P<num>{NUMBER}|một|hai|ba|bốn|mười)\s+(?P<noun>{_COUNT_NOUNS})(?!\w)", re.IGNORECASE
)
_BOUNDED_COUNT = re.compile(
    rf"(?:ít nhất|tối thiểu|không dưới|không ít hơn)\s+(?P<num>{NUMBER}|một|hai|ba|bốn|mười)\s+"
    r"(?P<noun>(?!(?:năm|tháng|ngày|tuần|giờ|phút|buổi|lần|tuổi|%)\b)[^\W\d]\w*)",
    re.IGNORECASE,
)
# "Có 6/6 trường học đạt chuẩn", "9/9 thôn": a fraction of units counts the units of its first figure
_FRACTION = re.compile(
    r"(?<![\d.,/\-–])(?P<num>\d{1,3})\s*/\s*(?P<whole>\d{1,3})\s+"
    r"(?P<noun>(?!(?:năm|tháng|ngày|tuần|giờ|phút|buổi|lần|tuổi|hằng|hàng|%)\b)[^\W\d]\w*)(?![/\d])",
    re.IGNORECASE,
)
# "vào 5/9 hằng năm", "từ 15/8": a day and month, not a fraction
_DATE_BEFORE = re.compile(r"\b(?:vào|ngày|từ|đến|trước|sau|hạn)\s*$", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(
    r"(?:lớp|thứ|số|khối|năm|tháng|ngày|mức|độ|bậc|đoạn|khóa|điều|mục|tuổi|kỳ|MĐ|CĐ|nhóm|tốp|top)\s*$", re.IGNORECASE
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
# matched at the end of a figure (pattern.match(text, end)): without "^", which only holds at position 0
_AT_LEAST_AFTER = re.compile(r"\s*trở lên", re.IGNORECASE)
_AT_MOST_AFTER = re.compile(r"\s*trở xuống", re.IGNORECASE)
_REACHED_BEFORE = re.compile(r"\bđạt\s+$")
_BOUND_BEFORE = re.compile(r"(?:ít nhất|tối thiểu|không dưới|từ)\s*$", re.IGNORECASE)
# "thành lập và duy trì 05 câu lạc bộ": what is set up is reached first, then kept; the figure is reached
_MAINTAIN = re.compile(r"\b(?<!thành lập và )(?<!thành lập mới và )(?<!xây dựng và )(?<!thành lập, )"
                       r"(?:duy trì|giữ vững|củng cố|giữ ổn định)\b", re.IGNORECASE)
_HEDGED = re.compile(r"\b(?:khuyến khích|tiến tới|hướng tới|từng bước)\b", re.IGNORECASE)
_ZERO = re.compile(
    r"\b(?:không để(?:\s+(?:xảy ra|có|còn))?|(?:kiên quyết\s+)?chấm dứt|không còn|"
    r"không có(?=\s+(?:học sinh|trẻ|em|giáo viên|cán bộ|nhân viên|trường hợp|vụ|trường|điểm trường|lớp|phòng|cơ sở|"
    r"xã|phường|thôn|bản|đơn vị)\b)|"
    r"(?:đảm bảo|bảo đảm)\s+không(?:\s+(?:để|có|còn|xảy ra))?)\s+(?P<object>\S.*)",
    re.IGNORECASE,
)
_ZERO_IN_TASKS = re.compile(
    r"\b(?:đảm bảo|bảo đảm)\s+không(?:\s+(?:để|có|còn|xảy ra))?\s+(?P<object>\S.*)", re.IGNORECASE
)
_TOWARDS = re.compile(r"(?:tiến tới|hướng tới|từng bước|góp phần)\s*$", re.IGNORECASE)
_KEEP_RATE = re.compile(r"\b(?:duy trì|giữ vững|củng cố)\b(?:\s+\S+){0,3}?\s+(?:tỷ lệ|tỉ lệ)\b", re.IGNORECASE)
# "duy trì ... đạt chuẩn": read as two searches, since "\b(?:duy trì|giữ vững)\b.*\b(?:đạt chuẩn|...)\b"
# scans the rest of the piece from every "duy trì" in it
_KEEP_VERB = re.compile(r"\b(?:duy trì|giữ vững)\b", re.IGNORECASE)
_KEPT_STATUS = re.compile(r"\b(?:đạt chuẩn|công nhận|danh hiệu)\b", re.IGNORECASE)
_COMPLETE = re.compile(
    r"^(?:(?:phấn đấu|đến năm \d{4}|năm \d{4}|trong năm \d{4})[\s,]*)*(?P<verb>hoàn thành)\b", re.IGNORECASE
)
_RECOGNISED = re.compile(r"(?<!đã )(?<!đã được )\b(?:đủ điều kiện|công nhận)\b", re.IGNORECASE)
# "Hoàn thành tốt nhiệm vụ năm học" says nothing checkable.
_ROUTINE = re.compile(r"hoàn thành\s+(?:tốt\s+|xuất sắc\s+)?(?:các\s+)?(?:nhiệm vụ|chỉ tiêu|kế hoạch)", re.IGNORECASE)
_ABOVE_AVERAGE = re.compile(r"\bvượt\s+(?:mức\s+)?(?:bình quân|trung bình)", re.IGNORECASE)


class _Before:
    """What the words before a position of a piece say, answered without copying or searching again all the
    text before each figure: a piece with thousands of figures took time in the square of its length."""

    REACH = 24  # longer than any phrase the patterns read (the longest, "giảm xuống dưới", has 15 characters)

    def __init__(self, text):
        self.text = text
        self._first_end = {}

    def contains(self, pattern, end):
        """Whether ``pattern`` occurs in text[:end], for a pattern of whole words (\\b...\\b) none of whose
        phrases holds another: the first occurrence in the whole text ends first, and one cut by ``end``
        lies within REACH of it."""
        if pattern not in self._first_end:
            match = pattern.search(self.text)
            self._first_end[pattern] = match.end() if match else math.inf
        return self._first_end[pattern] <= end or bool(pattern.search(self.text, max(0, end - self.REACH), end))

    def ends_with(self, pattern, end, *, stripped=False):
        """pattern.search(text[:end]), or with ``stripped`` pattern.search(text[:end].rstrip() + " "), for a
        pattern that ends with \\s*$ and reads fewer than REACH characters before the white space."""
        stop = self.stop(end)
        start = max(0, stop - self.REACH)
        return pattern.search(self.text[start:stop] + " " if stripped else self.text[start:end])

    def stop(self, end):
        """Where the words before ``end`` stop, trailing white space left out."""
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end


class _Taken:
    """The spans of the anchors found so far, which do not overlap: sorted, so that a new span is checked
    against its neighbour instead of against every anchor of the piece."""

    def __init__(self):
        self.starts, self.ends = [], []

    def free(self, start, end):
        index = bisect.bisect_left(self.starts, end)
        return index == 0 or self.ends[index - 1] <= start

    def add(self, start, end):
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


# A bound across units. A floor: "không có xã, phường nào dưới 60%", "không để trường nào đạt thấp hơn 85%", "không
# có trường nào có tỷ lệ giáo viên đạt chuẩn năng lực số thấp hơn 80%" — every unit at least that share (the plan's
# own rate is another target). A ceiling: "không để trường nào có sĩ số vượt quá 40 học sinh/lớp" — every unit at
# most that figure. The words between "nào" and the bound name the indicator: words without a comma, and figures
# that a word follows, part of the name ("trẻ 5 tuổi", "học sinh lớp 9"), not the bound.
_FLOOR_WORDS = ("dưới", "thấp hơn", "chưa đạt", "ít hơn")
_FLOOR = re.compile(
    rf"\bkhông\s+(?:có|để)\s+(?:[^\W\d]+[\s,]+){{1,8}}?nào\s+(?:(?:[^\W\d]+|\d{{1,2}}(?=\s+[^\W\d]))\s+){{0,16}}?"
    rf"(?P<bound>dưới|thấp hơn|chưa đạt|ít hơn|vượt quá|vượt|quá|trên|cao hơn|nhiều hơn|lớn hơn)\s+(?:mức\s+)?"
    rf"(?P<num>{NUMBER})(?:\s*(?P<percent>%)|\s+(?P<noun>{_COUNT_NOUNS})(?!\w)|(?P<score>\s+điểm\b)|(?=\s*(?:[.;,)]|$)))",
    re.IGNORECASE,
)
_FLOOR_START = re.compile(r"\bkhông\s+(?:có|để)\b", re.IGNORECASE)
_FLOOR_END = re.compile(r"\bnào\b", re.IGNORECASE)
# a share of places after a level ("mức độ 3 ở 100% xã, phường") says where the level holds, not a target
_PLACE_SHARE_BEFORE = re.compile(r"\b(?:ở|tại)\s*$", re.IGNORECASE)


def find_anchors(text, mode):
    """The anchors of one piece, in order."""
    anchors, taken, before = [], _Taken(), _Before(text)

    if mode == TARGET:
        for match in _FLOOR.finditer(text):
            anchors.append(_bound_across_units(match))
            taken.add(*match.span())

    for match in _RANGE.finditer(text):
        low, high = parse_number(match.group("low")), parse_number(match.group("high"))
        if low < high:
            comparator = "maintain" if before.contains(_MAINTAIN, match.start()) else "range"
            anchors.append(Anchor("range", match.start(), match.end(), comparator, low, high, "%"))
            taken.add(*match.span())
    for match in _PERCENT.finditer(text):
        if taken.free(*match.span()):
            anchors.append(_numeric("percent", match, before, "%"))
            taken.add(*match.span())
    if _INDEX_WORDS.search(text) or re.search(r"(?<![\d.,])0[.,]\d", text):
        for match in _INDEX.finditer(text):
            if taken.free(*match.span()) and (before.ends_with(_BEFORE, match.start(), stripped=True)
                                              or before.ends_with(_REACHED_BEFORE, match.start(), stripped=True)):
                anchors.append(_numeric("index", match, before, "index"))
                taken.add(*match.span())
    for match in _FRACTION.finditer(text):
        if int(match.group("num")) <= int(match.group("whole")) and taken.free(*match.span()) \
                and not before.ends_with(_NOT_A_COUNT_AFTER, match.start()) \
                and not before.ends_with(_DATE_BEFORE, match.start()):
            anchors.append(_numeric("count", match, before, "count"))
            taken.add(*match.span())
    for match in _COUNT.finditer(text):
        if not taken.free(*match.span()) or before.ends_with(_NOT_A_COUNT_AFTER, match.start()):
            continue
        if not match.group("num")[0].isdigit() and not before.ends_with(_BOUND_BEFORE, match.start()):
            continue  # "một số", "một loại": a number word is a count only after "ít nhất", "tối thiểu"
        anchors.append(_numeric("count", match, before, "count"))
        taken.add(*match.span())
    for match in _BOUNDED_COUNT.finditer(text):
        span = (match.start("num"), match.end("noun"))
        if taken.free(*span):
            anchors.append(_numeric("count", _Span(match, span), before, "count"))
            taken.add(*span)
    for match in _LEVEL.finditer(text):
        if taken.free(*match.span()):
            anchors.append(_level(match, before))
            taken.add(*match.span())
    anchors.sort(key=lambda anchor: anchor.start)
    anchors = _drop_place_shares(anchors, before)
    anchors = _attach_levels(_drop_qualifiers(anchors, text))
    if mode == TASK:
        anchors = [anchor for anchor in anchors if anchor.kind != "level"]
    anchors = [anchor for anchor in anchors if not before.contains(_HEDGED, anchor.start)]
    if anchors and mode == TARGET:
        zero = _ZERO.search(text, anchors[-1].end)
        if zero and _AND_BEFORE.search(text, anchors[-1].end, zero.start()):
            anchors.append(Anchor("zero", zero.start(), zero.end(), "=", 0, None, "count"))
    if anchors:
        return [_yearly_change(anchor, text, before) for anchor in anchors]
    return _wording_anchors(text, mode)


def _bound_across_units(match):
    """The anchor of a floor or ceiling across units (``_FLOOR``): a share, an index ("dưới 5,0 điểm") or a
    count ("45 học sinh/lớp", a bare figure)."""
    value = parse_number(match.group("num"))
    comparator = ">=" if match.group("bound").lower() in _FLOOR_WORDS else "<="
    if match.group("percent"):
        kind, unit = "percent", "%"
    elif match.group("noun") or not (match.group("score") or isinstance(value, float)):
        kind, unit = "count", "count"
    else:
        kind, unit = "index", "index"
    return Anchor(kind, match.start("num"), match.end(), comparator, value, None, unit)


# "tăng 5% mỗi năm", "giảm bình quân 10%/năm": a yearly change, which the targets' comparators cannot state
_CHANGE_BEFORE = re.compile(r"\b(?:tăng|giảm)(?:\s+(?:thêm|bình quân|trung bình|ít nhất|tối thiểu))*\s*$",
                            re.IGNORECASE)
_EACH_YEAR_AFTER = re.compile(r"\s*(?:/\s*năm|mỗi năm|hằng năm|hàng năm)\b", re.IGNORECASE)


def _yearly_change(anchor, text, before):
    """A share that is a yearly change ("tăng 5% mỗi năm") stays read as its figure, marked for the reviewer."""
    if (anchor.kind == "percent" and anchor.doubt is None and before.ends_with(_CHANGE_BEFORE, anchor.start)
            and _EACH_YEAR_AFTER.match(text, anchor.end)):
        return replace(anchor, doubt="Mức tăng (giảm) mỗi năm, không phải tỷ lệ cần đạt: kiểm tra chỉ số và giá trị.")
    return anchor


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


def _comparator_before(before, start):
    """"không quá", "trên", ... just before a figure: "<=", ">=", or None when there is none."""
    phrase = before.ends_with(_BEFORE, start, stripped=True) if before.stop(start) else None
    if phrase is None:
        return None
    return "<=" if phrase.group("phrase").lower() in _AT_MOST else ">="


def _numeric(kind, match, before, unit):
    value = parse_number(match.group("num"))
    comparator = _comparator_before(before, match.start()) or "="
    if _AT_LEAST_AFTER.match(before.text, match.end()):
        comparator = ">="
    elif _AT_MOST_AFTER.match(before.text, match.end()):
        comparator = "<="
    if before.contains(_MAINTAIN, match.start()):
        comparator = "maintain"
    return Anchor(kind, match.start(), match.end(), comparator, value, None, unit)


def _level(match, before):
    word = match.group("word").lower()
    word = _LEVEL_WORDS.get(word, word)
    value = parse_level(match.group("n").upper())
    comparator = "achieve"
    if _AT_LEAST_AFTER.match(before.text, match.end()) or _comparator_before(before, match.start()) == ">=":
        comparator = ">="
    if before.contains(_MAINTAIN, match.start()):
        comparator = "maintain"
    return Anchor("level", match.start(), match.end(), comparator, value, None, "level", f"{word} {value}")


def _drop_place_shares(anchors, before):
    """"duy trì phổ cập giáo dục tiểu học mức độ 3 ở 100% xã, phường": the level is the target, the share after
    "ở"/"tại" only says where it holds."""
    levels = [anchor.start for anchor in anchors if anchor.kind == "level"]
    return [anchor for anchor in anchors
            if not (anchor.kind == "percent" and any(start < anchor.start for start in levels)
                    and before.ends_with(_PLACE_SHARE_BEFORE, anchor.start))]


# "… học liệu mỗi trường", "… cho mỗi thư viện": a count of each unit
_PER_UNIT_AFTER = re.compile(r"\s+(?:\w+\s+){0,2}?(?:cho|ở|tại|trong)?\s*mỗi\s+"
                             r"(?!(?:năm|tháng|quý|tuần|ngày|học kỳ|kỳ|đợt|lần|buổi)\b)\w", re.IGNORECASE)
# "… đạt từ 97% trở lên và không có học sinh bỏ học": a zero in a conjunct of its own
_AND_BEFORE = re.compile(r"\svà\s+$")


def _drop_qualifiers(anchors, text=""):
    """A count after a percentage qualifies it ("100% trường có ít nhất 01 phòng ..."): not a target; a count of
    each unit ("70% trường có kho học liệu với không dưới 500 học liệu mỗi trường") is one."""
    result, seen_rate = [], False
    for anchor in anchors:
        if anchor.kind == "count" and seen_rate and not _PER_UNIT_AFTER.match(text, anchor.end):
            continue
        seen_rate = seen_rate or anchor.kind in ("percent", "range")
        result.append(anchor)
    return result


def _attach_levels(anchors):
    """A level next to a figure labels it ("trên 90% cơ sở đạt mức độ 2"); alone it is the target."""
    result = [anchor for anchor in anchors if anchor.kind != "level"]
    if not result:
        return anchors
    starts = [anchor.start for anchor in result]  # in order, as the anchors are
    for level in (anchor for anchor in anchors if anchor.kind == "level"):
        index = max(bisect.bisect_left(starts, level.start) - 1, 0)  # the last figure before it, else the first
        if result[index].level_label is None:
            result[index] = replace(result[index], level_label=level.level_label)
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
    keep = _kept_status(text)
    if keep:
        return [Anchor("maintain", *keep, "maintain")]
    above = _ABOVE_AVERAGE.search(text)
    if above:
        unit = "index" if _INDEX_WORDS.search(text) else None
        return [Anchor("above", above.start(), above.end(), ">=", None, None, unit)]
    one = _AT_LEAST_ONE.search(text)
    if one and not _TOWARDS.search(text[:one.start()]):
        return [Anchor("count", one.start(), one.end(), ">=", 1, None, "count",
                       doubt="“Phấn đấu có …” không nêu số: đọc là ít nhất 1.")]
    standing = _STANDING.search(text)
    if standing:
        return [Anchor("achieve", standing.start(), standing.end(), "achieve",
                       doubt="Mục tiêu định tính (một vị thế, một trạng thái): đọc là mốc cần đạt.")]
    every = _EVERY.search(text)
    state = every and _STATE_AFTER.match(text, every.end())
    if state and not _ACTION_IN_GAP.search(state.group("gap")):
        return [Anchor("percent", every.start(), every.start("noun"), "=", 100, None, "%")]
    reach = _COMPLETE.search(LEAD_IN.sub("", text)) or _RECOGNISED.search(text) or every
    if reach and not _ROUTINE.search(text):
        start = text.find(reach.group(0).strip()) if reach.re is _COMPLETE else reach.start()
        return [Anchor("achieve", max(start, 0), max(start, 0) + len(reach.group(0)), "achieve")]
    return []


# "Phấn đấu có học sinh đạt giải ...", "phấn đấu có trường được công nhận ...": at least one, no figure given
# (a figure, "phấn đấu có 01 trường", is read as a count before the wording is).
_AT_LEAST_ONE = re.compile(
    r"\bphấn đấu(?:\s+(?:để|mỗi năm|hằng năm|hàng năm))?\s+có\s+(?:thêm\s+)?"
    r"(?:học sinh|HS|giáo viên|GV|cán bộ|trẻ|trường|đơn vị|tập thể|cá nhân|sản phẩm|công trình|đề tài|sáng kiến|"
    r"đội tuyển|giải|huy chương|phân hiệu|cơ sở)\b",
    re.IGNORECASE,
)
# Qualitative goals, usually at a vision horizon: a standing among others ("thuộc nhóm dẫn đầu của thành phố",
# "là một trong những trường ... hàng đầu", "đạt mức khá của thành phố") or a state to build.
_STANDING = re.compile(
    r"\b(?:thuộc|nằm trong|vào|trong)\s+(?:nhóm|tốp|top)\b[^;.]{0,60}?\b(?:dẫn đầu|đầu|khá|tốt|cao)\b"
    r"|\b(?:thuộc|nằm trong|vào|trong)\s+(?:nhóm|tốp|top)\s+\d{1,3}\b"  # a rank: "trong tốp 15 tỉnh, thành phố"
    r"|\b(?:là|trở thành)\b[^;.]{0,80}?\b(?:dẫn đầu|hàng đầu|điểm sáng|trung tâm [^;.,]{0,40}chất lượng cao|"
    r"lá cờ đầu|tiêu biểu)\b"
    r"|\bđạt mức (?:khá|tốt|cao)\b"
    r"|\bcó nền giáo dục\b[^;.]{0,40}?\b(?:hiện đại|tiên tiến|chất lượng cao)\b"
    r"|\bxây dựng thành công\b",
    re.IGNORECASE,
)
# "Tất cả các trường tiểu học tổ chức dạy học 2 buổi/ngày": every unit does something, no share written: a
# milestone. "Toàn bộ các trường … có phòng học bộ môn …", "Tất cả học sinh lớp 9 được …": every unit has or is given
# something, which is what a share of counted units states ("100% trường có …"): a rate of 100%.
# "cơ sở vật chất", "cơ sở dữ liệu" are things, not units. The anchor is the quantifier only, so that the indicator
# keeps the units it counts ("Tỷ lệ trường tiểu học có …").
_EVERY = re.compile(r"^(?:\W*)(?:tất cả|toàn bộ)\s+(?:các\s+)?(?P<noun>trường|cơ sở(?!\s+(?:vật chất|dữ liệu|hạ tầng))|"
                    r"lớp|học sinh|giáo viên|trẻ)\b", re.IGNORECASE)
# The state follows the units and their qualifiers, before anything they do: not "tổ chức dạy học có hiệu quả",
# "tổ chức cho trẻ … được ăn", nor a duty ("có trách nhiệm", "có nhiệm vụ").
_STATE_AFTER = re.compile(r"(?P<gap>[^,;]{0,60}?)\s(?:có(?!\s+(?:trách nhiệm|nhiệm vụ)\b)|được)\s", re.IGNORECASE)
_ACTION_IN_GAP = re.compile(r"\b(?:tổ chức|dạy|thực hiện|triển khai|xây dựng|tham gia|đổi mới|quán triệt|chủ động|"
                            r"tích cực|hướng dẫn|bảo đảm|đảm bảo)\b", re.IGNORECASE)


def _kept_status(text):
    """(start, end) from the first "duy trì" / "giữ vững" to the last status after it, or None."""
    verb = _KEEP_VERB.search(text)
    if verb is None:
        return None
    statuses = list(_KEPT_STATUS.finditer(text, verb.end()))
    return (verb.start(), statuses[-1].end()) if statuses else None


# ---------------------------------------------------------------------------------------------
# Horizons (deadlines)

_HORIZON = re.compile(
    r"(?P<school>năm học\s+(?P<s1>\d{4})\s*[-–]\s*(?P<s2>\d{4}))"
    r"|(?P<period>giai đoạn\s+\d{4}\s*[-–]\s*(?P<p2>\d{4}))"
    r"|(?P<year>(?:năm|đến)\s+(?P<y>\d{4}))(?!\s*[-–]\s*\d)",
    re.IGNORECASE,
)
_LINE_LEAD = re.compile(r"^(?:đến\s+)?(?:năm học|năm|giai đoạn)\s+[\d\s\-–]+:", re.IGNORECASE)


_COMPARED_WITH = re.compile(r"so với\s*$", re.IGNORECASE)
# "… trước năm học 2027-2028": before the school year starts, so by the end of the one before it (the tasks' reading,
# importer.extraction.assignments.due_date, gives 31/8 of its first year)
_BEFORE_START = re.compile(r"\btrước\s*$", re.IGNORECASE)


class _Dates:
    """Where dates stand in a text, merged and sorted, so that each year is checked in log time."""

    def __init__(self, text):
        self.starts, self.ends = [], []
        for start, end in sorted(date_spans(text)):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def __contains__(self, position):
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


# A deadline written as a date or a month: "trước 31/12/2027", "trong tháng 12/2025", "chậm nhất ngày 30/6/2026",
# "trước quý III/2027" give their year (a date after no such word, "ngày 05/9/2025" of a citation, gives none).
_DEADLINE_DATE = re.compile(
    r"\b(?:trước|chậm nhất|đến hết|đến|tới|trong|cuối|hết)\s+(?:(?:ngày|tháng|quý)\s+)?"
    r"(?:\d{1,2}\s*/\s*)?(?:\d{1,2}|I{1,3}|IV)\s*/\s*(?P<y>\d{4})(?![\d/])",
    re.IGNORECASE,
)


def horizons(text, ref_year=None):
    """(position, horizon) pairs: "2030", or a school year "2026-2027", or the year of a deadline date
    ("trước 31/12/2027"); other dates and baselines left out."""
    dates, before = _Dates(text), _Before(text)
    found = []
    for match in _HORIZON.finditer(text):
        if match.start() in dates:
            continue
        if before.ends_with(_COMPARED_WITH, match.start()):
            continue
        if match.group("school") and before.ends_with(_BEFORE_START, match.start()):
            year = int(match.group("s1"))
            label = f"{year - 1}-{year}"
        elif match.group("school"):
            label, year = f"{match.group('s1')}-{match.group('s2')}", int(match.group("s2"))
        else:
            label = match.group("p2") or match.group("y")
            year = int(label)
        if ref_year and year < ref_year:
            continue
        found.append((match.start(), label))
    dated = [(match.start(), match.group("y")) for match in _DEADLINE_DATE.finditer(text)
             if not (ref_year and int(match.group("y")) < ref_year)]
    return sorted(found + dated) if dated else found


# Between a figure and the horizon that follows it in its own words: "45% vào năm 2027", "60% (năm 2030)",
# "mức độ 2 trước 31/12/2027" (a comma, "và" or another word in between: the horizon is another figure's).
_JUST_AFTER = re.compile(r"\s*\(?\s*(?:(?:vào|trong|đến|tới|hết|cuối|trước|chậm nhất)\s+)*", re.IGNORECASE)


class _Horizons:
    """The horizons of a clause (``horizons``), by position."""

    def __init__(self, found, text=""):
        self.found = found
        self.starts = [start for start, _label in found]
        self.text = text

    def at(self, position, piece_start, piece_end, end=None):
        """The horizon of the figure at ``position`` (ending at ``end``): one that follows it in its own words
        ("45% vào năm 2027 và 55% vào năm 2030"), else one in its own piece (the nearest before it, else the
        first after it: "35% (năm 2030), 50% (năm 2035)"), else the nearest before it in the clause."""
        first, stop = bisect.bisect_left(self.starts, piece_start), bisect.bisect_left(self.starts, piece_end)
        upto = bisect.bisect_right(self.starts, position)  # the horizons at or before the figure
        if end is not None:
            following = bisect.bisect_left(self.starts, end)
            if following < stop and _JUST_AFTER.match(self.text, end).end() == self.starts[following]:
                return self.found[following][1]
        if min(stop, upto) > first:
            return self.found[min(stop, upto) - 1][1]
        if stop > max(first, upto):
            return self.found[max(first, upto)][1]
        if upto:
            return self.found[upto - 1][1]
        # "Xây dựng mới 12 phòng học ..., hoàn thành trong năm 2027": the clause's only horizons come after
        return self.found[0][1] if self.found else None


_PHASE_WORDS = re.compile(r"giai đoạn|lộ trình|ngắn hạn|trung hạn|dài hạn|bước", re.IGNORECASE)
_BARE_SPAN = re.compile(r"(?<![\d/.-])(\d{4})\s*[-–]\s*(\d{4})(?![\d/])")


def heading_horizon(headings, ref_year=None):
    """The horizon of the nearest heading above that states one: "Đến năm 2030", "Năm học 2026-2027", or the
    end of a phase ("Giai đoạn 1 (2025 - 2027)", "Giai đoạn I: 2028 - 2030")."""
    for heading in reversed(headings):
        found = horizons(heading, ref_year)
        if found:
            return found[-1][1]
        if _PHASE_WORDS.search(heading):
            spans = [match for match in _BARE_SPAN.finditer(heading) if int(match.group(2)) > int(match.group(1))]
            if spans:
                return spans[-1].group(2)
    return None


_PLAN_PERIOD = re.compile(
    r"(?:giai đoạn|thời kỳ)\s+(?:từ\s+(?:năm\s+)?)?\d{4}\s*(?:[-–]|đến)\s*(?:năm\s+)?(?P<end>\d{4})",
    re.IGNORECASE,
)
_PLAN_UNTIL = re.compile(r"(?P<lead>tầm nhìn|định hướng)?[^,;]{0,12}?\bđến năm\s+(?P<year>\d{4})", re.IGNORECASE)
_PLAN_SCHOOL_YEAR = re.compile(r"năm học\s+(?P<s1>\d{4})\s*[-–]\s*(?P<s2>\d{4})", re.IGNORECASE)


def plan_horizon(texts, ref_year=None):
    """The plan's own period, from its title and opening lines, in that order: the end of "giai đoạn
    2026 - 2030" (not a vision, "tầm nhìn đến năm 2045", which only a vision's own heading gives), else the
    year of "đến năm 2030", else a school year ("năm học 2025 - 2026"). None when none is stated. Targets that
    no heading, phase or sentence of their own dates take it."""
    for text in texts:
        if re.match(r"^(?:Căn cứ|Thực hiện)\b", text) and not re.search(r"ban hành|xây dựng", text):
            continue  # a citation: its periods are those of the documents above
        dates = _Dates(text)
        ends = [match.group("end") for match in _PLAN_PERIOD.finditer(text) if match.start() not in dates]
        until = [match.group("year") for match in _PLAN_UNTIL.finditer(text) if not match.group("lead")]
        school = [f"{match.group('s1')}-{match.group('s2')}" for match in _PLAN_SCHOOL_YEAR.finditer(text)]
        for label in (ends or until or school)[:1]:
            if not ref_year or int(label[-4:]) >= ref_year:
                return label
    return None


OPENING_LINES = 40


def purpose_period(body, ref_year=None):
    """The plan's period as its first section states it when that section is the purpose ("I. MỤC ĐÍCH, YÊU
    CẦU: ... UBND phường ban hành Kế hoạch nhằm cụ thể hóa các chỉ tiêu ... đến năm 2030"), read as
    ``plan_horizon`` reads the opening lines; None for any other first section (a review of the current
    situation names past periods, an objectives section the horizons of its targets)."""
    if not body or not body[0].headings or section_mode(body[0].headings[:1]) is not None:
        return None
    if not _PURPOSE_HEADING.search(body[0].headings[0]):
        return None
    first = body[0].headings[0]
    lines = [line.text for line in body[:OPENING_LINES] if line.headings[:1] == (first,) and len(line.headings) == 1]
    return plan_horizon(lines, ref_year)


_PAST_YEAR = re.compile(r"(?<!đến )(?<!trước )(?<!tới )(?<!so với )năm\s+(\d{4})(?!\s*[-–])", re.IGNORECASE)
# A year that names a document, not when something was done: "theo Luật Giáo dục năm 2019", "Chương trình giáo
# dục phổ thông năm 2018", "Thông tư ... năm 2020" ("theo số liệu năm 2024" is a baseline).
_DOCUMENT_BEFORE = re.compile(
    r"(?:\b(?:Luật|Bộ luật|Hiến pháp|Nghị định|Nghị quyết|Thông tư|Quyết định|Chỉ thị|Chương trình|Đề án|Chiến lược)"
    r"|\b[Tt]heo(?!\s+(?:số liệu|kết quả|báo cáo|thống kê|điều tra|đánh giá)\b))(?:\s+[^\W\d]+){0,8}\s+$"
)
DOCUMENT_REACH = 80


def is_baseline(clause, ref_year, found=None):
    """A clause that reports what is already done ("đã được công nhận", "... cấp độ 2 năm 2023") and
    names no horizon still ahead. ``found``: the clause's horizons, when already read."""
    if found is None:
        found = horizons(clause, ref_year)
    if ref_year and any(int(label[-4:]) >= ref_year for _start, label in found):
        return False
    if re.search(r"\bđã\s+(?:được|đạt|có|hoàn thành)\b", clause, re.IGNORECASE):
        return True
    if not ref_year:
        return False
    dates = None
    for match in _PAST_YEAR.finditer(clause):
        if int(match.group(1)) < ref_year:
            dates = dates or _Dates(clause)
            if match.start() not in dates and not _DOCUMENT_BEFORE.search(
                    clause, max(0, match.start() - DOCUMENT_REACH), match.start()):
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
_PROJECTION_WORDS = re.compile(r"quy mô|dự kiến", re.IGNORECASE)


@dataclass(frozen=True)
class _Context:
    """What the lines that introduce a line (its lead-in, the item above a sub-item) say about it."""

    text: str
    states_targets: bool
    horizon: str | None
    projection: bool


def extract_targets(body, *, issuer=None, ref_year=None, limit=None, period=None):
    """Target proposals (dicts without ids) from the body lines of a plan, in reading order; no more than
    ``limit`` + 1, so that a caller that refuses more than ``limit`` stops early.

    A bullet reads in the context of the line that introduces it: the "- ..." item above a "+ ..."
    sub-item, or an unbulleted lead-in ending with ':' ("Chỉ tiêu cụ thể đến năm 2030:") above a list.

    ``period``: the plan's period from its title and opening lines; when they state none, the one its purpose
    section states (``purpose_period``).
    """
    if period is None:
        period = purpose_period(body, ref_year)
    proposals = []
    parent = lead = None
    contexts = {}  # read once for all the lines under the same lead-in and item
    for line in body:
        if is_row(line.text):
            continue
        bulleted = bool(_BULLETED.match(line.text))
        if not bulleted:
            lead = line if line.text.rstrip().endswith(":") else None
        sub_item = re.match(r"^(?:-\s*)?\+", line.text) is not None
        if not sub_item or parent is None or parent.headings != line.headings:
            parent = line
        others = tuple(other for other in (lead, parent)
                       if other is not None and other is not line and other.headings == line.headings)
        key = tuple(other.index for other in others)
        if key not in contexts:
            context = " ".join(other.text for other in others)
            found = horizons(context, ref_year)
            contexts[key] = _Context(context, bool(_TARGET_HEADING.search(context)), found[-1][1] if found else None,
                                     bool(_PROJECTION_WORDS.search(context)))
        context = contexts[key]
        mode = section_mode(line.headings)
        if mode == TASK and context.states_targets:
            mode = TARGET  # "Các chỉ tiêu cụ thể:" introduces targets even under a task heading
        elif mode == TARGET and not context.states_targets and _in_purpose(line.headings):
            mode = TASK  # "I. Mục đích, yêu cầu" under "A. MỤC ĐÍCH, YÊU CẦU VÀ MỤC TIÊU": aims, no milestones
        if mode is None:
            continue
        for proposal in _from_line(line, mode, context, issuer, ref_year, period):
            proposals.append(proposal)
            if limit is not None and len(proposals) > limit:
                return proposals
    return proposals


def _from_line(line, mode, context, issuer, ref_year, period=None):
    """The proposals of one line, one at a time."""
    text = strip_bullet(line.text)
    lead = _LINE_LEAD.match(text)
    line_horizon = horizons(lead.group(0))[0][1] if lead and horizons(lead.group(0)) else None
    # as re.search("quy mô|dự kiến", f"{context} {text}"), without joining the two
    projection = context.projection or bool(
        _PROJECTION_WORDS.search(text) or _PROJECTION_WORDS.search(f"{context.text[-8:]} {text[:8]}"))
    near_horizon = line_horizon or context.horizon or heading_horizon(line.headings, ref_year)
    default_horizon = near_horizon or period
    for sentence in sentences(text):
        lead_in = LEAD_IN.match(sentence)
        kept = False  # the clause before is a maintain list: "Duy trì A; B mức độ 3" keeps B too
        for clause in clauses(sentence):
            found = horizons(clause.text, ref_year)
            keeps = mode == TARGET and (_names_programme(clause.text) if _KEEP_LIST.search(clause.text)
                                        else kept and _continues_kept(clause.text))
            governed, kept = kept, keeps
            if is_baseline(clause.text, ref_year, found):
                continue
            clause_horizons = _Horizons(found, clause.text)
            subject = ""  # the group the last share counted, for a nested "trong đó 35% ..."
            for group in _groups(clause.text, mode, governed):
                read = {}  # piece -> where its previous anchor ended
                for piece, anchor in group.anchors:
                    segment_start = read.get(id(piece), 0)
                    read[id(piece)] = anchor.end
                    at = piece.start + anchor.start  # in the clause
                    deadline = clause_horizons.at(at, piece.start, piece.end, piece.start + anchor.end)
                    offset, stretch = narrow(clause.text, at, piece.start + anchor.end, group.start, group.end)
                    piece_offset, piece_text = narrow(piece.text, anchor.start, anchor.end)
                    clause_offset, clause_text = narrow(clause.text, at, piece.start + anchor.end)
                    proposal = _proposal(
                        replace(anchor, start=at - offset, end=at - offset + anchor.end - anchor.start),
                        replace(anchor, start=anchor.start - piece_offset, end=anchor.end - piece_offset),
                        piece_text, stretch, clause_text, line, issuer, deadline=deadline or default_horizon,
                        predicate=group.predicate[:LONG], lead_in=lead_in.group("topic") if lead_in else "",
                        projection=projection, alone=len(group.anchors) == 1 and not group.predicate,
                        parent_subject=subject, segment=piece.text[max(segment_start, anchor.end - LONG):anchor.end],
                    )
                    doubts = [anchor.doubt] if anchor.doubt else []
                    if not deadline and not near_horizon and period:
                        doubts.append(f"Thời hạn {period} lấy theo thời kỳ của cả kế hoạch: câu và đề mục "
                                      "không nêu năm.")
                    proposal["doubts"] = doubts
                    if anchor.kind == "percent" and proposal["scope"] != issuer:
                        subject = proposal["scope"]
                    yield proposal


_KEEP_LIST = re.compile(r"\b(?:duy trì|giữ vững|củng cố)\b", re.IGNORECASE)
_OTHER_VERB = re.compile(r"^(?:hoàn thành|phấn đấu|xây dựng|tăng|giảm|nâng cao tỷ lệ|nâng(?!\s+cao\b)|có|đạt)\b",
                         re.IGNORECASE)
_KEEP_WORDS = re.compile(
    r"^(?:(?:tiếp tục|phấn đấu|duy trì|giữ vững|củng cố|vững chắc|nâng cao chất lượng|nâng cao|đạt|kết quả|"
    r"chất lượng|thực hiện)[\s,]+)*",
    re.IGNORECASE,
)
_PROGRAMME = re.compile(r"(?:chuẩn\s+)?(?:phổ cập|PCGD\w*|xóa mù chữ|XMC)\b", re.IGNORECASE)
_AND = re.compile(r"\s+và\s+")
MAX_KEPT_PARTS = 64  # programmes joined by "và" in one maintained piece (plans write two to four)


def _names_programme(text):
    """"phổ cập giáo dục mầm non cho trẻ em 5 tuổi", "chuẩn xóa mù chữ mức độ 2": a programme of its own."""
    verb = _KEEP_LIST.search(text)
    start = verb.end() if verb else 0
    start += len(_KEEP_WORDS.match(text[start:].lstrip(" ,")).group(0)) + len(text[start:]) - len(
        text[start:].lstrip(" ,"))
    return bool(_PROGRAMME.match(text, start))


def _kept_list(text, anchors):
    """The anchors of a piece that a maintain verb earlier in its clause governs ("Duy trì vững chắc phổ cập
    giáo dục mầm non cho trẻ em 5 tuổi, phổ cập giáo dục tiểu học mức độ 3 và xóa mù chữ mức độ 2"): each
    level is kept, not reached, and each programme named without a level is a target of its own. A programme
    followed by a part that is not one shares that part's level ("tiểu học và THCS mức độ 3")."""
    anchors = [replace(anchor, comparator="maintain") if anchor.kind == "level" and anchor.comparator == "achieve"
               else anchor for anchor in anchors]
    parts = split_spans(text, _AND)
    if len(parts) > MAX_KEPT_PARTS:
        return anchors  # not a list a plan writes: checking each part against each anchor would take long
    for index, part in enumerate(parts):
        if any(part.start <= anchor.start < part.end or anchor.start <= part.start < anchor.end
               for anchor in anchors):
            continue
        following = parts[index + 1].text if index + 1 < len(parts) else None
        if _names_programme(part.text) and (following is None or _names_programme(following)):
            anchors.append(Anchor("maintain", part.start, part.end, "maintain",
                                  doubt="Duy trì một chương trình không nêu mức: thêm mức nếu văn bản có."))
    return sorted(anchors, key=lambda anchor: anchor.start)


_REACH_VERB = re.compile(r"\b(?:đạt|hoàn thành|nâng|tăng|xây dựng)\b", re.IGNORECASE)


def _continues_kept(clause):
    """A clause that only names programmes ("phổ cập giáo dục tiểu học mức độ 3 và xóa mù chữ mức độ 2"), no
    verb of its own ("phổ cập giáo dục tiểu học đạt mức độ 3" is reached, not kept)."""
    return bool(_PROGRAMME.match(clause)) and not _REACH_VERB.search(clause)


def _groups(clause, mode, governed=False):
    """Pieces with anchors, each with the figure-less pieces around it that belong to its quote.

    ``governed``: the clause before is a maintain list ("Duy trì phổ cập giáo dục mầm non cho trẻ em 5 tuổi;
    phổ cập giáo dục tiểu học mức độ 3"), which a clause that begins with a programme carries on."""
    groups, pending, shares = [], [], {}
    keep = _KEEP_LIST.search(clause) if mode == TARGET else None
    if keep is None and governed and _continues_kept(clause):
        keep = re.match("", clause)  # the list goes on from the clause's start
    for piece in _joined_floors(clause, pieces(clause)):
        anchors = find_anchors(piece.text, mode)
        if keep and piece.end > keep.start():
            if piece.start > keep.start() and _OTHER_VERB.match(piece.text):
                keep = None  # "..., hoàn thành phổ cập ...": another verb ends the list
            else:
                anchors = _kept_list(piece.text, anchors)
        if anchors and groups and not pending and not keep and _qualifies_share(groups[-1], piece, anchors, clause):
            groups[-1].end = piece.end  # "Trên 90% cán bộ quản lý, giáo viên đạt … từ bậc 3 trở lên": its level
            continue
        if anchors:
            start = pending[0].start if pending else piece.start
            groups.append(Group(start, piece.end, [(piece, anchor) for anchor in anchors]))
            pending = []
            second = _second_property(piece, anchors)
            if second:
                groups.append(Group(start, piece.end, [(piece, anchors[0])], second))
        elif not groups or pending or re.match(r"(?:tỷ lệ|tỉ lệ|số lượng|chỉ số|trong đó)\b", piece.text, re.IGNORECASE):
            pending.append(piece)  # the subject of a figure still to come
        elif _second_predicate(groups[-1], piece, shares):
            first_piece, anchor = groups[-1].anchors[0]
            groups.append(Group(groups[-1].start, piece.end, [(first_piece, anchor)], piece.text))
        else:
            groups[-1].end = piece.end
    if pending and groups:
        groups[-1].end = max(groups[-1].end, pending[-1].end)
    return groups


_NOT_A_SUBJECT = re.compile(r"^(?:đạt|phấn đấu|hoàn thành|xây dựng|nâng|tăng|giảm|duy trì|giữ vững|củng cố|có|"
                            r"được|trong đó|và)\b", re.IGNORECASE)


# A verb that gives a share its predicate: once the share has one ("Tỷ lệ học sinh lên lớp đạt 99%", "Trên 95% học
# sinh, trẻ em được khám sức khỏe"), what follows the comma has a subject of its own ("trường học đạt chuẩn …").
_SHARE_PREDICATE = re.compile(r"\b(?:đạt|được|có|là|hoàn thành|tham gia|sử dụng|ứng dụng|duy trì)\b", re.IGNORECASE)


def _qualifies_share(group, piece, anchors, clause):
    """A piece whose only figure is an at-least level, after a share whose subject it continues ("Trên 90% cán bộ
    quản lý, giáo viên đạt năng lực số từ bậc 3 trở lên"): the level says what the share reaches. A share that
    already has its verb is whole, and the piece is a target of its own."""
    _, last = group.anchors[-1]
    return (last.kind in ("percent", "range") and not group.predicate
            and all(anchor.kind == "level" and anchor.comparator == ">=" for anchor in anchors)
            and not _NOT_A_SUBJECT.match(piece.text) and not _PROGRAMME.match(piece.text)
            and not _SHARE_PREDICATE.search(clause, group.start, piece.start))


# "100% giáo viên có tài khoản … và sử dụng bài giảng điện tử": a second property of the same share, named by another
# verb than the first; "được khám sức khỏe … và được theo dõi …" repeats its verb and stays one property (as the
# development set annotates it)
_FIRST_PROPERTY = re.compile(r"\s(có|được)\s", re.IGNORECASE)
# A verb followed by "với" relates the thing named before it ("lắp đặt camera … và kết nối với Công an"): no second
# property of the units.
_SECOND_PROPERTY = re.compile(r"\svà\s+(?P<predicate>(?P<verb>sử dụng|có|được|ứng dụng|kết nối|triển khai|áp dụng|"
                              r"tham gia)\s(?!với\b).+)$", re.IGNORECASE)


def _second_property(piece, anchors):
    """The second predicate of a piece's only share ("… có X và sử dụng Y"), or "" (each search a single scan)."""
    if len(anchors) != 1 or anchors[0].kind != "percent":
        return ""
    first = _FIRST_PROPERTY.search(piece.text, anchors[0].end)
    match = first and _SECOND_PROPERTY.search(piece.text, first.end())
    if not match or match.group("verb").lower() == first.group(1).lower():
        return ""
    return match.group("predicate")


def _joined_floors(clause, spans):
    """The comma pieces, those of a floor across units joined again ("không có xã, phường nào dưới 60%")."""
    result, index = [], 0
    while index < len(spans):
        piece = spans[index]
        if _FLOOR_START.search(piece.text) and not _FLOOR_END.search(piece.text[_FLOOR_START.search(piece.text).end():]):
            last = next((other for other in range(index + 1, min(index + 4, len(spans)))
                         if _FLOOR_END.search(spans[other].text)), None)
            if last is not None and _FLOOR.search(clause, piece.start, spans[last].end):
                piece = Span(piece.start, spans[last].end, clause[piece.start:spans[last].end])
                index = last
        result.append(piece)
        index += 1
    return result


def _second_predicate(group, piece, shares):
    """"100% trường học có kết nối Internet, có thiết bị dạy học số": one share, a second predicate.

    ``shares`` keeps what follows each share, read once however many pieces follow it."""
    first_piece, anchor = group.anchors[0]
    if anchor.kind != "percent":
        return False
    key = (first_piece.start, anchor.end)
    if key not in shares:
        after = first_piece.text[anchor.end:]
        shares[key] = (len(after.split()) >= 2, " có " in after)
    worded, has_predicate = shares[key]
    if not worded:
        return False
    if piece.text.startswith("được "):
        return True
    return piece.text.startswith("có ") and has_predicate


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
