"""The rows of the target list and of a unit's dashboard, written in Python.

A list shows a row per target of the plan (60 on a commune's list) and the template engine cost about half of
those pages' time (issue 13): every variable, filter and tag is resolved per row. The HTML is the same as the
templates that wrote it before, which tests/targets/test_target_rows.py keeps as references and compares
with these functions on varied rows.
"""

import re

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .numbers import (
    MUTED_DASH,
    evaluated_baseline,
    evaluation_value,
    figure_from,
    figure_unreported,
    num,
    person,
    result,
    target_goal,
    value_display,
)

register = template.Library()


def as_text(value):
    """A value as a template variable writes it: localized, then escaped."""
    return conditional_escape(formats.localize(value))


MARK = 900_000_001  # numbers no row has: a URL is reversed once per table with them, then they are replaced


def reversed_once(name, arity=1):
    """(pk, …) -> the URL `name` reverses to with those arguments, reversing only once: a table has a link per
    row and Django's reverse() cost more than the rest of a row. Call it while rendering (the script prefix is
    the request's)."""
    marks = [str(MARK + i) for i in range(arity)]
    pattern = reverse(name, args=marks)
    found = re.compile("|".join(marks))  # every mark replaced in one pass: an argument may hold another's digits

    def url(*args):
        values = dict(zip(marks, (str(int(arg)) for arg in args), strict=True))
        return found.sub(lambda match: values[match.group()], pattern)
    return url


@register.simple_tag
def target_list_rows(rows, period, can_edit=False, working=False, saved=False):
    """The target list's rows (targets.queries.TargetStatus), one <tr> each, as targets/target_list_row.html
    wrote them: the figure rolled up from the schools, what the unit entered, the evaluation and the edit button."""
    urls = reversed_once("targets:target_detail"), reversed_once("targets:value_edit", 2)
    return mark_safe("".join(_target_list_row(row, period, can_edit, working, saved, urls) for row in rows))


SAVED_CLASS = ' class="saved"'
SAVED_BADGE = '<span class="badge st-done">Đã lưu</span>'


def _target_list_row(row, period, can_edit, working, saved, urls):
    target, entry, rolled = row.target, row.entry, row.rolled
    detail, edit = urls
    name = as_text(target.display_name)
    part_of = (f'<div class="muted">Trong đó, thuộc: {as_text(target.part_of.indicator.name)}</div>'
               if target.part_of else "")
    if target.indicator.collected_from_schools and rolled:
        counts = (f'<div class="muted">{as_text(num(rolled.numerator))}/{as_text(num(rolled.denominator))}</div>'
                  if rolled.denominator else "")
        units = as_text(rolled.reporting_units)
        reporting = (f"thấp nhất trong {units} đơn vị báo cáo" if rolled.lowest
                     else f"cao nhất trong {units} đơn vị báo cáo" if rolled.highest else f"{units} đơn vị báo cáo")
        from_schools = f'{as_text(result(rolled.value, target))}{counts}<div class="muted">{reporting}</div>'
    else:
        from_schools = MUTED_DASH
    if entry:
        by = ""
        if working:
            at = formats.date_format(timezone.localtime(entry.entered_at), "H:i d/m/Y") if entry.entered_at else ""
            by = f'<div class="muted">{as_text(person(entry.entered_by))}, {as_text(at)}</div>'
        entered = f"{value_display(entry, target)}{by}"
    else:
        entered = '<span class="muted">Chưa nhập</span>'
    if entry is not None and entry.status:
        state = f'<span class="badge st-{as_text(entry.status)}">{as_text(entry.get_status_display())}</span>'
    else:
        state = '<span class="badge st-none">Chưa cập nhật</span>'
    note = as_text(Truncator(entry.note if entry is not None and entry.note else "").chars(80)) if working else ""
    button = ""
    if can_edit:
        button = (f'<button type="button" data-edit-button hx-get="{as_text(edit(target.pk, period.pk))}" hx-target="#target-{target.pk}" '
                  f'hx-swap="outerHTML" hx-disabled-elt="this" aria-label="Cập nhật: {name}">Cập nhật</button>')
    return (
        f'<tr id="target-{target.pk}"{SAVED_CLASS if saved else ""}>\n'
        f'  <td data-label="STT">{as_text(target.order)}</td>\n'
        f'  <td class="card-title"><a href="{as_text(detail(target.pk))}?period={period.pk}">{name}</a>\n'
        f"    {part_of}\n"
        f'    <div class="muted">{as_text(target.document.short_label)} · {as_text(target.get_category_display())}</div></td>\n'
        f'  <td data-label="Mục tiêu">{target_goal(target)}{evaluated_baseline(row)}</td>\n'
        f'  <td class="num" data-label="Tổng hợp từ trường">{from_schools}</td>\n'
        f'  <td class="num" data-label="Số liệu kỳ">{entered}</td>\n'
        f'  <td data-label="Đánh giá">{evaluation_value(row.evaluation, target)} '
        f'<span class="badge st-{as_text(row.status)}">{as_text(row.evaluation.label)}</span>{figure_from(row)}'
        f'{figure_unreported(row)}</td>\n'
        f'  <td data-label="Tình trạng">{state}</td>\n'
        f'  <td data-label="Ghi chú">{note}</td>\n'
        f'  <td class="nowrap">{button}\n'
        f'    {SAVED_BADGE if saved else ""}</td>\n'
        f"</tr>"
    )
