"""Text inputs that refuse the NUL character in Vietnamese: Django refuses it in any text field, but says so in
English only (no translation). Every app's forms use this one rule (units sits below them all)."""

from django.core.validators import ProhibitNullCharactersValidator

NUL_REFUSAL = "Nội dung có ký tự không hợp lệ (ký tự NUL); hãy gõ lại."


class NulRefusedInVietnamese:
    """Mixed into a form field: its NUL check says NUL_REFUSAL."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [ProhibitNullCharactersValidator(message=NUL_REFUSAL)
                           if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]
