"""Particulars of headers and closings whose two columns arrive as one line: a PDF's header table read back row by
row ("UBND XÃ … CỘNG HÒA XÃ HỘI …", "Số: … Place, ngày …"), a number line with dotted leaders, a signature block
beside the recipients ("Nơi nhận: HIỆU TRƯỞNG", "- Lưu: VT. Name") and a Party signer beside them. The texts are
written for these tests, worded differently from the fourth set's plans."""

from importer.extraction.metadata import find_signer
from importer.extraction.plan import extract_plan

BODY = ["I. MỤC TIÊU", "- Tỷ lệ học sinh lên lớp đạt 98%.", "II. TỔ CHỨC THỰC HIỆN",
        "1. Tổ chuyên môn triển khai kế hoạch."]


def particulars(lines):
    result = extract_plan("\n".join(lines), "plan.txt")
    return {key: result[key] for key in ("issuer", "number", "date", "place", "signer_name",
                                                     "signer_title")}


def test_a_header_table_read_back_as_joined_rows_gives_issuer_place_and_date():
    lines = ["UBND XÃ PHÚ LỘC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "TRƯỜNG MẦM NON HOA MAI Độc lập - Tự do - Hạnh phúc",
             "Số: 17/KH-MNHM Phú Lộc, ngày 08 tháng 01 năm 2026",
             "KẾ HOẠCH", "Phát triển nhà trường năm học 2025 - 2026", *BODY]
    found = particulars(lines)
    assert found["issuer"] == "Trường Mầm non Hoa Mai"
    assert found["number"] == "17/KH-MNHM"
    assert (found["place"], found["date"]) == ("Phú Lộc", "2026-01-08")


def test_a_number_line_with_dotted_leaders_gives_place_and_date():
    lines = ["ĐẢNG BỘ THÀNH PHỐ HẠ LONG ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY PHƯỜNG BÃI CHÁY",
             "Số 14-KH/ĐU ……………… Bãi Cháy, ngày 03 tháng 12 năm 2025",
             "KẾ HOẠCH", "Thực hiện chuyển đổi số trong giáo dục đến năm 2030", *BODY]
    found = particulars(lines)
    assert found["number"] == "14-KH/ĐU"
    assert (found["place"], found["date"]) == ("Bãi Cháy", "2025-12-03")


def test_a_signature_beside_the_recipients_is_read():
    closing = "\n".join(["Nghị quyết này có hiệu lực từ ngày ký.", "Nơi nhận: HIỆU TRƯỞNG",
                         "- Phòng Văn hóa - Xã hội (để b/c);", "- Các tổ chuyên môn;",
                         "- Lưu: VT, HS. Nguyễn Thị Thu Hằng"])
    assert find_signer(closing) == ("HIỆU TRƯỞNG", "Nguyễn Thị Thu Hằng")


def test_a_party_signer_beside_the_recipients_keeps_the_whole_block():
    closing = "\n".join(["Các chi bộ tổ chức thực hiện.", "Nơi nhận: T/M BAN THƯỜNG VỤ",
                         "- Thường trực Thành ủy (b/c), PHÓ BÍ THƯ", "- Các đảng bộ trực thuộc,",
                         "- Lưu VP.", "Lê Quang Minh"])
    assert find_signer(closing) == ("T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", "Lê Quang Minh")


def test_a_signature_aligned_with_tabs_is_read_as_before():
    closing = "\n".join(["Nơi nhận:\tTM. ỦY BAN NHÂN DÂN", "- Như trên;\tCHỦ TỊCH", "- Lưu: VT.\t",
                         "\tTrần Văn Bình"])
    assert find_signer(closing) == ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "Trần Văn Bình")


def test_a_signature_on_lines_of_its_own_under_the_recipients_keeps_the_whole_block():
    # Review: the recipients' last abbreviation ("- Lưu: VT, VHXH") was read as the signer's title.
    closing = "\n".join(["Các đơn vị nghiêm túc triển khai.", "Nơi nhận:", "- Sở Giáo dục và Đào tạo;",
                         "- Lưu: VT, GDĐT", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
                         "Hoàng Thị Lan"])
    assert find_signer(closing) == ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Hoàng Thị Lan")


def test_a_recipients_list_ending_with_an_abbreviation_is_not_a_title():
    closing = "\n".join(["Đề nghị các cơ quan phối hợp.", "Nơi nhận:", "- Ban Thường vụ Đảng ủy, HĐND, MTTQ",
                         "- Lưu: VP.", "T/M ĐẢNG ỦY", "BÍ THƯ", "Đỗ Văn Khánh"])
    assert find_signer(closing) == ("T/M ĐẢNG ỦY / BÍ THƯ", "Đỗ Văn Khánh")


def test_a_joined_closing_leaves_out_a_recipient_abbreviation():
    closing = "\n".join(["Kế hoạch được triển khai đến các trường.", "Nơi nhận: GIÁM ĐỐC",
                         "- Sở Tài chính, KBNN", "- Lưu: VT. Vũ Minh Châu"])
    assert find_signer(closing) == ("GIÁM ĐỐC", "Vũ Minh Châu")
