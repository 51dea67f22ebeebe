"""Keyword rules that put a target in one of the plan's categories (the gold README's convention).

Content decides; where it is dual (digital skills of staff, smart classrooms) the lead-in ("Về chuyển
đổi số và hội nhập: ...") or the heading the target stands under decides, and without one the first
category in ``_RULES`` wins, which puts the digital reading before staff and universalisation.
"""

import functools
import re

DIGITAL = "chuyển đổi số"
STAFF = "đội ngũ"
FACILITIES = "cơ sở vật chất"
QUALITY = "chất lượng giáo dục"
UNIVERSAL = "phổ cập - học tập suốt đời"
BUDGET = "ngân sách - nguồn lực"
OTHER = "khác"
CATEGORIES = (DIGITAL, STAFF, FACILITIES, QUALITY, UNIVERSAL, BUDGET, OTHER)

_RULES = [
    # Dissemination, human-development indices, school safety and titles of the ward itself.
    (OTHER, r"quán triệt|tuyên truyền|HDI|GII|phát triển con người|đổi mới toàn cầu|bất bình đẳng|"
            r"bạo lực|an toàn trường học|chính quyền thân thiện|đô thị văn minh"),
    (BUDGET, r"ngân sách|kinh phí|chi đầu tư|tổng chi|nguồn vốn|xã hội hóa|nguồn lực"),
    # Recognition as a national-standard school, buildings and the school network.
    (FACILITIES, r"chuẩn quốc gia|nhà đa năng|phòng học bộ môn|phòng chức năng|kiên cố|cơ sở vật chất|"
                 r"mạng lưới trường|quy hoạch mạng lưới|nâng chuẩn|công nhận lại|xây mới|phòng học thông minh|"
                 r"lớp học thông minh|phòng học|phòng thí nghiệm|STEM"),
    # Quality-assurance accreditation levels.
    (QUALITY, r"kiểm định|bảo đảm chất lượng giáo dục|đảm bảo chất lượng giáo dục|cải tiến chất lượng"),
    (DIGITAL, r"chuyển đổi số|trí tuệ nhân tạo|AI|internet|công nghệ số|học liệu số|dạy học số|"
              r"thông minh|trực tuyến|dịch vụ công|phần mềm|CNTT|công nghệ thông tin|năng lực số|"
              r"kỹ năng số|học bạ số|dữ liệu|trường học số"),
    # Enrolment, mobilisation, transition, dropout, literacy, universalisation, adult attainment.
    (UNIVERSAL, r"phổ cập|PCGD|xóa mù chữ|huy động|ra lớp|đến trường|đi học|đến lớp|bỏ học|"
                r"trong độ tuổi|vào lớp|vào các loại hình|lao động|học tập suốt đời|xã hội học tập|"
                r"cộng đồng học tập|và tương đương"),
    (QUALITY, r"chất lượng|suy dinh dưỡng|buổi/ngày|ngoại khóa|kỹ năng sống|thể thao|nhạc cụ|"
              r"học sinh giỏi|đạt giải|xếp loại|học lực|lên lớp|tốt nghiệp|rèn luyện|hoàn thành chương trình|hướng nghiệp|ngoại ngữ|tiếng Anh|năng khiếu"),
    (STAFF, r"giáo viên|nhà giáo|cán bộ quản lý|đội ngũ|phụ cấp|trình độ đào tạo|biên chế|nhân viên|"
            r"đạt chuẩn và trên chuẩn"),
]
_COMPILED = [(category, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for category, pattern in _RULES]


@functools.lru_cache(maxsize=4096)
def matching(text):
    """The categories whose keywords occur in ``text``, in rule order, without repeats.

    Kept for the texts asked again (the headings above every target of a section, the words of a target
    asked once to choose what to categorise and again to categorise it): eight searches each.
    """
    found = []
    for category, pattern in _COMPILED:
        if category not in found and pattern.search(text or ""):
            found.append(category)
    return tuple(found)


def categorize(quote, lead_in="", headings=()):
    """The category of a target from its quote, its lead-in and the headings above it."""
    if lead_in:
        from_lead_in = matching(lead_in)
        if from_lead_in:
            return from_lead_in[0]
    candidates = matching(quote)
    if len(candidates) > 1:
        for heading in reversed(headings):
            from_heading = [category for category in matching(heading) if category in candidates]
            if len(from_heading) == 1:
                return from_heading[0]
    if candidates:
        return candidates[0]
    for heading in reversed(headings):
        from_heading = matching(heading)
        if from_heading:
            return from_heading[0]
    return OTHER
