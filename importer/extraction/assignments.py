"""Task proposals: the "Nhiệm vụ, giải pháp" and "Tổ chức thực hiện" sections read as groups of tasks.

A plan lists its tasks under numbered groups ("1. Nâng cao nhận thức ..." then "- Quán triệt ...") and assigns
them to units in "Tổ chức thực hiện", either under a unit's own heading ("3. Phòng Văn hóa - Xã hội" then
bullets) or one item per unit ("1. Phòng Văn hóa - Xã hội: chủ trì, phối hợp với các trường ..."). Each task
gets its group, its text, the unit that leads it (chủ trì, as written), the units it names after "phối hợp
với", and a deadline when one is written ("trước ngày 31/12/2025", "trong quý I năm 2026", "hoàn thành trong
năm 2027", "… đến năm 2027." closing a sentence). A task leads itself when it says "<unit> chủ trì", when a
named unit opens it and acts ("Tổ Văn phòng cập nhật …"), or when the unit acts in the sentence after a heading of
its own ("1. Tăng cường sự lãnh đạo của cấp ủy. Các chi bộ tổ chức …"). Matching these names to the portal's units
is importer.matching's.
"""

import calendar
import re
from datetime import date

from .text import outline_events, strip_bullet

TASK, ASSIGNMENT = "task", "assignment"
MAX_TASKS = 400  # the sample plans hold 32 to 60; a plan with more is read up to here
LONG_TASK = 2000  # characters of one task's text kept (a task that runs on is cut, not refused)

_TASK_SECTION = re.compile(r"nhiệm vụ|giải pháp|nội dung", re.IGNORECASE)
_OBJECTIVES = re.compile(r"mục tiêu|chỉ tiêu", re.IGNORECASE)
_ASSIGNMENT_SECTION = re.compile(r"tổ chức thực hiện|phân công|trách nhiệm", re.IGNORECASE)
_MARKER = re.compile(r"^(?:(?:PHẦN|MỤC|Phần|Mục)\s+)?(?P<marker>[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*|[a-zđ])[.)]?\s+(?P<title>\S.*)$")
_BULLET = re.compile(r"^(?:[-+•*–]\s|[a-zđ]\)\s|\d+(?:\.\d+)*[.)]\s)")
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*[.)]|[a-zđ]\))\s+")
# The words after the unit that leads: "Phòng Văn hóa - Xã hội chủ trì, ...", "Hiệu trưởng chịu trách nhiệm ..."
_ROLE = re.compile(
    r"\s(?:là cơ quan|là đầu mối|chủ trì|chịu trách nhiệm|có trách nhiệm|lãnh đạo|chỉ đạo|phối hợp|xây dựng|"
    r"theo dõi|tham mưu|thực hiện|triển khai|hướng dẫn|tổ chức|quán triệt|giám sát|tuyên truyền|căn cứ|"
    r"kiểm tra|tăng cường|rà soát|bố trí|cụ thể hóa)\b",
    re.IGNORECASE,
)
# the words a unit's name starts with, in "Tổ chức thực hiện" ("Tham mưu cho UBND ..." names a task, not a unit)
# A kind word that starts a compound of its own is no unit: "Ban hành", "Phòng, chống", "Hội nghị", "Trường hợp".
_UNIT_HEAD = re.compile(
    r"(?:Các\s+|Mỗi\s+)?(?:Phòng(?!,?\s+(?:chống|ngừa|tránh)\b)|Ban(?!\s+hành\b)|Trung tâm|Ủy ban|UBND|HĐND|"
    r"Hội(?!\s+(?:nghị|thảo|thi|giảng|diễn)\b)|Đoàn(?!\s+kết\b)|Trạm|Công an|Văn phòng|Sở|Trường(?!\s+hợp\b)|"
    r"Tổ(?!\s+chức)|Chi bộ|Đảng ủy|Mặt trận|MTTQ|Liên đội|Liên đoàn|Hiệu trưởng|Phó Hiệu trưởng|Giáo viên|Cán bộ|"
    r"Nhân viên|Tổng phụ trách|Bộ phận|Cơ quan|cơ quan|phòng|đơn vị|Đơn vị|Cổng|Đài|Ngành|trường|Bí thư|Chủ tịch|"
    r"Giám đốc|Phó Giám đốc|Thủ trưởng|Người đứng đầu)\b"
    # "Các chi bộ", "Các tổ chuyên môn", "Các đoàn thể": the units of one kind, in small letters after "Các"
    r"|(?:Các|Mỗi)\s+(?:chi bộ|tổ(?!\s+chức)|đoàn thể|ban|hội|trung tâm|xã|phường|thôn|tổ dân phố)\b"
)
_REQUEST = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s+", re.IGNORECASE)
_REQUEST_LABEL = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s*:\s*", re.IGNORECASE)
# The units after "phối hợp (với)" run up to the first word in small letters that starts what they do ("tổ chức")
# or when ("trước", "trong"): case-sensitive, so that "Phòng Tổ chức cán bộ" keeps its name.
_COORDINATING = re.compile(
    r"\bphối hợp(?:\s+(?:với|cùng))?(?:\s*:)?\s+(?P<units>.+?)(?=\s+(?-i:để|tham mưu|triển khai|tổ chức|xây dựng|hướng dẫn|"
    r"theo dõi|tuyên truyền|kiểm tra|thực hiện|rà soát|lập|đề xuất|giám sát|chỉ đạo|vận động|huy động|bảo đảm|"
    r"đảm bảo|tham gia|trong|thẩm định|báo cáo|trước|đến|nhằm|hoàn thành)\b|[;.:(]|$)",
    re.IGNORECASE,
)
# What a unit does, in small letters after its name ("Trạm Y tế phường khám sức khỏe cho trẻ"): the name stops
# there, once its kind ("Trạm") has at least one word of name after it ("Ban quản lý dự án", "Bộ phận tiếp nhận
# và trả kết quả" keep theirs).
_ACTION = re.compile(
    r"(?:khám|tiêm|chăm sóc|bồi dưỡng|tập huấn|hỗ trợ|cung cấp|xử lý|nắm bắt|điều tra|thống kê|đánh giá|"
    r"giải quyết|tiếp nhận|nâng cao|đẩy mạnh|quản lý|khai thác|quan tâm|ban hành|phát động|duy trì|củng cố|"
    r"cập nhật|sửa chữa|mua sắm|trang bị|kiện toàn|thông tin|cấp|bố trí|phân công|đôn đốc|tổng hợp|sơ kết|"
    r"tổng kết|vận hành|bảo vệ|phòng chống|tư vấn|giới thiệu|tiếp tục|chủ động|tích cực|thường xuyên)\b"
)
# a comma or "và" separates two units only before the first word of a unit's name: "Trung tâm Văn hóa, Thể thao
# và Truyền thông" is one unit
_UNIT_START = re.compile(
    r"(?:,\s+|\s+và\s+)(?=(?:Phòng|Trung tâm|Ban|Ủy ban|UBND|Hội|Đoàn|Trạm|Công an|Văn phòng|Sở|Trường|Tổ(?!\s+chức)|"
    r"Chi bộ|Đảng ủy|Mặt trận|MTTQ|Liên đoàn|Cổng|Đài|các|Các|cơ quan|đơn vị|giáo viên|nhà trường)\b)"
)
_NOT_A_UNIT = re.compile(r"^(?:các cơ quan, đơn vị có liên quan|các đơn vị liên quan|các cơ quan liên quan)$",
                         re.IGNORECASE)
