"""Password rules beyond Django's own."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import AccountProfile


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with the Vietnamese message its translation lacks (it has only the plural forms' English)."""

    def get_error_message(self):
        return f"Mật khẩu này quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."


class NotTheCurrentPasswordValidator:
    """A new password must differ from the one it replaces."""

    def validate(self, password, user=None):
        if user is not None and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError("Mật khẩu mới không được trùng với mật khẩu hiện tại.", code="password_unchanged")

    def get_help_text(self):
        return "Mật khẩu mới phải khác mật khẩu hiện tại."


# ---- the first sign-in with a password an administrator set must change it ----

MUST_CHANGE = "_nq71_must_change_password"


def flag_password_change(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in UnitsConfig.ready): remember in the session that this account's
    password was set by an administrator, so that the middleware needs no query on later requests."""
    if hasattr(request, "session") and AccountProfile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE] = True


class PasswordChangeRequiredMiddleware:
    """Sends a session flagged at sign-in to the password change page until the password is changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE) and not self._allowed(request.path):
            if request.headers.get("HX-Request"):
                # a part of a page (e.g. the notification count, reports:notification_count): never the password
                # page swapped into it, which could hold the same part and ask again without end. Nothing to swap;
                # from another page, htmx goes to the password page.
                response = HttpResponse(status=204)
                if urlsplit(request.headers.get("HX-Current-URL", "")).path != reverse("password_change"):
                    response["HX-Redirect"] = reverse("password_change")
                return response
            messages.warning(request, "Mật khẩu của bạn do quản trị viên đặt: hãy đặt mật khẩu mới của riêng "
                                      "bạn trước khi tiếp tục.")
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed(path):
        return path in (reverse("password_change"), reverse("logout")) or path.startswith(settings.STATIC_URL)


# ---- sign-in throttling (django-axes) ----


def forget_own_failures(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in UnitsConfig.ready): a sign-in clears the failed attempts recorded for
    its own account, from any address, and nothing else. Axes's AXES_RESET_ON_SUCCESS also cleared every failure
    of the address: anyone holding an account signed in with it after every four wrong guesses at another account's
    password, and neither that account nor the address was ever locked."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()
