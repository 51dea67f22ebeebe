"""A refused form shown again: its first field to correct takes the focus (autofocus), so that the browser scrolls
to it however far down the page the form is (a phone otherwise reloads the page at its top, the error unseen)."""

from django import template

register = template.Library()


@register.filter
def focus_if_refused(field):
    """The field's widget, with `autofocus` when it is the first visible field of its form that was refused."""
    form = field.form
    if form.is_bound and field.errors and _first_refused(form) == field.name:
        return field.as_widget(attrs={"autofocus": True})
    return field


def _first_refused(form):
    if not hasattr(form, "_first_refused"):  # once per form, not once per field
        form._first_refused = next((bound.name for bound in form.visible_fields() if bound.name in form.errors), None)
    return form._first_refused