_YEARLY = re.compile(r"^\s*(?:hằng|hàng)\s+(?:năm|quý|tháng)", re.IGNORECASE)
_DUE_DATE = re.compile(r"\b(?:trước|đến|chậm nhất|trong|vào)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})")
# "từ tháng 9/2025 đến tháng 01/2026" ends with its last month
_DUE_MONTH = re.compile(r"\b(?P<when>trước|trong|vào|đến|hết|chậm nhất)\s+tháng\s+(\d{1,2})(?:/|\s+năm\s+)(\d{4})",
                        re.IGNORECASE)
# "đến tháng" is a deadline where it ends a span ("từ tháng 9 đến tháng 12/2026") or what is to be done ("hoàn thành
# đến tháng 6/2026"); elsewhere it dates a state ("Căn cứ kết quả rà soát đến tháng 9/2025", "Tính đến tháng …")
_UNTIL_MONTH_AFTER = re.compile(r"(?:\btừ\s+tháng\s+\d{1,2}(?:\s*/\s*\d{4})?|\b(?:hoàn thành|hoàn tất|xong|kết thúc|"
                                r"thực hiện|triển khai|duy trì))\s*(?:[^\s,.;]+\s+){0,4}$", re.IGNORECASE)
_DUE_QUARTER = re.compile(r"\b(?:trước|trong|vào)\s+(?:cuối\s+)?quý\s+(I{1,3}|IV|[1-4])(?:\s+năm\s+|\s*/\s*)(\d{4})",
                          re.IGNORECASE)
# "trong 6 tháng đầu năm 2026" ends on 30/6, "6 tháng cuối năm 2026" on 31/12
_DUE_HALF = re.compile(r"\b(?:trước|trong|vào|hoàn thành)\s+(?:0?6\s+tháng|nửa)\s+(đầu|cuối)\s+năm\s+(\d{4})",
                       re.IGNORECASE)
# a school year ends on 31/5 ("trong năm học 2026-2027", "cuối năm học …"); "trước năm học 2026-2027" is before it
# starts (31/8 of its first year)
_DUE_SCHOOL_YEAR = re.compile(r"\b(?P<when>trước|trong|vào)\s+(?P<end>cuối\s+)?năm học\s+(?P<first>\d{4})\s*[-–]\s*"
                              r"(?P<last>\d{4})", re.IGNORECASE)
# a semester of a school year: term I ends in January of its second year, term II on 31/5
_DUE_TERM = re.compile(r"\b(?P<when>trước|trong|vào|đến|hết|hoàn thành)\s+(?P<end>cuối\s+|hết\s+)?học kỳ\s+(?P<term>II|I|2|1)\s+"
                       r"(?:của\s+)?năm học\s+\d{4}\s*[-–]\s*(?P<last>\d{4})", re.IGNORECASE)
