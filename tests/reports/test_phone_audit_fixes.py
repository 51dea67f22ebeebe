"""Defects of the phone audit (390×844) that the pages' HTML and the stylesheet show: a refused form low on a long
page takes the focus (and a summary at the top links to it), a report is answered only after a choice and a
confirmation, the drill-down sorts names in Vietnamese order and names each figure in full, tap targets of 44px,
the notifications' button no longer white on white."""

import re
from decimal import Decimal
from pathlib import Path

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from pytest_django.asserts import assertContains

from reports.models import ReportStatus, SchoolReport
from tests.factories import make_indicator, make_target, make_unit
from tests.reports.test_dashboards import (  # noqa: F401
    DRILLDOWN,
    build_plan,
    drill_rows,
    periods,
    query,
    value,
)
from tests.reports.test_outgoing_signoff import media, pdf_stub, plan, sent  # noqa: F401
from tests.reports.test_school_report_views import (  # noqa: F401
    detail_url,
    field,
    items,
    login,
    post_report,
    return_url,
    seen,
    submitted,
)
from units.collation import vietnamese_sort_key

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text(encoding="utf-8")


def phone_rules():
    """The text of every `@media (max-width: 700px)` block of the stylesheet."""
    blocks, start = [], 0
    while (start := CSS.find("@media (max-width: 700px)", start)) >= 0:
        depth, end = 1, CSS.index("{", start) + 1
        while depth:  # to the block's closing brace
            depth += {"{": 1, "}": -1}.get(CSS[end], 0)
            end += 1
        blocks.append(CSS[start:end])
        start = end
    return "\n".join(blocks)


def tags(html, pattern):
    return re.findall(rf"<(?:{pattern})\b[^>]*>", html)


# --- a refused form low on the page: the focus goes to it, a summary at the top links to it --------------------


def test_a_refused_return_focuses_the_comment_and_says_so_at_the_top(client, personas, tree, period,
                                                                     submitted):  # noqa: F811
    response = login(client, personas["officer_a"]).post(return_url(submitted), seen(submitted, comment="  "))
    page = response.content.decode()
    assert response.status_code == 400
    (comment,) = tags(page, "textarea")
    assert "autofocus" in comment and 'aria-describedby="return-refused"' in comment
    assert page.count("autofocus") == 1
    summary = re.search(r'<p class="errorbox" id="return-refused-summary"><a href="#return-refused">(.*?)</a>', page)
    assert summary and "chưa được gửi" in summary.group(1)
    assert page.index("return-refused-summary") < page.index('id="report-form"')  # above the report, not beside it
    assert 'id="return-refused"' in page
    # the page as it opens normally: nothing takes the focus, no summary
    page = client.get(detail_url(tree["A-TH1"], period)).content.decode()
    assert "autofocus" not in page and "return-refused-summary" not in page


def test_a_refused_report_focuses_its_first_field_in_error(client, personas, tree, items, period):  # noqa: F811
    login(client, personas["principal_a"])
    response = post_report(client, tree["A-TH1"], period, figures={"so-vu-bao-luc": "abc", "cap-do-kiem-dinh": "-1"})
    page = response.content.decode()
    focused = [tag for tag in tags(page, "input|textarea|select") if "autofocus" in tag]
    assert len(focused) == 1
    first_refused = min((field("cap-do-kiem-dinh"), field("so-vu-bao-luc")), key=lambda name: page.index(f'name="{name}"'))
    assert f'name="{first_refused}"' in focused[0]


class _Form(forms.Form):
    title = forms.CharField()
    year = forms.IntegerField()
    note = forms.CharField(required=False)


def test_the_shared_form_fields_focus_the_first_refused_field_only():
    for template in ("plans/_form_fields.html", "units/_form_fields.html"):
        assert "autofocus" not in render_to_string(template, {"form": _Form()})
        html = render_to_string(template, {"form": _Form({"title": "", "year": "x", "note": ""})})
        (focused,) = [tag for tag in tags(html, "input") if "autofocus" in tag]
        assert 'name="title"' in focused, template
        html = render_to_string(template, {"form": _Form({"title": "Kế hoạch", "year": "x"})})
        (focused,) = [tag for tag in tags(html, "input") if "autofocus" in tag]
        assert 'name="year"' in focused, template


