"""A plan's own particulars: issuer, number, place and date, title, signer, and the documents it cites.

Works on the cleaned text (see ``text.clean_text``). The header of an official document (issuer top
left, "Số: 45/BC-UBND", "Móng Cái 3, ngày 10 tháng 12 năm 2025") is often lost in exports, so each
field falls back on the body: the enacting sentence "UBND phường Kinh Môn xây dựng Kế hoạch ..." for
the issuer, the signature block for the signer.
"""

import re
from collections import Counter

from .figures import parse_date
from .text import is_upper_line, strip_bullet

# The type word a title starts with, in capitals -> DocumentType code.
DOCUMENT_TYPES = {
    "KẾ HOẠCH": "KH",
    "CHƯƠNG TRÌNH": "CTr",
    "BÁO CÁO": "BC",
    "NGHỊ QUYẾT": "NQ",
    "QUYẾT ĐỊNH": "QĐ",
    "CÔNG VĂN": "CV",
    "ĐỀ ÁN": "ĐA",
    "THÔNG BÁO": "TB",
    "CHỈ THỊ": "CT",
}
_TYPE_CODES = {code.upper(): code for code in DOCUMENT_TYPES.values()}

# Names of bodies and of kinds of units, as they are written in running text.
_PHRASES = [
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Ủy ban Mặt trận Tổ quốc",
    "Ban Thường vụ", "Ban Chấp hành", "Đảng ủy", "Đảng bộ", "Thành ủy", "Tỉnh ủy", "Chi bộ",
    "Sở Giáo dục và Đào tạo", "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa - Xã hội", "Bộ Giáo dục và Đào tạo",
    "Bộ Chính trị", "Chính phủ", "Thủ tướng Chính phủ", "Quốc hội",
    "Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở", "Trường Trung học phổ thông",
    "Trường Tiểu học và Trung học cơ sở", "Trường THCS", "Trường THPT", "Trường TH&THCS", "Trường TH và THCS",
    "Trường", "Sở", "Phòng", "Ban", "Trung tâm",
]
_UNIT_KINDS = ["thành phố", "phường", "xã", "tỉnh", "đặc khu", "quận", "huyện", "thị xã", "thị trấn"]
_ABBREVIATIONS = [
    (r"\bUBND\b", "Ủy ban nhân dân"),
    (r"\bHĐND\b", "Hội đồng nhân dân"),
    (r"\bBTV\b", "Ban Thường vụ"),
    (r"\bBCH\b", "Ban Chấp hành"),
    (r"\bUBMTTQ\b|\bỦy ban MTTQ\b", "Ủy ban Mặt trận Tổ quốc"),
    (r"\bSở GD&ĐT\b|\bSở GDĐT\b", "Sở Giáo dục và Đào tạo"),
    (r"\bPhòng GD&ĐT\b", "Phòng Giáo dục và Đào tạo"),
    (r"\bTP\.\s*", "thành phố "),
    (r"\bUỷ\b", "Ủy"),
]
# "VIỆT NAM" or "NAM" alone: the end of the motto, wrapped onto a line of its own in a PDF's header (no issuer
# is called either)
_MOTTO = re.compile(r"CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|ĐẢNG CỘNG SẢN VIỆT NAM|^\*+$|^(?:VIỆT\s+)?NAM$", re.IGNORECASE)


