from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from targets.fields import format_floor, format_number, format_percent, format_result

register = template.Library()


@register.filter
def num(value, places=None):
    """Vietnamese number: thousands dot, decimal comma (places: fixed decimals)."""
    if value is None or value == "":
        return "—"
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def pct(value, places=1):
    """A percentage with one decimal by default: 57,5%."""
    return format_percent(value, int(places))


@register.filter
def result(value, target):
    """A target's figure as the tables write it ("75%", "mức 2", "Đã đạt", "3 phòng"): targets.fields.format_result."""
    return format_result(value, target.indicator.kind, target.indicator.unit_label)


@register.filter
def floor(value, target):
    """The floor a horizon sets across the units below, as every page and report writes it ("không đơn vị nào dưới
    60%": targets.fields.format_floor); "" without one."""
    return format_floor(value, target.unit_symbol)


@register.filter
def progress_status(code):
    from targets.models import ProgressStatus

    return dict(ProgressStatus.choices).get(code, code)


@register.filter
def person(user):
    """A user's full name (Vietnamese order as stored), else the login, else a dash."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


# The cells below are written in Python rather than included templates: a list or a dashboard writes them on
# every row, and an {% include %} per cell and row was a good part of those pages' time.

MUTED_DASH = mark_safe('<span class="muted">—</span>')


@register.simple_tag
def evaluation_value(evaluation, target):
    """The figure an evaluation judged, as the tables write it, or a muted dash."""
    if evaluation is None or evaluation.value is None:
        return MUTED_DASH
    return format_html("{}", result(evaluation.value, target))


@register.simple_tag
def figure_from(item):
    """Under a figure judged (targets.queries.TargetStatus), the period it comes from when it is an earlier one's:
    a school's figure of last semester is not read as this semester's."""
    if item.figure_from is None:
        return ""
    return format_html('<div class="muted figure-from">số liệu {}</div>', item.figure_from.short_name)


@register.simple_tag
def figure_basis(item):
    """Under a figure added up from the units below (not entered for the target), how many units reported it: a
    ward's 100% from one school of eight is read as such."""
    figure = item.figure
    if figure is None or figure.entered or not figure.reporting_units:
        return ""
    if getattr(getattr(item, "unit", None), "kind", None) == "school":  # a school's own figure: nothing below it
        return figure_unreported(item)
    # the lowest (or highest) unit's figure of a target for every unit, as the list and the reports say: "1 phòng từ 2
    # đơn vị báo cáo" read as the two schools' total
    return format_html('<div class="muted figure-basis">{} {} đơn vị báo cáo</div>{}', basis_words(figure),
                       num(figure.reporting_units), figure_unreported(item))


def basis_words(figure):
    """How a figure added up from the units below stands to them: one unit's, the lowest or the highest, or theirs."""
    if getattr(figure, "lowest", False):
        return "thấp nhất trong"
    return "cao nhất trong" if getattr(figure, "highest", False) else "từ"


@register.simple_tag
def figure_unreported(item):
    """Under the figure of a target over every school, how many of the schools that should have reported it have not
    (targets.queries.TargetStatus.unreported_note): the reason it is not met yet."""
    note = getattr(item, "unreported_note", "")
    return format_html('<div class="muted figure-unreported">{}</div>', note) if note else ""


@register.simple_tag
def evaluated_baseline(item):
    """Under a target's goal, the baseline its evaluation started from (targets.queries.TargetStatus.baseline: the
    figure the plan states, or the baseline year's: "tăng 20% so với năm 2025" starts from 2025's latest complete
    figure), labelled as the reports print it under the goal; nothing when the path starts at the first figure."""
    if item.baseline is None:
        return ""
    year = item.target.baseline_year
    return format_html('<div class="muted baseline">Giá trị nền: {}{}</div>', result(item.baseline, item.target),
                       f" (năm {year})" if year else "")


@register.simple_tag
def value_display(value, target):
    """A value entered for a target: its figure, and the counts a rate comes from."""
    if value is None or value.effective_value is None:
        return MUTED_DASH
    shown = format_html("{}", result(value.effective_value, target))
    if value.numerator is not None:
        shown += format_html('<div class="muted">{}/{}</div>', num(value.numerator), num(value.denominator))
    return shown


@register.simple_tag
def target_goal(target):
    """A target's horizons, one line each (goal · deadline · the floor no unit may fall below), and whether it
    applies to each unit (horizons prefetched)."""
    lines = [format_html("<div>{} · {}{}</div>", horizon.goal_display(), horizon.deadline_display(),
                         f" · {floor(horizon.floor_value, target)}" if horizon.floor_value is not None else "")
             for horizon in target.rows_of("horizons")]
    if target.each_unit:
        lines.append(mark_safe('<div class="muted">áp dụng cho từng đơn vị</div>'))
    return mark_safe("".join(lines))  # each line escaped by format_html


@register.filter
def cut_final_stop(text):
    """A sentence quoted inside another ("… trả lại báo cáo: <reason>. Chốt lại …"): without its own full stop."""
    return str(text).rstrip().rstrip(".").rstrip() if text else text