def test_a_non_field_refusal_of_a_plan_form_takes_the_focus_itself():
    form = _Form({"title": "Kế hoạch", "year": "2026"})
    form.is_valid()
    form.add_error(None, "Kế hoạch vừa được người khác sửa.")
    html = render_to_string("plans/_form_fields.html", {"form": form})
    assert '<div class="errorbox" role="alert" tabindex="-1" autofocus>' in html


# --- the answer to a report sent up: no choice made beforehand, each choice confirmed ---------------------------


def answer_url(report):
    return reverse("reports:outgoing_detail", args=[report.pk])


def test_the_answer_is_not_chosen_beforehand_and_each_choice_asks_first(client, personas, tree, plan, period,  # noqa: F811
                                                                       pdf_stub):  # noqa: F811
    report = sent(tree, plan, period, personas)
    page = login(client, personas["reviewer"]).get(answer_url(report)).content.decode()
    radios = tags(page, "input")
    acknowledge = next(tag for tag in radios if 'value="acknowledge"' in tag)
    give_back = next(tag for tag in radios if 'value="return"' in tag)
    assert "checked" not in acknowledge and "checked" not in give_back and "required" in acknowledge
    assert f'data-confirm="Xác nhận đã nhận báo cáo {period.name} của {tree["A"].name}?' in acknowledge
    assert f'data-confirm="Trả lại báo cáo {period.name} cho {tree["A"].name} để chỉnh sửa?' in give_back
    assert "autofocus" not in page and "answer-refused-summary" not in page
    # portal.js asks the chosen radio button's question
    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "portal.js").read_text(encoding="utf-8")
    assert 'input[type=radio][data-confirm]:checked' in script