def extract_metadata(preamble, cleaned, opening=()):
    """The plan's particulars from its preamble lines (before the first heading) and whole cleaned text;
    ``opening``: the lines of its first section, where a plan may also say what it implements ("1. Thực hiện
    Kế hoạch số 282/KH-UBND …")."""
    lines = [line.text for line in preamble]
    title_index, doc_type, title = find_title(lines)
    lines = [header_columns(line) for line in lines[:title_index or 0]] + lines[title_index or 0:]
    header = lines[:title_index] if title_index is not None else lines[:3]
    number = find_number(header) or find_number(lines[:8])
    if doc_type is None and number:
        doc_type = _type_from_number(number)
    place, issued = find_place_and_date(header) if header else (None, None)
    if issued is None:
        place, issued = find_place_and_date(lines[:8])
    issuer = find_issuer(header, lines, cleaned)
    signer_title, signer_name = find_signer(cleaned)
    # The subject line ("Triển khai Chương trình số 03-CTr/TU ...") is read last: the basis lines
    # ("Căn cứ ...") cite the same documents with their dates and full issuers.
    basis = lines[title_index + 2:] + lines[title_index + 1:title_index + 2] if title_index is not None else lines
    return {
        "title": title,
        "doc_type": doc_type,
        "issuer": issuer,
        "number": number,
        "date": issued,
        "place": place,
        "signer_name": signer_name,
        "signer_title": signer_title,
        "parents": find_parents(basis, cleaned, [line.text for line in opening]),
    }


# ---------------------------------------------------------------------------------------------
# Title, number, place and date


# The two columns of a header that arrive as one line: a PDF's header table read back row by row ("UBND PHƯỜNG …
# CỘNG HÒA XÃ HỘI …", "TRƯỜNG … Độc lập - Tự do - Hạnh phúc", "Số: 54/KH-… Đông Xuyên, ngày …"), or a text aligned
# with spaces or dotted leaders ("Số 09-NQ/ĐU ……… Tân Hòa, ngày …"). A tab is put back between them.
_RIGHT_COLUMN = re.compile(r"(?<=\S)\s+(?=CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*[-–]\s*Tự do)")
_LEADERS = re.compile(r"(?<!ngày)(?<!tháng)\s*(?:…{2,}|\.{4,}|_{3,})\s*")
_PLACE_AFTER = re.compile(r"\s+[^,\t/]{2,40}?,\s*ngày\b", re.IGNORECASE)


def header_columns(line):
    """A header line with a tab between its two columns when they arrived joined."""
    line = _LEADERS.sub("\t", line).strip("\t")
    line = _RIGHT_COLUMN.sub("\t", line, count=1)
    number = _NUMBER.search(line)
    if number and "\t" not in line[number.end():] and _PLACE_AFTER.match(line, number.end()):
        line = f"{line[:number.end()]}\t{line[number.end():].lstrip()}"
    return line


def find_title(lines):
    """(index of the title line, DocumentType code, title) from the capitalised type word and its subject."""
    for index, line in enumerate(lines):
        key = " ".join(line.split()).upper()
        known = next((word for word in DOCUMENT_TYPES if key == word or key.startswith(word + " ")), None)
        if known and is_upper_line(line) and len(key) <= 40:
            code = DOCUMENT_TYPES[known]
            name = key[:1] + key[1:].lower()  # "KẾ HOẠCH HÀNH ĐỘNG" -> "Kế hoạch hành động"
            subject = _subject(lines[index + 1:])
            if not subject:
                return index, code, name
            if subject.upper().startswith(key):
                return index, code, subject
            first, _space, rest = subject.partition(" ")
            first = first if first.isupper() and len(first) > 1 else first[:1].lower() + first[1:]
            return index, code, f"{name} {first} {rest}".strip()
    return None, None, None


def _subject(following):
    """The subject line under the type word: not a citation ending with ';' and not "Căn cứ ..."."""
    if not following:
        return None
    subject = following[0].strip()
    if subject.endswith(";") or re.match(r"^(?:-\s*)?Căn cứ\b", subject) or subject.startswith("-"):
        return None
    for line in following[1:4]:
        basis = line.rstrip().endswith(";") or re.match(r"^(?:[-+•]\s*)?(?:Căn cứ|Thực hiện|Triển khai)\b", line)
        if re.match(_PERIOD_WORDS, line, re.IGNORECASE) or (_DANGLING.search(subject) and not basis):
            subject = f"{subject} {line.strip()}"
        else:
            break
    # "71 -NQ/TW", "102/ KH-UBND": a number broken by a PDF's spacing is written whole again
    subject = re.sub(rf"\b{_DOC_NUMBER}", lambda m: normalize_number(m.group(0)), subject)
    # "... phường Dương Kinh Giai đoạn 2026-2030": these words are never proper nouns inside a title.
    subject = re.sub(rf"(?<=\S )({_PERIOD_WORDS})", lambda m: m.group(1).lower(), subject, flags=re.IGNORECASE)
    return subject.rstrip(" .")


