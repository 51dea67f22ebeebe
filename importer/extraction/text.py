"""Cleaning of text exported from PDF or Word, and its segmentation into headings, lines and clauses.

A PDF or Word export breaks lines inside sentences, leaves page numbers on lines of their own and
sometimes double-spaces every line. ``clean_text`` gives back one logical line per paragraph, bullet,
heading or table row; ``outline`` then tells which heading each line stands under.
"""

import re
import statistics
import unicodedata
from dataclasses import dataclass

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# the control characters a PDF's text layer gives for glyphs it maps to nothing (an old Vietnamese font, a damaged
# map): they mean nothing, and no Word, Excel or PDF report could hold them (the plan's title, its targets' texts)
_CONTROL = dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF], None)
_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.;:!?…][\"”’)\]»*]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]»*]*$")
_LIST_MARKER = re.compile(r"^(?:[-+•*–]\s|[a-zđ]\)\s|\d+(?:\.\d+)*[.)]\s|[IVXLC]+[.)]\s)")
_PARAGRAPH_START = re.compile(r"^(?:Căn cứ|Thực hiện|Trên đây|Nơi nhận)\b")
_SCHOOL_YEAR_LEAD = re.compile(r"^(?:năm học|giai đoạn|năm)\s+\d{4}", re.IGNORECASE)