def test_a_return_without_reason_focuses_the_reason_and_says_so_at_the_top(client, personas, tree, plan, period,  # noqa: F811
                                                                          pdf_stub):  # noqa: F811
    report = sent(tree, plan, period, personas)
    response = login(client, personas["reviewer"]).post(reverse("reports:outgoing_answer", args=[report.pk]),
                                                        {"version": report.version, "decision": "return", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    (reason,) = tags(page, "textarea")
    assert "autofocus" in reason and page.count("autofocus") == 1
    assertContains(response, '<a href="#answer">Ý kiến của bạn chưa được gửi', status_code=400)
    # no choice at all: the first choice takes the focus
    response = client.post(reverse("reports:outgoing_answer", args=[report.pk]), {"version": report.version})
    page = response.content.decode()
    (focused,) = [tag for tag in tags(page, "input|textarea") if "autofocus" in tag]
    assert 'value="acknowledge"' in focused


# --- the drill-down: Vietnamese order, each figure named in full -------------------------------------------------


def test_vietnamese_order_puts_letters_before_tones():
    names = ["MN Hòa Nghĩa", "MN Hải Thành", "Trường Đông Hải", "Trường Dương Kinh", "Ấp Bắc", "Ăn", "An Lưu",
             "hà", "Hạ", "Ha", "Uy", "Ưu", "Ơn", "Ôn", "On", "Zeta", "10 A"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "10 A", "An Lưu", "Ăn", "Ấp Bắc", "Ha", "hà", "Hạ", "MN Hải Thành", "MN Hòa Nghĩa", "On", "Ôn", "Ơn",
        "Trường Dương Kinh", "Trường Đông Hải", "Uy", "Ưu", "Zeta"]
    assert vietnamese_sort_key("MN Hải Thành") < vietnamese_sort_key("mn hòa nghĩa")  # case aside


def test_the_drilldown_sorts_the_units_by_name_in_vietnamese_order(client, personas, tree, periods):  # noqa: F811
    document, indicators = build_plan(tree, periods, 3)
    for code, name in (("A-HN", "Trường Mầm non Hòa Nghĩa"), ("A-HT", "Trường Mầm non Hải Thành"),
                       ("A-DH", "Trường Mầm non Đông Hải"), ("A-DK", "Trường Mầm non Dương Kinh")):
        school = make_unit(code, name, "school", tree["A"], levels=["mn"])
        SchoolReport.objects.create(school=school, period=periods[2], status=ReportStatus.APPROVED)
        for indicator in indicators:
            value(indicator, school, periods[2], **({"numerator": 1, "denominator": 2} if indicator.kind == "rate"
                                                   else {"value": 1}))
    login(client, personas["leader_a"])
    names = [name for name, _, _ in drill_rows(client.get(DRILLDOWN, query(tree["A"], document, periods[2])))]
    assert names == ["Trường Mầm non Dương Kinh", "Trường Mầm non Đông Hải", "Trường Mầm non Hải Thành",
                     "Trường Mầm non Hòa Nghĩa", "Trường Tiểu học A1", "Trường Tiểu học và THCS A2"]
    # sorted by the number behind, the ties keep that order
    behind = [name for name, _, _ in drill_rows(client.get(DRILLDOWN, query(tree["A"], document, periods[2],
                                                                           sort="behind")))]
    assert [n for n in behind if "Mầm non" in n] == names[:4]


LONG_NAME = ("Tỷ lệ người trong độ tuổi hoàn thành cấp trung học phổ thông và tương đương trên địa bàn phường, "
             "kể cả học viên giáo dục thường xuyên")


def test_the_drilldown_names_each_figure_in_full_on_a_phone(client, personas, tree, periods):  # noqa: F811
    document, _ = build_plan(tree, periods, 1)
    indicator = make_indicator("thpt-hoan-thanh", LONG_NAME, "rate", "ratio_of_sums", "%")
    make_target(document, indicator, 9, Decimal(90), category="quality")
    value(indicator, tree["A-TH1"], periods[2], numerator=9, denominator=10)
    page = login(client, personas["leader_a"]).get(DRILLDOWN, query(tree["A"], document, periods[2])).content.decode()
    assert f'data-label="{LONG_NAME}"' in page  # each card's label, above the figure
    (option,) = [o for o in re.findall(r'<option value="t\d+"[^>]*>([^<]*)</option>', page) if o.startswith("Tỷ lệ người")]
    assert option.endswith("…") and len(option) <= 70  # the sort menu and the desktop head stay short
    assert f">{LONG_NAME}</a></th>" not in page


# --- the notifications' button, tap targets of 44px on a phone ----------------------------------------------------


def test_the_link_like_button_is_white_only_on_the_top_bar():
    base = re.search(r"^\.linklike \{([^}]*)\}", CSS, re.M).group(1)
    assert "#fff" not in base and "color: var(--blue-2)" in base
    assert re.search(r"^\.topbar \.linklike \{ color: #fff; \}", CSS, re.M)
    phone = phone_rules()
    assert re.search(r"\.linklike \{[^}]*min-height: 44px", phone)
    assert re.search(r"(^|\n)\s*summary \{[^}]*min-height: 44px", phone)
    assert re.search(r"a\.tap \{[^}]*min-height: 44px", phone)


def test_the_small_links_of_the_inbox_and_the_accounts_are_tap_targets():
    template = Path(__file__).resolve().parents[2] / "templates"
    inbox = (template / "reports" / "report_inbox.html").read_text(encoding="utf-8")
    for kind in ("xlsx", "pdf", "docx"):
        assert f"""<a class="tap" href="{{% url 'reports:outgoing_download' row.report.pk '{kind}' %}}">""" in inbox
    accounts = (template / "units" / "account_list.html").read_text(encoding="utf-8")
    assert """<a class="tap" href="{% url 'units:account_detail' account.pk %}">""" in accounts
    builds = (template / "reports" / "build_status.html").read_text(encoding="utf-8")
    assert builds.count('<a class="tap" href="{% url \'reports:build_download\'') == 3