_PERIOD_WORDS = r"giai đoạn|năm học|đến năm|nhiệm kỳ|tầm nhìn"
# A title line never ends on these words: the title goes on on the next line ("… của Ban Thường vụ Tỉnh ủy về thực
# hiện" / "Nghị quyết số 71-NQ/TW …", where a PDF broke it before a document's name)
_DANGLING = re.compile(r"\s(?:về|của|và|thực hiện|triển khai|trên|tại|cho|đối với|trong|theo|nhằm|số)$", re.IGNORECASE)


_NUMBER = re.compile(r"\bSố\s*:?\s*(\d*)\s*([-/])\s*([A-ZĐ][A-ZĐa-zđ&0-9]*(?:\s*[-/]\s*[A-ZĐ][A-ZĐa-zđ&0-9]*)*)")


def find_number(lines):
    """"Số: 45/BC-UBND" -> "45/BC-UBND"; a blank number ("Số: /KH-UBND") -> None."""
    for line in lines:
        match = _NUMBER.search(line)
        if match:
            digits, separator, rest = match.groups()
            return f"{digits}{separator}{normalize_number(rest)}" if digits else None
    return None


def _type_from_number(number):
    # State numbers read 102/KH-UBND, Party ones 41-KH/ĐU.
    match = re.match(r"\d+(?:/\d{4})?/([^-/]+)-", number) or re.match(r"\d+-([^/]+)/", number)
    return _TYPE_CODES.get(match.group(1).upper()) if match else None


_PLACE_DATE = re.compile(
    r"(?:^|\t)\s*(?P<place>[^,\t/]{2,40}?)\s*,\s*ngày\s*(?:(?P<day>[\d.…]*)\s*tháng\s*(?P<month>[\d.…]*)\s*năm\s*"
    r"|(?P<nday>\d{1,2})\s*/\s*(?P<nmonth>\d{1,2})\s*/\s*)(?P<year>\d{4})",
    re.IGNORECASE,
)


def find_place_and_date(lines):
    """("Móng Cái 3", "2025-12-10") from "Móng Cái 3, ngày 10 tháng 12 năm 2025"; a year alone -> "2026"; the
    year may stand on the next line (a PDF's header broke the line after "năm")."""
    lines = list(lines)
    for index, line in enumerate(lines):
        if re.search(r"\bnăm\s*$", line) and index + 1 < len(lines) and re.match(r"\s*\d{4}\b", lines[index + 1]):
            line = f"{line.rstrip()} {lines[index + 1].strip()}"
        match = _PLACE_DATE.search(line)
        if not match:
            continue
        place = match.group("place").strip()
        if re.search(rf"\bsố\b|{_DOC_KINDS}|Căn cứ|Thực hiện", place, re.IGNORECASE):
            continue  # "Thực hiện Nghị quyết số 71-NQ/TW, ngày 22/8/2025": a citation, not the place and date
        day = (match.group("day") or match.group("nday") or "").strip(".…")
        month = (match.group("month") or match.group("nmonth") or "").strip(".…")
        if day.isdigit() and month.isdigit():
            issued = parse_date(f"ngày {day} tháng {month} năm {match.group('year')}")
            if issued:
                return place, issued
        return place, match.group("year")
    return None, None


# ---------------------------------------------------------------------------------------------
# Issuer

