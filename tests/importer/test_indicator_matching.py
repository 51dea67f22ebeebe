"""The catalogue indicator suggested for a proposal is chosen only when the two names measure the same thing;
a proposal named by generic words alone does not become a catalogue indicator."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from importer import actions, matching
from importer.matching import Terms, continuation, core, difference, fold, suggest_indicator
from plans.models import PlanImportStatus
from targets.models import Indicator
from tests.importer.test_plan_import import counts, decide, metadata, started


def catalogue(*names, kind="rate", unit_label="%"):
    """Rows as matching.indicator_rows gives them, for unsaved indicators numbered from 1."""
    rows = []
    for pk, name in enumerate(names, start=1):
        indicator = Indicator(pk=pk, name=name, kind=kind, unit_label=unit_label)
        rows.append((indicator, core(fold(name)), "%" if kind == "rate" else "count", Terms(name)))
    return rows


def proposal(name, unit="%", quote=""):
    return {"id": "T1", "indicator": name, "unit": unit, "quote": quote or name}


def suggested(name, *names, **kwargs):
    item = proposal(name, **kwargs)
    suggest_indicator(item, catalogue(*names))
    return item


# ---- school levels ----------------------------------------------------------------------------------


def test_another_school_level_is_listed_but_not_chosen():
    item = suggested("Tỷ lệ học sinh THPT tham gia câu lạc bộ thể thao",
                     "Tỷ lệ học sinh tiểu học tham gia câu lạc bộ thể thao")
    assert item["indicator_id"] is None
    [candidate] = item["indicator_candidates"]
    assert candidate["score"] >= 0.65 and candidate["same_unit"]
    assert "khác cấp học: THPT / tiểu học" in candidate["reason"]
    assert candidate["differs"] == "khác cấp học: THPT / tiểu học"
    assert candidate["reason"].endswith("không chọn sẵn")


def test_a_level_named_on_one_side_only_parts_the_names():
    item = suggested("Tỷ lệ trẻ mẫu giáo được ăn bán trú", "Tỷ lệ trẻ được ăn bán trú")
    assert item["indicator_id"] is None
    assert "khác cấp học: mẫu giáo / không nêu" in item["indicator_candidates"][0]["reason"]


def test_an_abbreviated_level_is_the_same_as_the_full_one():
    item = suggested("Tỷ lệ lớp trung học cơ sở có phòng học bộ môn", "Tỷ lệ lớp THCS có phòng học bộ môn")
    assert item["indicator_id"] == 1
    assert "khác" not in item["indicator_candidates"][0]["reason"]


def test_every_level_fits_any_level():
    assert Terms("Số nhà vệ sinh đạt chuẩn cho các cấp học").levels is None
    assert Terms("Tỷ lệ trường mầm non, phổ thông có nhà ăn").levels is None
    item = proposal("Số sân tập cho mỗi cấp học mầm non", unit="count")
    suggest_indicator(item, catalogue("Số sân tập cho mỗi cấp học", kind="count", unit_label="sân"))
    assert item["indicator_id"] == 1


def test_grades_say_their_level_and_entering_a_level_concerns_the_one_below():
    assert Terms("Tỷ lệ học sinh lớp 7 biết bơi").levels == {"THCS"}
    assert Terms("Tỷ lệ học sinh trúng tuyển vào lớp 10").levels == {"THCS", "THPT"}
    assert Terms("Tỷ lệ học sinh lớp 3 đọc thông viết thạo").grades == {3}
    item = suggested("Tỷ lệ học sinh lớp 3 đọc thông viết thạo", "Tỷ lệ học sinh lớp 4 đọc thông viết thạo")
    assert item["indicator_id"] is None
    assert "khác lớp: 3 / 4" in item["indicator_candidates"][0]["reason"]
    # the same transition written two ways is one measure
    item = suggested("Tỷ lệ học sinh lớp 9 vào học lớp 10 trường công lập",
                     "Tỷ lệ học sinh tốt nghiệp THCS vào học lớp 10 trường công lập")
    assert item["indicator_id"] == 1


def test_entering_something_is_another_measure_than_finishing():
    item = suggested("Tỷ lệ học viên hoàn thành khóa bồi dưỡng",
                     "Tỷ lệ học viên hoàn thành khóa bồi dưỡng vào làm giáo viên")
    assert item["indicator_id"] is None
    assert "khác nội dung đo: — / “vào làm giáo”" in item["indicator_candidates"][0]["reason"]
    assert suggested("Tỷ lệ học viên vào làm giáo viên", "Tỷ lệ học viên vào làm giáo viên sau khóa bồi dưỡng"
                     )["indicator_id"] == 1


def test_words_the_plan_writes_after_a_name_cut_short_count():
    cut = "Tỷ lệ thanh niên được học chương trình THCS"
    quote = "95% thanh niên được học chương trình THCS, GDTX và tương đương"
    assert continuation(cut, quote) == "GDTX và tương đương"
    assert continuation(cut, "thanh niên được học chương trình THCS đạt 95%, GDTX") == ""
    full = "Tỷ lệ thanh niên được học chương trình THCS, GDTX và tương đương"
    assert suggested(cut, full, quote=quote)["indicator_id"] == 1
    assert suggested(cut, full, quote=cut)["indicator_id"] is None


# ---- qualifiers and other words ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "listed", "words"), [
    ("Số học sinh tiểu học lưu ban", "Số học sinh tiểu học", "“lưu ban” / —"),
    ("Số trẻ khuyết tật học hòa nhập", "Số trẻ học hòa nhập", "“khuyết tật” / —"),
    ("Số trường mầm non", "Số trường mầm non ngoài công lập", "— / “ngoài công lập”"),
    ("Tỷ lệ giáo viên mầm non đạt chuẩn", "Tỷ lệ giáo viên mầm non đạt trên chuẩn", "— / “trên chuẩn”"),
    ("Tỷ lệ trẻ em thấp còi", "Tỷ lệ trẻ em suy dinh dưỡng", "“thấp còi” / “suy dinh dưỡng”"),
])
def test_a_qualifier_on_one_side_only_parts_the_names(name, listed, words):
    unit = "%" if name.startswith("Tỷ lệ") else "count"
    item = proposal(name, unit=unit)
    rows = catalogue(listed) if unit == "%" else catalogue(listed, kind="count", unit_label="người")
    suggest_indicator(item, rows)
    assert item["indicator_id"] is None
    assert f"khác nội dung đo: {words}" in item["indicator_candidates"][0]["reason"]


def test_words_each_name_lacks_part_them_words_one_lacks_do_not():
    item = suggested("Tỷ lệ nhân viên đạt chuẩn ngoại ngữ", "Tỷ lệ nhân viên đạt chuẩn nghiệp vụ")
    assert item["indicator_id"] is None
    assert "khác nội dung đo: “ngoại ngữ” / “nghiệp vụ”" in item["indicator_candidates"][0]["reason"]
    # where, how fully, "các", "huy động": not what is measured
    assert suggested("Tỷ lệ các trường tổ chức bán trú trên địa bàn xã",
                     "Tỷ lệ trường tổ chức bán trú")["indicator_id"] == 1
    assert suggested("Tỷ lệ trẻ mẫu giáo ra lớp đúng độ tuổi",
                     "Tỷ lệ huy động trẻ em mẫu giáo đến lớp đúng độ tuổi")["indicator_id"] == 1


def test_a_milestone_with_fewer_words_still_fits():
    item = proposal("Hoàn thành sửa chữa nhà đa năng", unit=None)
    rows = [(Indicator(pk=1, name="Hoàn thành sửa chữa nhà đa năng của các trường", kind="milestone"),
             core(fold("Hoàn thành sửa chữa nhà đa năng của các trường")), None,
             Terms("Hoàn thành sửa chữa nhà đa năng của các trường"))]
    suggest_indicator(item, rows)
    assert item["indicator_id"] == 1


def test_at_or_above_the_standard_is_reaching_it_or_more():
    name = "Tỷ lệ nhân viên thư viện đạt chuẩn và trên chuẩn"
    assert suggested(name, "Tỷ lệ nhân viên thư viện đạt chuẩn trở lên")["indicator_id"] == 1
    item = suggested(name, "Tỷ lệ nhân viên thư viện đạt trên chuẩn")
    assert item["indicator_id"] is None


def test_digital_is_not_the_number_of_nor_a_facility():
    terms = Terms("Tỷ lệ cơ sở giáo dục có học liệu số")
    assert "so#" in terms.words and "co so" in terms.words
    assert "so#" not in Terms("Số cơ sở giáo dục có học liệu").words
    assert "so#" not in Terms("Tỷ lệ giảm số giờ học thêm").words
    assert "chi so" in Terms("Mức đóng góp vào chỉ số năng suất lao động").words
    assert suggested("Chỉ số hạnh phúc của giáo viên (chỉ số đo bằng khảo sát",
                     "Chỉ số hạnh phúc của giáo viên (đo bằng khảo sát)")["indicator_id"] == 1
    item = suggested("Tỷ lệ lớp học số", "Tỷ lệ lớp học đạt chuẩn quốc gia")
    assert item["indicator_id"] is None
    # what is digital: the school, or its teaching equipment
    item = suggested("Tỷ lệ trường có lớp học số", "Tỷ lệ trường có thiết bị dạy học số")
    assert item["indicator_id"] is None and item["indicator_candidates"][0]["score"] >= 0.65
    assert "khác nội dung đo: “lớp học số” / “dạy học số”" in item["indicator_candidates"][0]["reason"]
    assert suggested("Tỷ lệ trường có học liệu số", "Tỷ lệ trường học có học liệu số")["indicator_id"] == 1


def test_the_alike_candidate_is_chosen_when_the_likest_one_differs():
    item = suggested("Tỷ lệ nhân viên y tế trường học có chứng chỉ",
                     "Tỷ lệ nhân viên y tế trường học có chứng chỉ tin học",
                     "Tỷ lệ nhân viên y tế trường tiểu học có chứng chỉ")
    reasons = {c["id"]: c["reason"] for c in item["indicator_candidates"]}
    assert "khác cấp học" in reasons[2]
    assert item["indicator_id"] == 1


def test_the_same_name_in_another_unit_is_listed_as_before():
    item = proposal("Số phòng học bộ môn", unit="%")
    suggest_indicator(item, catalogue("Số phòng học bộ môn", kind="count", unit_label="phòng"))
    assert item["indicator_id"] is None
    assert item["indicator_candidates"][0]["reason"] == \
        "trùng tên chỉ số “Số phòng học bộ môn” (độ giống 1); khác đơn vị tính: số lượng"


def test_difference_explains_nothing_for_the_same_measure():
    reason, unmatched = difference(proposal("Tỷ lệ trẻ 5 tuổi hoàn thành chương trình mầm non"),
                                   Terms("Tỷ lệ trẻ 5 tuổi hoàn thành chương trình mầm non"))
    assert (reason, unmatched) == ("", 0)


# ---- a new catalogue indicator from a proposal's name -------------------------------------------------


@pytest.mark.parametrize("name", ["Tỷ lệ", "Tỉ lệ ", "Số", "Số lượng", "Chỉ tiêu", "Kết quả", "Tỷ lệ (%)", ""])
def test_a_name_of_generic_words_only_is_refused(name):
    assert matching.indicator_name_problem(name) == "quá chung"


@pytest.mark.parametrize("name", ["Số phòng học bộ môn", "Tỷ lệ lao động qua đào tạo", "Chỉ số hạnh phúc",
                                  "Số lượng sách thư viện", "Mức độ tự chủ của nhà trường"])
def test_a_name_that_says_what_is_measured_is_kept(name):
    assert matching.indicator_name_problem(name) == ""


def test_a_name_holding_a_date_is_refused():
    assert matching.indicator_name_problem("Số trường - Kế hoạch ngày 05/9/2025 về bán trú") != ""
    assert matching.indicator_name_problem("Tỷ lệ thực hiện theo văn bản ngày 3 tháng 4 năm 2026") != ""
    assert matching.indicator_name_problem("Tỷ lệ trường đạt chuẩn năm 2030") == ""


@pytest.mark.django_db
def test_new_indicator_refuses_a_generic_name_and_names_the_proposal():
    with pytest.raises(ValidationError) as error:
        actions._new_indicator({"id": "T4", "indicator": "Tỷ lệ ", "unit": "%", "category": None}, {})
    assert error.value.messages == ["Đề xuất T4: tên chỉ số “Tỷ lệ” quá chung; hãy sửa tên chỉ số (hoặc chọn một "
                                    "chỉ số có sẵn) trước khi tạo kế hoạch."]
    assert not Indicator.objects.exists()


def test_a_plan_with_a_generic_indicator_name_is_not_created(client, personas, tree, nq71, briefing):
    before = counts()
    plan_import = started(client, personas, tree)
    generic = next(index for index, item in enumerate(plan_import.items())
                   if item["unit"] == "%" and not item.get("indicator_id"))
    for index in range(len(plan_import.items())):
        if index == generic:
            # accepting it under a generic name and no portal indicator is refused on its card, kept as typed
            response = decide(client, plan_import, index, "accepted", indicator="Tỷ lệ", indicator_id="")
            assertContains(response, "Tên chỉ số “Tỷ lệ” quá chung: hãy ghi rõ chỉ số")
        else:
            decide(client, plan_import, index, "accepted")
        plan_import.refresh_from_db()
    assert plan_import.items()[generic]["decision"] == "pending"

    # one accepted before the rule (or through the API of the action): the creation refuses it, naming it
    plan_import.proposals["targets"][generic].update(decision="accepted", indicator="Tỷ lệ", indicator_id=None)
    plan_import.save(update_fields=["proposals"])
    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import))
    assert response.status_code == 200
    proposal_id = plan_import.items()[generic]["id"]
    assertContains(response, f"Đề xuất {proposal_id}: tên chỉ số “Tỷ lệ” quá chung")
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImportStatus.REVIEWING and plan_import.document is None
    assert counts() == before  # nothing of the plan, and no indicator, was created

    # once the officer names the indicator, the plan is created
    decide(client, plan_import, generic, "accepted", indicator="Tỷ lệ học sinh được học kỹ năng sống", indicator_id="")
    plan_import.refresh_from_db()
    response = client.post(reverse("importer:plan_import_create", args=[plan_import.pk]), metadata(plan_import))
    assert response.status_code == 302
    assert Indicator.objects.filter(name="Tỷ lệ học sinh được học kỹ năng sống").exists()


@pytest.fixture
def briefing(db):
    return Indicator.objects.create(code="quan-triet", name="Tỷ lệ cán bộ, giáo viên, nhân viên được quán triệt Nghị "
                                    "quyết 71", kind="rate", aggregation="ratio_of_sums", unit_label="%")
