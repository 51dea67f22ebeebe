"""Form widgets written in Python where Django's own templates are a few lines of HTML.

Django renders every widget through a template: an <input> is input.html including attrs.html, a <select> one
template per option. On a school's report (thirty fields) and on the target list that was a third of the
page's CPU, and about one request's CPU in twenty of the whole load (docs/benchmarks.md). This renderer writes
the same HTML for Django's plain widget templates (the input types, textarea, select with its options), and
hands every other template (the project's own widgets, checkbox lists, anything it is not sure of) to Django's
renderer. tests/test_form_renderer.py compares its output with Django's templates, byte for byte, for every
case it writes.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# Django's templates that are `{% include "django/forms/widgets/input.html" %}` and nothing else
INPUTS = {f"{WIDGETS}{name}.html" for name in (
    "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search", "tel",
    "text", "time", "url")}
OPTION = f"{WIDGETS}select_option.html"


class Unsure(Exception):
    """A value this renderer would not write exactly as Django's template does: Django's renderer writes it."""


def _text(value):
    """`{{ value|stringformat:'s' }}` under autoescape: "%s" of the value, escaped unless the value was safe."""
    if isinstance(value, tuple):  # stringformat formats a tuple's items; never in a widget: leave it to Django
        raise Unsure
    text = str(value)  # what "%s" % value gives for anything but a tuple
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _shown(value):
    """`{{ value }}` of a string under autoescape (a number or a date would be localised: not written here)."""
    if not isinstance(value, (str, Promise)):
        raise Unsure
    return conditional_escape(value)


def _attrs(attrs):
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_text(value)}"'
        for name, value in attrs.items() if value is not False)


def _input(widget):
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget):
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option):
    if option["template_name"] != OPTION:
        raise Unsure
    return (f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
            f'{_shown(option["label"])}</option>\n')


def _select(widget):
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    **dict.fromkeys(INPUTS, _input),  # each includes input.html
    f"{WIDGETS}input.html": _input,
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
}


class WidgetRenderer(DjangoTemplates):
    """Django's default form renderer, but for the plain widget templates above, written in Python."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if widget is not None:
            try:
                return writer(widget).strip()  # as Django's renderer strips what its template wrote
            except Unsure:
                pass
        return super().render(template_name, context, request)