_GENERIC_BODIES = {"ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "ĐẢNG ỦY", "ĐẢNG UỶ", "BAN THƯỜNG VỤ"}
_ENACTING = re.compile(
    r"^(?P<issuer>[^.;:]{3,120}?)\s+(?:xây dựng|ban hành|triển khai)\s+(?:Kế hoạch|Chương trình|Báo cáo|Đề án)"
)


def find_issuer(header, lines, cleaned):
    """The issuing body, from the header block, else the enacting sentence, else the signature block."""
    cells = [cell.strip() for line in header for cell in line.split("\t") if cell.strip()]
    cells = [cell for cell in cells if is_upper_line(cell) and not _MOTTO.search(cell)
             and not cell.upper().startswith("SỐ")]
    if cells:
        if cells[0].upper() in _GENERIC_BODIES and len(cells) > 1:
            name = f"{cells[0]} {cells[1]}"
        else:
            name = cells[-1]
        name = complete_place(normalize_body(name), cleaned)
        if len(cells) > 1 and _DEPARTMENT.match(name) and not _PLACED.search(name):
            # "UBND TỈNH QUẢNG NINH" / "SỞ GIÁO DỤC VÀ ĐÀO TẠO": the Sở of that province
            above = _PLACED.search(normalize_body(cells[-2]))
            if above:
                name = f"{name} {above.group(0).strip()}"
        return name
    for line in reversed(lines):
        match = _ENACTING.match(strip_bullet(line))
        if match:
            return complete_place(normalize_body(match.group("issuer")), cleaned)
    match = re.search(r"^TM\.\s*(.+)$", cleaned, re.MULTILINE)
    if match:
        return complete_place(normalize_body(match.group(1)), cleaned)
    return None


# A department whose own name says no place ("Sở Giáo dục và Đào tạo"), and the place a body's name ends with.
_DEPARTMENT = re.compile(r"^(?:Sở|Phòng)\s")
_PLACED = re.compile(rf"\s(?:{'|'.join(_UNIT_KINDS)})\s+[A-ZĐ].*$")


def normalize_body(name):
    """"UBND PHƯỜNG DƯƠNG KINH" or "UBND phường Dương Kinh" -> "Ủy ban nhân dân phường Dương Kinh"."""
    name = " ".join(name.split()).strip(" ,.;:-")
    if is_upper_line(name):
        name = _from_capitals(name)
    for pattern, replacement in _ABBREVIATIONS:
        name = re.sub(pattern, replacement, name)
    kinds = "|".join(kind.capitalize() for kind in _UNIT_KINDS)
    # "Ủy ban nhân dân Thành phố Hải Phòng": a kind of unit after the body's name is lower case.
    name = re.sub(rf"(?<=\S )({kinds})(?= [A-ZĐ])", lambda m: m.group(1).lower(), name)
    return " ".join(name.split())


# A Vietnamese syllable; a word in capitals that is none ("UBND", "THCS", "GDĐT") is an acronym.
_VOWELS = "aăâeêioôơuưyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ"
_SYLLABLE = re.compile(rf"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[{_VOWELS}]+(?:ch|ng|nh|[cmnpt])?$")


# The names and kinds as words in capitals, longest first: the first that the words of a name start with is
# read as one. Compared word by word, so that a long name is not put in capitals again for each word.
_CAPITAL_PHRASES = [(phrase, tuple(phrase.upper().split())) for phrase in sorted(_PHRASES, key=len, reverse=True)]
_CAPITAL_PHRASES += [(kind, tuple(kind.upper().split())) for kind in sorted(_UNIT_KINDS, key=len, reverse=True)]


def _from_capitals(name):
    """ "ỦY BAN NHÂN DÂN PHƯỜNG DƯƠNG KINH" -> "Ủy ban nhân dân phường Dương Kinh" (``name`` single-spaced)."""
    words = name.split(" ")
    upper = [word.upper() for word in words]
    result, index = [], 0
    while index < len(words):
        for phrase, phrase_words in _CAPITAL_PHRASES:
            if tuple(upper[index:index + len(phrase_words)]) == phrase_words:
                result.append(phrase)
                index += len(phrase_words)
                break
        else:
            word = words[index]
            result.append(word.capitalize() if _SYLLABLE.match(word.lower()) else word)
            index += 1
    return " ".join(result)


def complete_place(name, cleaned, places=None):
    """"Ủy ban nhân dân phường" -> "... phường Dương Kinh", taking the name the text uses most often.

    ``places``: a dict that keeps what ``most_common_place`` found in ``cleaned``, for the many names of one text.
    """
    if not name:
        return name
    places = {} if places is None else places
    for kind in _UNIT_KINDS:
        if name.lower().endswith(" " + kind) or name.lower() == kind:
            if kind not in places:
                places[kind] = most_common_place(kind, cleaned)
            return f"{name} {places[kind]}" if places[kind] else name
    return name


def most_common_place(kind, text):
    pattern = rf"\b(?i:{kind})\s+((?:[A-ZĐ][^\s,;.():“”\"]*)(?:\s+[A-ZĐ][^\s,;.():“”\"]*){{0,3}})"
    counts = Counter(match.group(1) for match in re.finditer(pattern, text))
    return counts.most_common(1)[0][0] if counts else None


# ---------------------------------------------------------------------------------------------
# Signer


_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}$")
# A closing whose two columns arrive as one line (a PDF's closing table, a text aligned with spaces): the signature
# block's lines end the recipients' lines: "Nơi nhận: HIỆU TRƯỞNG", "- Ban Thường vụ Tỉnh ủy (b/c), BÍ THƯ",
# "- Lưu: VT. Đặng Thị Mai Phương".
_RECIPIENTS_HEAD = re.compile(r"^Nơi nhận\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_TRAILING_WORDS = re.compile(r"(?<=[.,;:)])\s+(?P<words>[^\s.,;:()][^.,;:()]*)$")