# a deadline written as a label at the end of a task: "…; thời gian hoàn thành: Quý I/2026.", "thời hạn: tháng 6/2026"
_DUE_LABEL = re.compile(r"(?:^|[.;,]\s*)(?:thời gian|thời hạn|tiến độ)(?:\s+(?:hoàn thành|thực hiện))?\s*:\s*"
                        r"(?P<when>[^;.]+)", re.IGNORECASE)
# not "trong năm 2026 - 2030", a period; "đến năm 2027" only where a sentence ends ("… chi bộ độc lập đến năm
# 2027."), not in the name of a programme ("Đề án … đến năm 2030, tầm nhìn …") nor after "tầm nhìn"
_DUE_YEAR = re.compile(r"\b(?:hoàn thành\s+)?(?:trước|trong|vào)\s+(?:cuối\s+)?năm\s+(\d{4})(?!\s*[-–]\s*\d)"
                       r"|(?<!tầm nhìn )\bđến\s+(?:hết\s+|cuối\s+)?năm\s+(\d{4})(?=\s*(?:[.;]\s|[.;]?\s*$))",
                       re.IGNORECASE)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def section_kind(heading):
    """TASK, ASSIGNMENT or None for a top-level heading."""
    if _ASSIGNMENT_SECTION.search(heading):
        return ASSIGNMENT
    if _TASK_SECTION.search(heading) and not _OBJECTIVES.search(heading):
        return TASK
    return None


def due_date(text):
    """The deadline a task's text states, as an ISO date, or None (also for a yearly one: "trước ngày 15/12
    hằng năm" recurs, it is not one deadline)."""
    for label in _DUE_LABEL.finditer(text):
        due = cell_due(label.group("when"))
        if due:
            return due
    for pattern in (_DUE_DATE, _DUE_MONTH, _DUE_QUARTER, _DUE_HALF, _DUE_TERM, _DUE_SCHOOL_YEAR, _DUE_YEAR):
        for match in pattern.finditer(text):
            if _YEARLY.match(text, match.end()):
                continue
            try:
                if pattern is _DUE_DATE:
                    day, month, year = (int(group) for group in match.groups())
                    return date(year, month, day).isoformat()
                if pattern is _DUE_MONTH:
                    if match.group("when").lower() == "đến" and not _UNTIL_MONTH_AFTER.search(text[:match.start()]):
                        continue
                    month, year = int(match.group(2)), int(match.group(3))
                    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
                if pattern is _DUE_QUARTER:
                    month = _QUARTERS[match.group(1).upper()] * 3
                    year = int(match.group(2))
                    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
                if pattern is _DUE_HALF:
                    return date(int(match.group(2)), 6 if match.group(1).lower() == "đầu" else 12,
                                30 if match.group(1).lower() == "đầu" else 31).isoformat()
                if pattern is _DUE_TERM:
                    last = int(match.group("last"))
                    if match.group("when").lower() == "trước" and not match.group("end"):
                        # before a term is before it starts: term I starts with the school year, term II after January
                        return (date(last - 1, 8, 31) if match.group("term") in ("I", "i", "1")
                                else date(last, 1, 31)).isoformat()
                    return (date(last, 1, 31) if match.group("term") in ("I", "i", "1") else date(last, 5, 31)).isoformat()
                if pattern is _DUE_SCHOOL_YEAR:
                    if match.group("when").lower() == "trước" and not match.group("end"):
                        return date(int(match.group("first")), 8, 31).isoformat()
                    return date(int(match.group("last")), 5, 31).isoformat()
                return date(int(match.group(1) or match.group(2)), 12, 31).isoformat()
            except ValueError:
                continue
    return None


def cell_due(cell):
    """The deadline a table's time column gives: the cell is a time alone ("Quý II/2026", "Tháng 02/2026",
    "Năm học 2026-2027", "Trước 30/3/2026"), read as if "trong" stood before it; "Thường xuyên" gives None."""
    cell = " ".join(cell.split())
    if not cell:
        return None
    cell = cell[:1].lower() + cell[1:]
    return due_date(cell) or due_date(f"trong {cell}") or due_date(f"hoàn thành {cell}")  # "Đến tháng 6/2026"


def _unit_name(text):
    """``text`` up to what the unit it names does: "Trạm Y tế phường" of "Trạm Y tế phường khám sức khỏe"."""
    kind = _UNIT_HEAD.match(text) or re.match(r"(?:các|mỗi|những)\s+\S+|giáo viên|nhân viên|cán bộ", text,
                                               re.IGNORECASE)
    if not kind:
        return text
    rest = text[kind.end():]
    for word in re.finditer(r"\S+", rest):
        if word.start() > 0 and rest[:word.start()].strip() and _ACTION.match(rest, word.start()):
            return (text[:kind.end()] + rest[:word.start()]).strip(" ,")
    return text


