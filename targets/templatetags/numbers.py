from django import template

from targets.fields import format_number, format_percent, format_result

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
def progress_status(code):
    from targets.models import ProgressStatus

    return dict(ProgressStatus.choices).get(code, code)


@register.filter
def person(user):
    """A user's full name (Vietnamese order as stored), else the login, else a dash."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
