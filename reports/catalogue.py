"""The standard content of a school's semester report, and how indicators read from it.

Each item is a raw figure (a count, a yes/no, a level); indicators compute rates from them
(numerator item over denominator item). A TH&THCS school answers the items of both its levels.
"""

from .models import IndicatorSource, ItemKind, ReportItem

ALL = ["mn", "th", "thcs", "thpt"]
SCHOOL = ["th", "thcs", "thpt"]

STAFF = "Đội ngũ"
PUPILS = "Học sinh"
FACILITIES = "Cơ sở vật chất"
DIGITAL = "Chuyển đổi số"
QUALITY = "Chất lượng, an toàn"

# code, label, kind, section, levels, not above (code), max level
REPORT_ITEMS = [
    ("so-cbgvnv", "Tổng số cán bộ quản lý, giáo viên, nhân viên", ItemKind.COUNT, STAFF, ALL, None, None),
    ("so-cbgvnv-quan-triet", "Số CB, GV, NV được quán triệt Nghị quyết 71", ItemKind.COUNT, STAFF, ALL, "so-cbgvnv", None),
    ("so-cbql-gv", "Tổng số cán bộ quản lý và giáo viên", ItemKind.COUNT, STAFF, ALL, "so-cbgvnv", None),
    ("so-gv", "Tổng số giáo viên", ItemKind.COUNT, STAFF, ALL, "so-cbql-gv", None),
    ("so-gv-dat-chuan", "Số giáo viên đạt chuẩn trình độ đào tạo trở lên", ItemKind.COUNT, STAFF, ALL, "so-gv", None),
    ("so-gv-tren-chuan", "Trong đó: số giáo viên trên chuẩn trình độ đào tạo", ItemKind.COUNT, STAFF, ALL,
     "so-gv-dat-chuan", None),
    ("so-cbql-gv-boi-duong-cds", "Số CBQL, GV được bồi dưỡng kỹ năng chuyển đổi số", ItemKind.COUNT, DIGITAL, ALL,
     "so-cbql-gv", None),
    ("so-gv-tap-huan-ai", "Số giáo viên được tập huấn ứng dụng trí tuệ nhân tạo", ItemKind.COUNT, DIGITAL, ALL,
     "so-gv", None),
    ("so-cbql-gv-ung-dung-ai", "Số CBQL, GV ứng dụng trí tuệ nhân tạo trong quản lý, giảng dạy",
     ItemKind.COUNT, DIGITAL, ALL, "so-cbql-gv", None),
    ("so-gv-boi-duong-nang-luc-so", "Số giáo viên được bồi dưỡng nâng cao năng lực số và chuyên môn",
     ItemKind.COUNT, STAFF, ALL, "so-gv", None),
    ("so-hs", "Tổng số học sinh (trẻ)", ItemKind.COUNT, PUPILS, ALL, None, None),
    ("so-hs-bo-hoc", "Số học sinh bỏ học trong kỳ", ItemKind.COUNT, PUPILS, SCHOOL, "so-hs", None),
    ("so-hs-2-buoi", "Số học sinh học 02 buổi/ngày", ItemKind.COUNT, PUPILS, SCHOOL, "so-hs", None),
    ("so-hs-ngoai-khoa", "Số học sinh tham gia hoạt động ngoại khóa, kỹ năng sống, hướng nghiệp", ItemKind.COUNT,
     PUPILS, SCHOOL, "so-hs", None),
    ("so-tre-suy-dinh-duong", "Số trẻ suy dinh dưỡng", ItemKind.COUNT, PUPILS, ["mn"], "so-hs", None),
    ("so-hs-hoan-thanh-th", "Số học sinh hoàn thành chương trình giáo dục tiểu học (theo lớp)", ItemKind.COUNT,
     PUPILS, ["th"], "so-hs", None),
    ("so-hs-lop5", "Số học sinh lớp 5", ItemKind.COUNT, PUPILS, ["th"], "so-hs", None),
    ("so-hs-lop5-vao-lop6", "Số học sinh lớp 5 hoàn thành chương trình tiểu học vào lớp 6", ItemKind.COUNT, PUPILS,
     ["th"], "so-hs-lop5", None),
    ("so-hs-lop9", "Số học sinh lớp 9", ItemKind.COUNT, PUPILS, ["thcs"], "so-hs", None),
    ("so-hs-lop9-hoan-thanh", "Số học sinh lớp 9 được công nhận hoàn thành chương trình THCS", ItemKind.COUNT,
     PUPILS, ["thcs"], "so-hs-lop9", None),
    ("so-lop", "Tổng số lớp (nhóm lớp)", ItemKind.COUNT, FACILITIES, ALL, None, None),
    ("so-lop-2-buoi", "Số lớp học 02 buổi/ngày", ItemKind.COUNT, FACILITIES, SCHOOL, "so-lop", None),
    ("so-phong-hoc-thong-minh", "Số phòng học thông minh", ItemKind.COUNT, FACILITIES, ALL, None, None),
    ("ket-noi-internet", "Trường có kết nối Internet", ItemKind.YES_NO, DIGITAL, ALL, None, None),
    ("thiet-bi-day-hoc-so", "Trường có thiết bị dạy học số", ItemKind.YES_NO, DIGITAL, ALL, None, None),
    ("ung-dung-ai", "Trường ứng dụng trí tuệ nhân tạo trong quản lý, giảng dạy, kiểm tra, đánh giá", ItemKind.YES_NO,
     DIGITAL, ALL, None, None),
    ("phan-mem-quan-tri", "Trường triển khai phần mềm quản trị nhà trường", ItemKind.YES_NO, DIGITAL, ALL, None, None),
    ("muc-chuan-quoc-gia", "Mức độ trường đạt chuẩn quốc gia (0 nếu chưa đạt)", ItemKind.LEVEL, FACILITIES, ALL, None, 2),
    ("cap-do-kiem-dinh", "Cấp độ kiểm định chất lượng giáo dục (0 nếu chưa đạt)", ItemKind.LEVEL, QUALITY, ALL, None, 4),
    ("so-vu-bao-luc", "Số vụ bạo lực học đường trong kỳ", ItemKind.COUNT, QUALITY, ALL, None, None),
]