def coordinating_units(text, lead=""):
    """The names after "phối hợp với" ("Phòng Kinh tế, Hạ tầng và Đô thị" stays one name: a comma is a
    separator only before a word in capitals)."""
    names = []
    for match in _COORDINATING.finditer(text):
        for part in _UNIT_START.split(match.group("units")):
            name = _unit_name(part.strip(" ,"))
            if name and len(name.split()) <= 14 and not _NOT_A_UNIT.match(name) and name != lead:
                names.append(name)
    return list(dict.fromkeys(names))


def subject(text):
    """The unit a line names before its role ("Phòng Văn hóa - Xã hội là cơ quan thường trực, ..."), or ""."""
    text = _REQUEST.sub("", text)
    role = _ROLE.search(text)
    if not role:
        return ""
    name = text[:role.start()].strip(" ,:;")
    if not _UNIT_HEAD.match(name) or len(name.split()) > 14:
        return ""
    return name


# a task that names who leads it in its own words: "Phòng Văn hóa - Xã hội chủ trì, phối hợp với các trường …"
_CHAIRS = re.compile(r"\s(?:là cơ quan chủ trì|là đơn vị chủ trì|chủ trì)\b", re.IGNORECASE)


def stated_lead(text):
    """The unit a task line says leads it ("<unit> chủ trì, …"), or "": only "chủ trì" itself, the one word that
    says so whatever the unit ("Các trường học tổ chức …" names no lead; a named unit that opens a task does, see
    ``task_lead``)."""
    text = _REQUEST.sub("", text)
    chairs = _CHAIRS.search(text)
    if not chairs:
        return ""
    name = text[:chairs.start()].strip(" ,:;")
    return name if _UNIT_HEAD.match(name) and len(name.split()) <= 14 else ""


# What a unit does, in small letters right after its name ("Tổ Văn phòng cập nhật …", "Các chi bộ tổ chức …")
_DOES = re.compile(
    r"(?:chủ trì|chịu trách nhiệm|có trách nhiệm|lãnh đạo|chỉ đạo|phối hợp|xây dựng|theo dõi|tham mưu|thực hiện|"
    r"triển khai|hướng dẫn|tổ chức|quán triệt|giám sát|tuyên truyền|căn cứ|kiểm tra|tăng cường|rà soát|vận động|"
    r"đề xuất|báo cáo|lập|huy động|bảo đảm|đảm bảo|tham gia|rà soát|phổ biến|chuẩn bị|nghiên cứu|"
    r"khám|tiêm|chăm sóc|bồi dưỡng|tập huấn|hỗ trợ|cung cấp|xử lý|nắm bắt|điều tra|thống kê|đánh giá|"
    r"giải quyết|tiếp nhận|nâng cao|đẩy mạnh|quản lý|khai thác|quan tâm|ban hành|phát động|duy trì|củng cố|"
    r"cập nhật|sửa chữa|mua sắm|trang bị|kiện toàn|thông tin|cấp|bố trí|phân công|đôn đốc|tổng hợp|sơ kết|"
    r"tổng kết|vận hành|bảo vệ|phòng chống|tư vấn|giới thiệu|tiếp tục|chủ động|tích cực|thường xuyên)\b"
)
_PLACE = re.compile(r"(?:xã|phường|thị trấn|thị xã|huyện|quận|tỉnh|thành phố)\b")
# A unit's own name after its kind: a word in capitals ("Tổ Văn phòng", "Trạm Y tế"), "nhân dân" (Ủy ban nhân dân
# …) or a place ("Công an xã"); "Các trường học", "Giáo viên chủ nhiệm" name every unit of a kind, not one.
_NAMED = re.compile(r"\s*(?:nhân dân\b|" + _PLACE.pattern + ")")


def _named(rest):
    first = rest.split(maxsplit=1)[:1]
    return bool(first) and (first[0][:1].isupper() or bool(_NAMED.match(rest)))


_LONG_NAME = 20  # words: "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các đoàn thể chính trị - xã hội" has 16


def opening_unit(text, *, every=False):
    """The unit a line opens with, up to the first thing it does in small letters: "Tổ Văn phòng" of "Tổ Văn
    phòng cập nhật dữ liệu …", "Trung tâm Dịch vụ tổng hợp xã" of "… xã hỗ trợ các trường" (a verb followed by
    a place and another verb belongs to the name). A unit without a name of its own ("Các chi bộ", "Giáo viên")
    only when ``every``."""
    text = _REQUEST.sub("", text)
    kind = _UNIT_HEAD.match(text)
    if not kind or text.startswith(("Các ", "Mỗi ", "cơ quan", "phòng", "đơn vị", "trường")) and not every:
        return ""
    rest = text[kind.end():]
    if not every and not _named(rest):
        return ""
    words = list(re.finditer(r"\S+", rest))[:_LONG_NAME]
    for index, word in enumerate(words):
        if not _DOES.match(rest, word.start()) or index and words[index - 1].group() in ("các", "những", "và"):
            continue  # "Ủy ban … và các tổ chức chính trị - xã hội": "tổ chức" after "các" is what is named
        following = words[index + 1:]
        place = next((n for n, after in enumerate(following) if _PLACE.match(rest, after.start())), None)
        if place is not None and place <= 2 and place + 1 < len(following) \
                and _DOES.match(rest, following[place + 1].start()):
            continue  # "Dịch vụ tổng hợp xã hỗ trợ": "tổng hợp" is the name's
        name = (text[:kind.end()] + rest[:word.start()]).strip(" ,")
        return "" if "." in rest[:word.start()] else name
    return ""


