"""config/form_renderer.py writes Django's plain widgets in Python: byte for byte what Django's templates write."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.form_renderer import INPUTS, WRITERS, WidgetRenderer

DJANGO, FAST = DjangoTemplates(), WidgetRenderer()

ATTRS = [
    {},
    {"required": True, "disabled": False, "class": "a b", "aria-describedby": "id_x_error"},
    {"data-x": '"<script>&amp;', "maxlength": 10, "step": Decimal("0.01"), "placeholder": mark_safe("<b>đã</b>")},
    {"autofocus": True, "min": 0, "title": gettext_lazy("Tên đăng nhập"), "none": None},
]
VALUES = [None, "", "0", "12,5", 'a "quoted" <b>&', mark_safe("<i>an toàn</i>"), 7, Decimal("1.50"),
          date(2026, 11, 28), "Hải Phòng"]
CHOICES = [
    [("", "---------"), ("1", "Phường Dương Kinh"), ("2", 'Trường "A" & <B>')],
    [("Cấp học", [("mn", "Mầm non"), ("th", "Tiểu học")]), ("khac", gettext_lazy("Khác"))],
    [(1, 2026), (2, date(2026, 1, 1))],  # labels that are not text: Django localises them, the renderer declines
    [(mark_safe("<x>"), mark_safe("<em>nhãn</em>"))],
]


def both(widget, value, attrs):
    mine = widget.render("ten", value, attrs=attrs, renderer=FAST)
    theirs = widget.render("ten", value, attrs=attrs, renderer=DJANGO)
    return mine, theirs


@pytest.mark.parametrize("widget_class", [
    forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.PasswordInput, forms.HiddenInput,
    forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.SearchInput, forms.ColorInput, forms.TelInput,
    forms.Textarea, forms.CheckboxInput, forms.FileInput])
def test_inputs_and_textareas_as_django_writes_them(widget_class):
    widget = widget_class(render_value=True) if widget_class is forms.PasswordInput else widget_class()
    for value in VALUES:
        for attrs in ATTRS:
            mine, theirs = both(widget, value, attrs)
            assert mine == theirs, (widget_class, value, attrs)


@pytest.mark.parametrize("multiple", [False, True])
def test_selects_as_django_writes_them(multiple):
    for choices in CHOICES:
        widget = forms.SelectMultiple(choices=choices) if multiple else forms.Select(choices=choices)
        for value in ["", "1", "th", ["1", "2"], None, 1, "<x>"]:
            for attrs in ATTRS:
                mine, theirs = both(widget, value, attrs)
                assert mine == theirs, (choices, value, attrs)


def test_every_input_template_it_writes_is_only_an_include_of_input_html():
    import django

    root = django.__path__[0] + "/forms/templates/"
    for name in INPUTS:
        with open(root + name, encoding="utf-8") as template:
            assert template.read().strip() == '{% include "django/forms/widgets/input.html" %}', name
    assert set(WRITERS) == INPUTS | {"django/forms/widgets/input.html", "django/forms/widgets/textarea.html",
                                     "django/forms/widgets/select.html"}


def test_other_templates_are_django_s():
    widget = forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", "B")])
    assert widget.render("x", ["a"], renderer=FAST) == widget.render("x", ["a"], renderer=DJANGO)
    radio = forms.RadioSelect(choices=[("a", "A")])
    assert radio.render("x", "a", renderer=FAST) == radio.render("x", "a", renderer=DJANGO)


def test_it_is_the_portal_s_renderer(settings, client):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), WidgetRenderer)
    response = client.get("/dang-nhap/")
    assert 'name="username"' in response.content.decode()