def _joined_closing(tail):
    """(title, name) from a closing whose right column was joined onto the recipients' lines, or None."""
    start = next((index for index in range(len(tail) - 1, -1, -1) if _RECIPIENTS_HEAD.match(tail[index].strip())),
                 None)
    if start is None or any("\t" in line for line in tail[start:]):
        return None
    first = _RECIPIENTS_HEAD.match(tail[start].strip()).group("rest").strip()
    titles = [first] if first and is_upper_line(first) else []
    name = None
    for line in tail[start + 1:]:
        text = line.strip()
        if not text:
            continue
        if not re.match(r"^[-+•]", text):
            if is_upper_line(text):
                # The signature block stands on lines of its own ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"): the
                # recipients' lines are recipients only, read by the ordinary rule below.
                return None
            name = name or (text if _NAME.match(_fold_vietnamese_case(text)) else None)
            continue
        trailing = _TRAILING_WORDS.search(text)
        if not trailing:
            continue
        words = trailing.group("words").strip()
        # A title is two words or more ("HIỆU TRƯỞNG", "BÍ THƯ"); one capitalised word after a comma is the last
        # recipient of a list ("- Lưu: VT, VHXH", "- Thường trực Đảng ủy, HĐND, UBND").
        if is_upper_line(words) and len(words.split()) > 1:
            titles.append(words)
        elif _NAME.match(_fold_vietnamese_case(words)):
            name = name or words
    return (" / ".join(titles), name) if titles and name else None


def find_signer(cleaned):
    """(signer title, signer name): the name under the capitalised lines that close the document."""
    lines = cleaned.split("\n")
    tail = lines[-25:]
    joined = _joined_closing(tail)
    if joined:
        return joined
    for position in range(len(tail) - 1, -1, -1):
        candidate = tail[position].split("\t")[-1].strip()
        if not _NAME.match(_fold_vietnamese_case(candidate)):
            continue
        titles = []
        for line in reversed(tail[:position]):
            text = line.split("\t")[-1].strip()
            if re.fullmatch(r"\(.*\)|\[.*\]", text) or not text:
                continue
            if "\t" not in line and re.match(r"^[-+•]\s*", text):
                continue  # "- Lưu: VT.": the recipients list, left of a signature aligned with tabs
            if text.upper().startswith("NƠI NHẬN") and "\t" not in line:
                break
            if not is_upper_line(text) or text.upper().startswith("NƠI NHẬN"):
                break
            titles.append(text)
        if titles:
            return " / ".join(reversed(titles)), candidate
    return None, None