# A numbered item that opens with a heading of its own before the unit that acts: "1. Tăng cường sự lãnh đạo của
# cấp ủy. Các chi bộ tổ chức quán triệt …"
_HEADING_SENTENCE = re.compile(r"^(?P<head>[^.;:!?\d]{3,120}?)\.\s+(?P<rest>\S.*)$", re.DOTALL)


def after_heading_sentence(text):
    """The sentence after a heading-like first sentence (a few words, no figure), or ""."""
    match = _HEADING_SENTENCE.match(text)
    if not match or len(match.group("head").split()) > 14 or not match.group("rest")[:1].isupper():
        return ""
    return match.group("rest")


# A lead written as a label, mostly at a task's end: "Cơ quan chủ trì: Sở Nội vụ; cơ quan phối hợp: …", "Người phụ
# trách: Tổ trưởng chuyên môn.", "Chủ trì: Công an xã"; "Giao: Văn phòng Sở chủ trì; phối hợp: …". The name runs to the
# next ";" or ".", or to a comma before the next label.
# A bare "Chủ trì:" labels a lead where a sentence starts; after a comma it says who chairs a meeting ("Tổ chức hội
# nghị sơ kết, chủ trì: đồng chí Chủ tịch …"). A dot after an abbreviation ("UBND TP. Hải Phòng") does not end the name.
_ABBREVIATION = r"\b(?:TP|Tp|TX|TT)"
_LEAD_LABEL = re.compile(
    r"(?:(?:^|[.;,]\s*)(?:cơ quan|đơn vị|bộ phận|người|cá nhân|cán bộ)\s+(?:chủ trì|phụ trách|thực hiện|chịu trách nhiệm)"
    r"|(?:^|[.;]\s*)(?:chủ trì|phụ trách))\s*:\s*"
    r"(?P<unit>(?:[^;.:]|(?<=" + _ABBREVIATION + r")\.(?=\s*[A-ZĐ]))+?)"
    r"(?=\s*(?:[;:]|\.(?:(?<!" + _ABBREVIATION + r"\.)|(?!\s*[A-ZĐ])))"
    r"|,\s*(?:thời gian|thời hạn|tiến độ|hoàn thành|cơ quan|đơn vị|phối hợp)\b|$)"
    r"|(?:^|[.;]\s*)giao\s*:\s*(?P<given>[^;.:]+?)(?P<role>\s+(?:chủ trì|thực hiện|phụ trách)\b|(?=\s*[;.]|$))",
    re.IGNORECASE,
)


def labelled_lead(text):
    """The unit a label names as the lead ("Đơn vị chủ trì: Sở Nội vụ; …", "Giao: Văn phòng Sở chủ trì"), or "".
    After "Giao:" a unit: one that a role verb follows, or a unit's name ("Giao: hằng tháng, bộ phận văn thư cập
    nhật." names when, not who)."""
    for match in _LEAD_LABEL.finditer(text):
        name = (match.group("unit") or match.group("given") or "").strip(" ,")
        if match.group("given"):
            named = name[:1].upper() + name[1:]
            if match.group("role").strip():
                name = name if _UNIT_HEAD.match(named) or re.match(r"(?:các|mỗi|những)\s", name, re.IGNORECASE) else ""
            else:
                name = opening_unit(named, every=True) and name[:len(opening_unit(named, every=True))]
        if name.lower().startswith("đồng chí "):
            continue  # a person who chairs, not a unit that leads
        if name and len(name.split()) <= 14:
            return name
    return ""


# "Đảng ủy giao Ủy ban nhân dân xã xây dựng …": the unit given the task leads it, not the one that gives it
_GIVES = re.compile(r"\s(?:giao(?:\s+cho)?|đề nghị|yêu cầu)\s+(?=\S)")


def _given(name):
    parts = _GIVES.split(name, maxsplit=1)
    return parts[1] if len(parts) == 2 and _UNIT_HEAD.match(parts[1]) else name


def task_lead(text):
    """The unit a task line names as its lead: "<unit> chủ trì"; a named unit that opens the line and acts
    ("Tổ Văn phòng cập nhật …"); the unit that acts in the sentence after a heading-like one ("Tăng cường sự lãnh
    đạo của cấp ủy. Các chi bộ tổ chức …"); else ""."""
    lead = labelled_lead(text) or stated_lead(text) or _given(opening_unit(text))
    if lead:
        return lead
    rest = after_heading_sentence(text)
    return (stated_lead(rest) or opening_unit(rest, every=True)) if rest else ""


