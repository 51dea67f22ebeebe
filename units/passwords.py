"""Password rules beyond Django's own."""

from django.core.exceptions import ValidationError


class NotTheCurrentPasswordValidator:
    """A new password must differ from the one it replaces."""

    def validate(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError("Mật khẩu mới không được trùng với mật khẩu hiện tại.", code="password_unchanged")

    def get_help_text(self):
        return "Mật khẩu mới phải khác mật khẩu hiện tại."