def _fold_vietnamese_case(text):
    # The regex's ranges cover precomposed Vietnamese letters only partly; fold to a testable shape.
    return "".join(("A" if char.isupper() else "a") if char.isalpha() else char for char in text)


# ---------------------------------------------------------------------------------------------
# Parents: the documents cited as the plan's basis

_DOC_KINDS = (r"Nghị quyết|Chương trình hành động|Chương trình|Kế hoạch|Công văn|Quyết định|Chỉ thị|"
              r"Thông báo|Kết luận|Đề án|Hướng dẫn|Thông tư|Nghị định|Luật|Văn bản")
_DOC_NUMBER = (r"\d+(?:\s*/\s*\d{4})?\s*[-/]\s*[A-ZĐ][A-ZĐa-zđ0-9&]*"
               r"(?:\s*[-/]\s*[A-ZĐ][A-ZĐa-zđ0-9&]*)*")
_CITATION = re.compile(rf"(?P<kind>{_DOC_KINDS})\s+(?:số\s*)?(?P<number>{_DOC_NUMBER})")
_ISSUER_END = re.compile(
    r"\s+(?:về|triển khai|thực hiện|phê duyệt|ban hành|hướng dẫn|quy định|tại|nhằm|đối với)\b|[,;(]|$"
    rf"|\s+(?:và|cùng)\s+(?=(?:{_DOC_KINDS})\b)"  # "của UBND tỉnh và Kế hoạch số …": the next citation
)
_MARKER = r"(?:[-+•]|\d{1,2}[.)]|[a-zđ][.)])"  # a bullet or an item's number ("1.", "a)")
_LEAD = re.compile(rf"^(?:{_MARKER}\s*)?(?:(?:Căn cứ|Thực hiện|Triển khai|Theo)\s+)?(?:và\s+)?", re.IGNORECASE)
# In the body a citation is a basis only after a verb that says so: "1. Thực hiện Kế hoạch số …", "Triển khai
# có hiệu quả Nghị quyết số …"; "báo cáo theo Công văn số …" is not.
_BODY_LEAD = re.compile(
    rf"^(?:{_MARKER}\s*)?(?:Căn cứ|Thực hiện|Triển khai(?:\s+thực hiện)?|Cụ thể hóa|Cụ thể hoá|Quán triệt)"
    r"(?:\s+(?:có\s+)?(?:hiệu quả|nghiêm túc|đầy đủ|kịp thời))?\s+",
    re.IGNORECASE,
)
# Between two citations of one list: the first one's date and issuer, then "và" or a comma.
_JOINED = re.compile(r"(?:,|\s(?:và|cùng))\s*$")
MAX_CITATION_GAP = 200  # characters from one citation of a list to the next: a date and an issuer


def normalize_number(number):
    """"102 /KH-UBND", "71- NQ/TW" -> "102/KH-UBND", "71-NQ/TW"."""
    return re.sub(r"\s+", "", number)


MAX_CITED = 100  # documents cited: a plan's basis cites a handful; a text citing thousands is not read for all