# The header of a task table, cell by cell ("TT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian
# hoàn thành"), in the order asked: "Thời gian thực hiện" is the time, "Đơn vị phối hợp thực hiện" coordinates.
_COLUMNS = (
    ("due", re.compile(r"thời gian|thời hạn|tiến độ|hoàn thành|lộ trình", re.IGNORECASE)),
    ("coordinating", re.compile(r"phối hợp", re.IGNORECASE)),
    ("lead", re.compile(r"chủ trì|phụ trách|trách nhiệm|thực hiện", re.IGNORECASE)),
    ("text", re.compile(r"nội dung|nhiệm vụ|công việc|hoạt động|giải pháp", re.IGNORECASE)),
)
_GROUP_ROW = re.compile(r"^(?:[IVXLC]+|[A-ZĐ])[.)]?$")


def table_columns(cells):
    """{"text": 1, "lead": 2, "coordinating": 3, "due": 4} for the header row of a task table, or None: a table
    is one of tasks when its header names what is done and who leads or joins it."""
    columns = {}
    for index, cell in enumerate(cells):
        for name, words in _COLUMNS:
            if words.search(cell) and len(cell.split()) <= 8:
                columns.setdefault(name, index)
                break
    if "text" in columns and ("lead" in columns or "coordinating" in columns):
        return columns
    return None


# In a cell whose lines were joined by a space ("Phòng Kế hoạch - Tài chính Các trường THPT"), a unit's name starts
# at a capitalised unit word after a word in small letters.
_CELL_UNIT_START = re.compile(
    r"(?<=\w)\s+(?=(?:Các|Mỗi|Phòng|Trung tâm|Trạm|Trường|Sở|Ban|Hội|Đoàn|Công an|Văn phòng|Ủy ban|UBND|Tổ(?!\s+chức)|"
    r"Bộ phận|Giáo viên|Nhân viên|Hiệu trưởng|Phó Hiệu trưởng)\b)"
)


def _split_joined(part):
    pieces, start = [], 0
    for match in _CELL_UNIT_START.finditer(part):
        before = part[:match.start()].split()[-1]
        if before.islower() and not before.endswith(("-", "–")):
            pieces.append(part[start:match.start()])
            start = match.end()
    return [*pieces, part[start:]]


def cell_units(cell, lead=""):
    """The units one table cell lists, one a line or separated by ";" ("Sở Nội vụ; Sở Tài chính"), or by a comma
    or "và" before a unit's name."""
    names = []
    for part in (piece for line in re.split(r"\s*[;\n]\s*", cell) for piece in _split_joined(line)):
        for name in _UNIT_START.split(part):
            name = " ".join(name.split()).strip(" ,.")
            if name and len(name.split()) <= 14 and not _NOT_A_UNIT.match(name) and name != lead:
                names.append(name)
    return list(dict.fromkeys(names))


# the words of a heading that names a topic of "Tổ chức thực hiện", not a unit: "Chế độ báo cáo", "Kinh phí thực
# hiện", "Phân công nhiệm vụ cụ thể", "Kiểm tra, giám sát"
_TOPIC = re.compile(
    r"^(?:chế độ|kinh phí|nguồn|báo cáo|thông tin|phân công|nhiệm vụ|trách nhiệm|kiểm tra|giám sát|thanh tra|"
    r"khen thưởng|thi đua|tiến độ|thời gian|lộ trình|tổ chức|chỉ đạo|sơ kết|tổng kết|đánh giá|điều khoản|"
    r"hiệu lực|công tác|nội dung|giải pháp|cơ chế|chính sách|phương thức|quy định|yêu cầu|mục tiêu)\b",
    re.IGNORECASE,
)


def names_unit(heading):
    """Whether a heading of "Tổ chức thực hiện" names a unit that leads the tasks under it ("Phòng Văn hóa - Xã
    hội", "Kế toán"), not a topic ("Chế độ báo cáo", "Kinh phí")."""
    heading = heading.strip(" .:")
    return bool(heading) and (bool(_UNIT_HEAD.match(heading)) or not _TOPIC.match(heading))


def _path_number(headings):
    """"1", "3.3.a": the markers of the headings below the section, a dotted one standing for its parents."""
    parts = []
    for heading in headings:
        marker, _ = _title(heading)
        if parts and marker.startswith(f"{parts[-1]}."):
            parts[-1] = marker
        elif marker:
            parts.append(marker)
    return ".".join(parts)


def _title(heading):
    match = _MARKER.match(heading)
    return (match.group("marker"), match.group("title").strip(" .:")) if match else ("", heading.strip(" .:"))


def _acting_unit(clause):
    clause = clause[:1].upper() + clause[1:]
    return subject(clause) or opening_unit(clause, every=True)