# indicator code -> (numerator item, denominator item); a rate without a denominator counts schools.
INDICATOR_ITEMS = {
    "quan-triet-nq71-truong": ("so-cbgvnv-quan-triet", "so-cbgvnv"),
    "gv-dat-chuan": ("so-gv-dat-chuan", "so-gv"),
    "gv-tren-chuan": ("so-gv-tren-chuan", "so-gv"),
    "cbql-gv-boi-duong-cds": ("so-cbql-gv-boi-duong-cds", "so-cbql-gv"),
    "gv-tap-huan-ai": ("so-gv-tap-huan-ai", "so-gv"),
    "cbql-gv-ung-dung-ai": ("so-cbql-gv-ung-dung-ai", "so-cbql-gv"),
    "gv-boi-duong-nang-luc-so": ("so-gv-boi-duong-nang-luc-so", "so-gv"),
    "truong-ket-noi-internet": ("ket-noi-internet", None),
    "truong-thiet-bi-so": ("thiet-bi-day-hoc-so", None),
    "truong-ung-dung-ai": ("ung-dung-ai", None),
    "truong-phan-mem-quan-tri": ("phan-mem-quan-tri", None),
    "truong-chuan-quoc-gia": ("muc-chuan-quoc-gia", None),
    "truong-co-phong-hoc-thong-minh": ("so-phong-hoc-thong-minh", None),
    "phong-hoc-thong-minh": ("so-phong-hoc-thong-minh", None),
    "hs-bo-hoc": ("so-hs-bo-hoc", None),
    "bao-luc-hoc-duong": ("so-vu-bao-luc", None),
    "hs-hoc-2-buoi": ("so-hs-2-buoi", "so-hs"),
    "lop-hoc-2-buoi": ("so-lop-2-buoi", "so-lop"),
    "tre-suy-dinh-duong": ("so-tre-suy-dinh-duong", "so-hs"),
    "hs-hoan-thanh-tieu-hoc": ("so-hs-hoan-thanh-th", "so-hs"),
    "hs-lop5-vao-lop6": ("so-hs-lop5-vao-lop6", "so-hs-lop5"),
    "hs-lop9-hoan-thanh-thcs": ("so-hs-lop9-hoan-thanh", "so-hs-lop9"),
    "hs-ngoai-khoa": ("so-hs-ngoai-khoa", None),
    "muc-chuan-quoc-gia": ("muc-chuan-quoc-gia", None),
    "cap-do-kiem-dinh": ("cap-do-kiem-dinh", None),
}


def ensure_report_items():
    """Create the standard items that are missing (never changes an existing one); returns them by code."""
    items = {item.code: item for item in ReportItem.objects.all()}
    for order, (code, label, kind, section, levels, not_above, max_value) in enumerate(REPORT_ITEMS, start=1):
        if code not in items:
            items[code] = ReportItem.objects.create(
                code=code, label=label, kind=kind, section=section, levels=levels,
                not_above=items.get(not_above), max_value=max_value, order=order,
            )
    return items


def link_indicators(indicators):
    """Point the catalogue's indicators at the items they are computed from (only where unset)."""
    items = ensure_report_items()
    linked = set(IndicatorSource.objects.values_list("indicator_id", flat=True))
    for code, (numerator, denominator) in INDICATOR_ITEMS.items():
        indicator = indicators.get(code)
        if indicator is None or indicator.pk in linked:
            continue
        IndicatorSource.objects.create(indicator=indicator, numerator_item=items[numerator],
                                       denominator_item=items.get(denominator))
        if not indicator.collected_from_schools:
            indicator.collected_from_schools = True
            indicator.save(update_fields=["collected_from_schools"])
