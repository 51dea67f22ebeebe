from django import template

from targets.fields import format_number

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
    if value is None or value == "":
        return "—"
    return f"{format_number(value, int(places))}%"


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