def duties(text, lead):
    """[(clause, its unit)]: a paragraph of "Tổ chức thực hiện" that gives several units their duty in turn ("Hiệu
    trưởng chịu trách nhiệm chung; Phó Hiệu trưởng kiểm tra …; các tổ chuyên môn xây dựng kế hoạch …") is a task
    per unit; a clause that names no unit of its own continues the one before. A paragraph of one unit is itself."""
    clauses = re.split(r"(?<=[;.])\s+", text)
    first = _acting_unit(clauses[0])
    if len(clauses) < 2 or not first:
        return [(text, lead)]
    # the first clause's own unit, not one a later clause names ("Hội Khuyến học vận động …. Ban đại diện … giám sát.")
    pieces = [[clauses[0], lead if lead.lower() in clauses[0].lower() else _given(first)]]
    for clause in clauses[1:]:
        unit = _acting_unit(_REQUEST_LABEL.sub("", clause))  # "… thực hiện. Giao: Phòng Văn hóa - Xã hội tổng hợp …"
        # a unit of a duty has a name ("Cổng" of "Cổng thông tin điện tử … đăng tải" is a kind word alone) and is
        # not any unit at all ("Đơn vị nào không hoàn thành sẽ bị phê bình": a sanction, no duty)
        if unit and len(unit.split()) > 1 and not re.search(r"\bnào\b", unit, re.IGNORECASE):
            pieces.append([clause, unit])
        else:
            pieces[-1][0] = f"{pieces[-1][0]} {clause}"
    return [(text, lead)] if len(pieces) == 1 else [(piece, unit) for piece, unit in pieces]


class _Reader:
    """The groups of one plan being read, line by line."""

    def __init__(self):
        self.groups = []
        self.count = 0
        self.section = None  # (kind, number, title)
        self.group = None  # the group the next line's task goes to
        self.skipping = False  # under an objectives heading inside a task section ("2. Mục tiêu ...")
        self.task_open = False  # an unbulleted line continues the task above
        self.table = None  # the columns of the task table being read
        self.table_home, self.table_parent = None, ""  # the group the table stands in, and its number

    def full(self):
        return self.count >= MAX_TASKS

    def start_section(self, heading):
        number, title = _title(heading)
        kind = section_kind(heading)
        self.section = (kind, number, title) if kind else None
        self.group, self.task_open, self.skipping, self.table = None, False, False, None

    def new_group(self, number, title, lead_text="", from_heading=False):
        kind, section_number, _ = self.section
        if section_number and number and not number.startswith(f"{section_number}."):
            number = f"{section_number}.{number}"  # "III" and "1"; "3" and "3.1" is "3.1" already
        self.group = {"number": number or section_number,
                      "title": title[:500], "kind": kind, "lead_text": lead_text[:255], "from_heading": from_heading,
                      "tasks": []}
        self.groups.append(self.group)
        self.task_open = False
        return self.group

    def section_group(self):
        """The group of the section itself, for lines that stand directly under it."""
        kind, number, title = self.section
        for group in self.groups:
            if group["number"] == number and group["title"] == title[:500]:
                self.group = group
                return group
        return self.new_group("", title)

    def add_task(self, text, lead_text=""):
        group = self.group or self.section_group()
        lead = lead_text or group["lead_text"]
        text = text[:1].upper() + text[1:]
        group["tasks"].append({"number": str(len(group["tasks"]) + 1), "text": text[:LONG_TASK],
                               "lead_text": lead[:255], "coordinating_texts": coordinating_units(text, lead),
                               "due": due_date(text)})
        self.count += 1
        self.task_open = True

    def heading(self, line):
        kind, _, _ = self.section
        self.table = None
        _, title = _title(line.text)
        number = _path_number(line.headings[1:])
        self.skipping = kind == TASK and any(_OBJECTIVES.search(heading) for heading in line.headings[1:])
        if self.skipping:
            self.group, self.task_open = None, False
            return
        if kind == ASSIGNMENT:
            name = _REQUEST.sub("", title)
            self.new_group(number, title, name if names_unit(name) else "", from_heading=True)
        else:
            self.new_group(number, title, from_heading=True)

    def table_row(self, text):
        """A row of a task table: its header sets the columns; each row below is one task, led by the unit of
        its "chủ trì" column. Whether the line was one."""
        cells = [cell.strip() for cell in text.split("\t")]
        columns = table_columns(cells)
        if columns:
            tasks = self.group["tasks"] if self.group else []
            if self.table is None and self.task_open and tasks and tasks[-1]["text"].endswith(":"):
                tasks.pop()  # "Các nhiệm vụ được phân công tại bảng sau:" introduces the table, it is no task
                self.count -= 1
            if self.table is None:
                self.table_home = self.group
                self.table_parent = self.group["number"] if self.group else self.section[1]
            self.table, self.task_open = columns, False
            return True
        if self.table is None:
            return False
        cell = dict.fromkeys(("text", "lead", "coordinating", "due"), "")
        for name, index in self.table.items():
            cell[name] = cells[index] if index < len(cells) else ""
        body = strip_bullet(cell["text"])
        if not body:
            return True
        number = next((value for index, value in enumerate(cells) if value and index not in self.table.values()), "")
        if _GROUP_ROW.match(number) and not (cell["lead"] or cell["coordinating"] or cell["due"]):
            # "B | Nhóm nhiệm vụ về đội ngũ | | |": the rows below are its tasks
            self.new_group(f"{self.table_parent}.{number}" if self.table_parent else number, body)
            return True
        lead = " ".join(cell["lead"].split())
        self.add_task(body, lead)
        task = self.group["tasks"][-1]
        coordinating = cell_units(cell["coordinating"], task["lead_text"])
        task["coordinating_texts"] = list(dict.fromkeys([*coordinating, *task["coordinating_texts"]]))
        task["due"] = cell_due(cell["due"]) or task["due"]
        self.task_open = False
        return True

    def line(self, line):
        kind, _, _ = self.section
        if self.skipping:
            return
        text = line.text.strip()
        if "\t" in text and self.table_row(text):
            return
        if self.table is not None:
            self.table, self.group, self.task_open = None, self.table_home, False  # back from the table's groups
        bulleted = bool(_BULLET.match(text))
        numbered = _NUMBERED.match(text)
        marker = numbered.group(0).strip(" .)") if numbered else ""
        body = strip_bullet(_NUMBERED.sub("", text))
        if not body:
            return
        if kind == ASSIGNMENT and not (self.group and self.group["from_heading"]):
            head, colon, rest = body.partition(":")
            if colon and rest.strip() and _REQUEST.match(f"{head.strip()} "):
                body = rest.strip()  # "1. Giao: Phòng Văn hóa - Xã hội chủ trì, …": the label names no unit
                head, colon, rest = body.partition(":")
            # "<unit>: its duties"; not a sentence before a label ("… giám sát việc thực hiện. Giao: …")
            if colon and rest.strip() and len(head.split()) <= 14 and head[:1].isupper() \
                    and not re.search(r"[.;]\s", head):
                name = _REQUEST.sub("", head).strip()
                self.new_group(marker, name, name)
                self.add_task(rest.strip(), name)
                return
            name = _given(subject(body) or subject(after_heading_sentence(body)) or opening_unit(body))
            if name and (bulleted or not self.task_open):
                found = duties(body, name)
                self.new_group(marker, found[0][1], found[0][1])
                for duty, lead in found:
                    self.add_task(duty, lead)
                return
        name = subject(body) if kind == ASSIGNMENT and (bulleted or not self.task_open) else ""
        if name and self.group and name.split()[0].lower() != self.group["lead_text"][:len(name.split()[0])].lower():
            self.add_task(body, name)  # "Ban Giám hiệu chịu trách nhiệm ..." under "4. Chế độ kiểm tra, báo cáo"
            return
        if not bulleted and self.task_open and self.group and self.group["tasks"]:
            task = self.group["tasks"][-1]
            if len(task["text"]) < LONG_TASK:
                task["text"] = f"{task['text']} {body}"[:LONG_TASK]
                task["coordinating_texts"] = coordinating_units(task["text"], task["lead_text"])
                task["due"] = task["due"] or due_date(task["text"])  # "trong quý III năm" + "2026."
                task["lead_text"] = labelled_lead(task["text"]) or task["lead_text"]
            return
        # a group led by its heading's unit leads its lines, unless a line says "<unit> chủ trì"
        self.add_task(body, (labelled_lead(body) or stated_lead(body)) if self.group and self.group["lead_text"]
                      else task_lead(body))