def find_parents(lines, cleaned, opening=()):
    """The documents the basis lines ("Căn cứ ...", "Thực hiện ...") cite, each once, in order: every citation
    a basis item starts with, and those joined to it ("Kế hoạch số … của … và Kế hoạch số …"); then those
    the first section's sentences introduce with a verb of implementing (``opening``)."""
    parents, seen = [], {}
    text = _Cited("\n".join(lines), cleaned)
    items = [_LEAD.sub("", item.strip()) for line in lines for item in re.split(r";\s*", line)]
    for line in opening:
        for item in re.split(r";\s*|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])", line):
            lead = _BODY_LEAD.match(item.strip())
            if lead:
                items.append(item.strip()[lead.end():])
    for item in items:
        for match in _citation_list(item):
            number = normalize_number(match.group("number"))
            if number not in seen and len(seen) >= MAX_CITED:
                continue
            parent = _parent(match, item, number, text)
            if number in seen:
                # A later citation of the same document may give what the first one left out.
                first = seen[number]
                for key, value in parent.items():
                    first[key] = first[key] or value
                continue
            seen[number] = parent
            parents.append(parent)
    return parents


def _citation_list(item):
    """The citation ``item`` starts with, and each one joined to the previous by "và" or a comma."""
    match = _CITATION.match(item)
    while match:
        yield match
        following = next((candidate for candidate in _CITATION.finditer(item, match.end())
                          if candidate.start() - match.end() <= MAX_CITATION_GAP), None)
        if following is None or not _JOINED.search(item[match.end():following.start()]):
            return
        match = following


class _Cited:
    """The texts a citation is completed from, with what was already looked up in them: the places by kind
    (in the basis lines), the issuer named after each number (in the whole text)."""

    def __init__(self, context, cleaned):
        self.context, self.cleaned = context, cleaned
        self.places, self.named = {}, {}

    def issuer_named_after(self, number):
        if number not in self.named:
            self.named[number] = _issuer_named_elsewhere(number, self.cleaned)
        return self.named[number]


def _parent(match, item, number, text):
    after = item[match.end():]
    # "của <issuer>" belongs to this document only before its subject ("về ...") begins.
    head = after[:re.search(r"\s+(?:về|thực hiện|triển khai|nhằm)\b|\(|$", after).start()]
    of = re.search(r"\bcủa\s+", head)
    issued = parse_date(after[:of.start()] if of else after[:60])
    issuer = None
    if of:
        rest = after[of.end():]
        issuer = rest[:_ISSUER_END.search(rest).start()]
    else:
        # "Nghị quyết số 06-NQ/ĐH ngày 12/8/2025, Nghị quyết Đại hội Đảng bộ phường ... lần thứ I"
        apposition = re.search(rf",\s*(?:{match.group('kind')})\s+(?!số)([^,;(]+)", after)
        issuer = apposition.group(1) if apposition else text.issuer_named_after(match.group("number"))
    if issuer:
        issuer = complete_place(normalize_body(issuer), text.context, text.places)
    return {"number": number, "issuer": issuer or None, "date": issued}


_NUMBER_PARTS = re.compile(r"(?:\s*[-/]?\s*[A-ZĐ]{2,}(?=[\s,;]))*")
_UNIT_NAMED = re.compile(rf"\s+((?:{'|'.join(_UNIT_KINDS)})\s+[A-ZĐ][^\s,;.()]*(?:\s+[A-ZĐ][^\s,;.()]*)*)")


def _issuer_named_elsewhere(number, cleaned):
    """"Kế hoạch số 102/ KH- UBND phường Nguyễn Đại Năng" names the issuer after the number."""
    digits = re.match(r"\d+", number).group(0)
    for match in re.finditer(rf"(?<!\d){digits}\s*[-/]\s*[^\s]*", cleaned):
        candidate = normalize_number(cleaned[match.start():match.end() + 12])
        if not candidate.startswith(normalize_number(number)):
            continue
        # The number may continue after spaces ("102/ KH- UBND"): skip its remaining parts. Both patterns
        # are matched in place: copying the rest of the text for each candidate took time in its square.
        following = _NUMBER_PARTS.match(cleaned, match.end()).end()
        unit = _UNIT_NAMED.match(cleaned, following)
        if unit:
            suffix = normalize_number(number).rsplit("-", 1)[-1]
            body = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}.get(suffix, "")
            return f"{body} {unit.group(1)}".strip()
    return None