def normalize(text):
    """NFC (PDFs often give decomposed accents), no invisible or control characters, Unix line ends (Word's
    manual line break, a vertical tab, and a page break are line ends too)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_CONTROL)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")


def fold_spaces(text):
    """All runs of white space (tabs and line breaks included) become one space."""
    return " ".join(text.split())


def is_table_row(line):
    return "\t" in line


def is_upper_line(line):
    letters, upper = _letter_case(line)
    return letters >= 2 and upper


def _letter_case(text):
    """(how many letters ``text`` has, counted up to 2; whether none of them is small)."""
    letters = 0
    for char in text:
        if char.isalpha():
            if not char.isupper():
                return min(letters + 1, 2), False
            letters += 1
    return min(letters, 2), True


def clean_text(raw):
    """Repair an exported plan: one logical line per paragraph, no page numbers, no blank runs."""
    physical = []
    for line in normalize(raw).split("\n"):
        line = _SPACES.sub(" ", line.replace("**", "")).strip(" ")
        line = _SPACE_BEFORE_PUNCTUATION.sub("", line)  # PDF text layers put spaces before commas
        if not line.strip("\t"):
            continue
        if _PAGE_NUMBER.match(line):
            continue
        physical.append(line)
    wrap = _wrap_width(physical)
    logical = []
    for line in physical:
        if logical and _continues(logical[-1], line, wrap):
            logical[-1].add(line)
        else:
            logical.append(_Paragraph(line))
    return "\n".join(paragraph.text() for paragraph in logical)


_SPACE_BEFORE_PUNCTUATION = re.compile(r" +(?=[,;])")


class _Paragraph:
    """A logical line being joined from physical lines.

    It keeps what ``_continues`` asks about the line so far (its last characters, its last physical line,
    whether it is in capitals) instead of joining and rescanning the whole line for every physical line
    added, which took time in the square of a paragraph's length.
    """

    TAIL = 64

    def __init__(self, line):
        self.parts = [line]
        self.last = line  # the last physical line
        self.tail = line[-self.TAIL:]
        self.letters, self.upper = _letter_case(line)
        self.table_row = is_table_row(line)

    def add(self, line):
        separator = "" if self.tail.endswith("-") and not self.tail.endswith(" -") else " "
        self.parts.append(separator + line)
        self.last = line
        self.tail = (self.tail + separator + line)[-self.TAIL:]
        letters, upper = _letter_case(line)
        self.letters, self.upper = min(self.letters + letters, 2), self.upper and upper
        self.table_row = self.table_row or is_table_row(line)

    @property
    def single(self):
        return len(self.parts) == 1

    def is_upper(self):
        return self.letters >= 2 and self.upper

    def text(self):
        return "".join(self.parts)


def _wrap_width(lines):
    lengths = [len(line) for line in lines if not is_table_row(line)]
    if len(lengths) < 4:
        return 10_000
    return statistics.quantiles(lengths, n=4)[2]


def _continues(previous, line, wrap):
    """Whether ``line`` carries on the sentence that the paragraph ``previous`` broke off.

    The end of ``previous`` is read from its last physical line: "[.;:…] and closing marks" cannot span
    the space or hyphen that joined it to the line before.
    """
    if previous.table_row or is_table_row(line):
        return False
    if _SCHOOL_YEAR_LEAD.match(line) or _PARAGRAPH_START.match(line):
        return False
    if _LIST_MARKER.match(line):
        # "kinh tế" + "- xã hội ...": a dash before a lower-case word continues an unfinished line.
        dash = re.match(r"^[-–]\s+(\w)", line)
        return bool(dash and dash.group(1).islower() and not _TERMINAL.search(previous.last))
    if previous.tail.endswith("-"):
        return True  # "71-" + "NQ/TW", "kinh tế -" + "xã hội"
    if previous.is_upper():
        return False  # a title, heading or signature line in capitals ends where it ends
    if line[0].islower():
        return not _SENTENCE_END.search(previous.last)
    if _TERMINAL.search(previous.last) or (is_upper_line(line) and " " in line.strip()):
        return False
    # A capital after an unfinished line: a wrapped line runs to the margin, a title or heading does
    # not. A numbered first line needs to run closer to it, since short numbered headings are common.
    first_numbered = previous.single and heading_marker(previous.last)
    return len(previous.last) >= (0.85 if first_numbered else 0.7) * wrap


# ---------------------------------------------------------------------------------------------
# Headings

_ROMAN = re.compile(r"^(?:PHẦN\s+)?([IVXLC]+)[.)]\s+(\S.*)$")
_CAPITAL_LETTER = re.compile(r"^(?:PHẦN\s+)?([A-ZĐ])[.)]\s+(\S.*)$")
_DOTTED = re.compile(r"^(\d+(?:\.\d+)+)\.?\s+(\S.*)$")
_NUMBER = re.compile(r"^(\d+)[.)]\s+(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\)\s+(\S.*)$")
_SECTION_WORDS = re.compile(
    r"MỤC TIÊU|CHỈ TIÊU|NHIỆM VỤ|GIẢI PHÁP|TỔ CHỨC THỰC HIỆN|LỘ TRÌNH|MỤC ĐÍCH|NỘI DUNG|KINH PHÍ|NGUỒN LỰC"
)
# What a plan counts ("02 chuyên đề", "15 phòng học", "không quá 03 em"): also the nouns of the count targets
# (targets.py).
COUNT_NOUNS = (
    r"trường|điểm trường|cơ sở|phòng(?: học)?|lớp(?: học)?|nhóm(?: lớp| trẻ)?|nhà|thư viện|học sinh|trẻ|em|"
    r"giáo viên|cán bộ|nhân viên|người|sáng kiến|đề tài|môn|câu lạc bộ|CLB|mô hình|công trình|chuyên đề|"
    r"hội thảo|giải|huy chương|tiết|bài giảng|lượt|đơn vị|sân|bể bơi|máy tính|hạng mục|cuộc thi"
)
# A short numbered sentence that states a target, not a heading: "4. Tổ chức ít nhất 02 chuyên đề mỗi học kỳ.",
# "3. Không có học sinh bỏ học.", "2. Xây dựng mới 6 phòng học." (a heading ending with a stop states none:
# "1. Mục tiêu chung.", "3. Tăng cường phối hợp giữa nhà trường, gia đình và xã hội.")
_STATES_TARGET = re.compile(
    r"\b(?:ít nhất|tối thiểu|không dưới|không ít hơn|không quá|không có|không để|không còn)\s+\w"
    rf"|(?<![\w.,/-])(?<!số )(?<!lớp )(?<!khối )(?<!nhóm )\d{{1,3}}\s+(?:{COUNT_NOUNS})(?!\w)",
    re.IGNORECASE,
)


def heading_marker(line):
    """The rank of a numbering marker at the start of ``line`` (1 = I., 2 = 1., 3 = 1.1., 6 = a)), or None."""
    if _ROMAN.match(line):
        return 1
    letter = _CAPITAL_LETTER.match(line)
    if letter and is_upper_line(letter.group(2)):
        return 0  # "A. MỤC TIÊU" above "I. ..."
    if letter and _lettered_part(letter):
        return 1.5  # "A. Chỉ tiêu năm học 2025-2026" between "II. ..." and "1. ..."
    match = _DOTTED.match(line)
    if match:
        return 1 + match.group(1).count(".") + 1
    if _NUMBER.match(line):
        return 2
    if _LETTER.match(line):
        return 6
    return None


def _lettered_part(match):
    """"A. Chỉ tiêu năm học 2025-2026", "B) Giai đoạn 2028 - 2030": a part in small letters, lettered A to H,
    whose words after the first are in small letters (not a name: "C. Nguyễn Văn An")."""
    words = match.group(2).split()
    return (match.group(1) in "ABCDEFGH" and len(words) >= 2 and words[0][:1].isupper() and words[0][1:].islower()
            and all(not word[:1].isupper() for word in words[1:3]))


def heading_rank(line, seen_heading):
    """The outline rank of ``line`` if it is a heading, else None.

    A numbered line is a heading when it reads like a title: not a sentence that ends with a full
    stop or semicolon. An unnumbered line in capitals is a heading once the body has begun.
    """
    if is_table_row(line) or len(line) > 260:
        return None
    rank = heading_marker(line)
    if rank is not None:
        # "2. Năm 2027: hoàn thành 100% ..." is a numbered sentence; "1. Mục tiêu chung." a heading.
        if line.endswith(";") or (line.endswith(".") and (len(line) > 60 or re.search(r"[:%]", line))):
            return None
        if line.endswith(".") and _STATES_TARGET.search(line, line.find(" ")):
            return None
        if line.endswith(":") and len(line) > 120:
            return None
        return rank
    if (is_upper_line(line) and len(line) <= 120 and len(line.split()) >= 2 and not line.endswith((".", ";", ","))
            and (seen_heading or _SECTION_WORDS.search(line))):
        return 1
    return None


@dataclass(frozen=True)
class Line:
    """A logical line of the plan with the path of headings it stands under."""

    text: str
    headings: tuple
    index: int

    @property
    def section(self):
        return " > ".join(self.headings)


_END_OF_BODY = re.compile(r"^(?:nơi nhận|trên đây là)", re.IGNORECASE)
# An appendix after the signature: "PHỤ LỤC", "PHỤ LỤC II", "Phụ lục số 1: Chỉ tiêu của các trường đến năm 2030".
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?(?:[IVX]+|\d{1,2}))?(?:\s*[.:\-–]\s*\S.*)?$")


# An appendix is read when its title names targets: one of data ("SỐ LIỆU THỐNG KÊ", "DANH SÁCH ...") is not.
_TARGETS_NAMED = re.compile(r"mục tiêu|chỉ tiêu|lộ trình", re.IGNORECASE)


def _title_of(lines, index, reach=3):
    """The appendix heading at lines[index] and the lines of its title under it (up to ``reach``, no table rows)."""
    title = []
    for line in lines[index:index + reach]:
        if is_table_row(line):
            break
        title.append(line)
    return " ".join(title)


def outline_events(cleaned):
    """(rank, line) for every line of the body, up to "Nơi nhận", and of each appendix after the signature
    ("PHỤ LỤC ..."): a heading with its outline rank and its heading path (itself last), or a line with rank
    None and the path it stands under (empty in the preamble). The recipients and the signature between the
    body and an appendix are left out."""
    stack = []  # (rank, text)
    closed = False  # after the body: only an appendix is read
    lines = cleaned.split("\n")
    for index, line in enumerate(lines):
        in_appendix = bool(stack) and stack[0][0] == -1
        if closed or (_END_OF_BODY.match(line) and stack) or (in_appendix and _APPENDIX.match(line)):
            closed = True
            if len(line) <= 200 and _APPENDIX.match(line) and _TARGETS_NAMED.search(_title_of(lines, index)):
                # its own outline, above the headings it holds ("CHỈ TIÊU CỦA CÁC TRƯỜNG", "I. ...")
                stack = [(-1, line)]
                closed = False
                yield -1, Line(line, (line,), index)
            continue
        if _END_OF_BODY.match(line):
            continue
        rank = heading_rank(line, bool(stack))
        if rank is not None and (stack or rank == 1 or _SECTION_WORDS.search(line.upper())):
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, line.rstrip(" :") if line.endswith(":") else line))
            yield rank, Line(line, tuple(text for _rank, text in stack), index)
            continue
        yield None, Line(line, tuple(text for _rank, text in stack), index)


def outline(cleaned):
    """The body lines after the first heading, up to "Nơi nhận", each with its heading path.

    Returns (preamble, body): the preamble lines come before the first heading (title, citations).
    """
    preamble, body = [], []
    for rank, line in outline_events(cleaned):
        if rank is None:
            (body if line.headings else preamble).append(line)
    return preamble, body


# ---------------------------------------------------------------------------------------------
# Sentences and clauses

# "Về chuyển đổi số và hội nhập: 100% ...": the topic that introduces the figures after it.
LEAD_IN = re.compile(r"^Về\s+(?P<topic>[^:]{3,80}):\s*")
_ABBREVIATIONS = {"tp", "tm", "kt", "q", "p", "ts", "ths", "gs", "pgs", "tt", "v.v", "đ/c", "st"}
_BULLET = re.compile(r"^(?:[-+•*–]\s*)+")


def strip_bullet(line):
    return _BULLET.sub("", line).strip()


# from the first of a run of stops only: from each of them the run was read again to its end
_SENTENCE_BREAK = re.compile(r"(?<![.!?…])[.!?…]+[\"”’)]*\s+")


def sentences(line):
    """Split a logical line at full stops that end a sentence (not "TP. Hải Phòng", not "0.87")."""
    parts, start = [], 0
    for match in _SENTENCE_BREAK.finditer(line):
        end = match.end()
        if end >= len(line):
            break
        following = line[end]
        if not (following.isupper() or following.isdigit() or following in "\"“(-+"):
            continue
        word = line[line.rfind(" ", 0, match.start()) + 1:match.start()].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        parts.append(line[start:match.start() + 1].strip())
        start = end
    parts.append(line[start:].strip())
    return [part for part in parts if part]


@dataclass(frozen=True)
class Span:
    """A stretch of a sentence: where it starts and ends in it, and its text."""

    start: int
    end: int
    text: str


def split_spans(text, separator):
    """Split ``text`` at a separator regex, keeping offsets; empty stretches are dropped."""
    spans, start = [], 0
    for match in re.finditer(separator, text):
        spans.append(Span(start, match.start(), text[start:match.start()]))
        start = match.end()
    spans.append(Span(start, len(text), text[start:]))
    result = []
    for span in spans:
        stripped = span.text.strip()
        if stripped:
            offset = span.start + span.text.index(stripped)
            result.append(Span(offset, offset + len(stripped), stripped))
    return result


def clauses(sentence):
    """The ';'-separated clauses of a sentence."""
    return split_spans(sentence, r";\s*")


def pieces(clause):
    """The comma-separated pieces of a clause ("0,87" and "1.318" are not split)."""
    return split_spans(clause, r",\s+")


# A stretch of text longer than LONG (a line without full stops, a text without line breaks) is read in a
# window of REACH characters either side of each figure: quoting and naming thousands of figures from the
# whole line took time and memory in the square of its length. The sample plans' longest clause has 469
# characters, their longest table row 150.
LONG, REACH = 1500, 300


def narrow(text, start, end, low=0, high=None):
    """(offset, text[low:high]), or for a stretch longer than LONG the words within REACH characters of
    text[start:end] in it."""
    high = len(text) if high is None else high
    if high - low <= LONG:
        return low, text[low:high]
    first, last = max(low, start - REACH), min(high, end + REACH)
    if first > low:
        space = text.find(" ", first, start)
        first = space + 1 if space >= 0 else first
    if last < high:
        space = text.rfind(" ", end, last)
        last = space if space >= 0 else last
    return first, text[first:last]