def extract_tasks(cleaned):
    """Task groups (dicts: number, title, kind, lead_text, tasks) from a cleaned plan text, in reading order."""
    reader = _Reader()
    for rank, line in outline_events(cleaned):
        if reader.full():
            break
        if rank is not None and (rank <= 1 or len(line.headings) == 1):
            # "III. NHIỆM VỤ ..." or, in a plan whose sections are numbered "1.", "2.", "3. NHIỆM VỤ ...": a
            # heading with none above it
            reader.start_section(line.text)
            continue
        if reader.section is None:
            continue
        if rank is not None:
            reader.heading(line)
        else:
            reader.line(line)
    return _settle(reader.groups)


def _settle(groups):
    """Groups as proposed: a heading with no lines under it is a task of its own ("1. Đổi mới quản trị nhà
    trường theo hướng tự chủ.") in the group of its section, unless groups below it hold its tasks."""
    settled = []
    for index, group in enumerate(groups):
        if group["tasks"]:
            settled.append(group)
            continue
        following = groups[index + 1] if index + 1 < len(groups) else None
        if following and following["number"].startswith(f"{group['number']}.") and group["number"]:
            continue  # "3.3 ..." above "3.3.a ...": a heading of groups
        home = next((g for g in settled if g["kind"] == group["kind"] and g["number"] == group["number"].rsplit(".", 1)[0]
                     and not g.get("from_heading")), None)
        if home is None:
            home = {"number": group["number"].rsplit(".", 1)[0], "title": "", "kind": group["kind"],
                    "lead_text": "", "from_heading": False, "tasks": []}
            settled.append(home)
        lead = group["lead_text"]
        home["tasks"].append({"number": str(len(home["tasks"]) + 1), "text": group["title"], "lead_text": lead,
                              "coordinating_texts": coordinating_units(group["title"], lead),
                              "due": due_date(group["title"])})
    for group in settled:
        group.pop("from_heading", None)
        if not group["title"]:
            group["title"] = "Nhiệm vụ chung" if group["kind"] == TASK else "Tổ chức thực hiện"
    return settled
