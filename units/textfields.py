"""Text inputs that refuse the NUL character in Vietnamese: Django refuses it in any text field, but says so in
English only (no translation). Every app's forms use this one rule (units sits below them all).

They refuse as well the other control characters that no XML document may hold (U+0001…U+0008, U+000E…U+001F,
U+FFFE, U+FFFF): a text typed here goes into the Word, Excel and PDF reports, and a single one of them made the
Word report fail to be written (the finalised report, the build). A vertical tab or a form feed is the line break
Word puts on the clipboard (Shift+Enter, a page break): it is kept as a line break in a text of several lines, as a
space in a one-line input (which browsers keep free of line feeds).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms import Textarea

NUL_REFUSAL = "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."
CONTROL_REFUSAL = "Nội dung có ký tự điều khiển không hợp lệ (mã U+{:04X}); hãy gõ lại."

LINE_BREAKS = re.compile("[\x0b\x0c]")  # vertical tab, form feed: Word's manual line break and page break
# what XML 1.0 cannot hold but for NUL (refused by its own rule) and the two line breaks above
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
NUL_AND_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def with_line_breaks(text, into="\n"):
    """The text with Word's vertical tabs and form feeds as line feeds (or as `into`)."""
    return LINE_BREAKS.sub(into, text)


def xml_text(text):
    """`text` as an XML document can hold it: Word's line breaks as line feeds, the other control characters (NUL
    included) dropped. For what is written into a report from rows stored before the forms refused them, or
    entered where no form checks (the Django admin, an import): a single one made the Word report fail."""
    return NUL_AND_CONTROL.sub("", with_line_breaks(text))


def control_character_refusal(text):
    """CONTROL_REFUSAL naming the first control character of `text` that no report could hold, or ""."""
    found = CONTROL_CHARACTERS.search(text or "")
    return CONTROL_REFUSAL.format(ord(found.group())) if found else ""


def refuse_control_characters(value):
    """A field's validator: control_character_refusal as a ValidationError."""
    refusal = control_character_refusal(value if isinstance(value, str) else "")
    if refusal:
        raise ValidationError(refusal, code="control_character")


class NulRefusedInVietnamese:
    """Mixed into a form field: its NUL check says NUL_REFUSAL; the other control characters are refused
    (CONTROL_REFUSAL) and Word's line breaks kept as line feeds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [ProhibitNullCharactersValidator(message=NUL_REFUSAL)
                           if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]
        self.validators.append(refuse_control_characters)

    def to_python(self, value):
        value = super().to_python(value)
        if not isinstance(value, str):
            return value
        # a line break only where the input has lines: a one-line text (a unit's name, a title) never holds one,
        # since it goes into e-mail subjects, where a line break is refused
        return with_line_breaks(value, "\n" if isinstance(self.widget, Textarea) else " ")
