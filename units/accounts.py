"""Writes of the account administration pages: accounts, roles, password e-mails; each one recorded as an
AdminEvent (who, when, what). Access is checked by the views (units/access.py) before these are called."""

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import access
from .links import absolute_url
from .models import AccountProfile, AdminEvent, Membership

logger = logging.getLogger(__name__)


def split_full_name(full_name):
    """(first_name, last_name) so that Django's get_full_name() gives the name back in Vietnamese order."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def taken_username(username):
    return f"Tên đăng nhập “{username}” vừa được tạo cho một tài khoản khác (có thể do một quản trị viên khác)."


def _check_still_free(username, email):
    """The login (in any case) and the address are still free: the form checked them before, and another
    administrator may have created the same account since (two offices entering the same list)."""
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        raise ValidationError({"username": taken_username(username)})
    if email and users.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"Địa chỉ {email} vừa được dùng cho một tài khoản khác (có thể do một quản "
                                        "trị viên khác)."})


@transaction.atomic
def create_account(*, username, full_name, email, unit, role, by, title="", password="", imported=False):
    """A new account with one role in `unit`. Without a password it can only be opened from the set-password
    e-mail (send_password_link); with one set by the administrator it must be changed at the first sign-in.
    Refused for a role the administrator `by` may not give (whatever page or command calls this)."""
    if by is not None and not access.can_grant_role(by, unit, role):
        raise ValidationError(access.grant_refusal(role))
    _check_still_free(username, email)
    first_name, last_name = split_full_name(full_name)
    user = get_user_model()(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same login saved by another administrator at this very moment
        raise ValidationError({"username": taken_username(username)}) from None
    AccountProfile.objects.create(user=user, home_unit=unit, must_change_password=bool(password))
    Membership.objects.create(user=user, unit=unit, role=role, title=title)
    action = AdminEvent.Action.ACCOUNT_IMPORTED if imported else AdminEvent.Action.ACCOUNT_CREATED
    AdminEvent.objects.create(action=action, account=user, unit=unit, role=role, by=by,
                              detail="Mật khẩu tạm do quản trị viên đặt" if password else "")
    return user


@transaction.atomic
def grant_role(*, account, unit, role, by, title=""):
    """Give `account` the role in `unit` (a role taken earlier is given back); refused if it holds it already,
    and to one's own account whatever page or command calls this."""
    if by is not None and not access.can_give_roles(by, account):
        raise ValidationError(access.SELF_GRANT_REFUSAL if account.pk == by.pk else access.PEER_GRANT_REFUSAL)
    if by is not None and not access.can_grant_role(by, unit, role):
        raise ValidationError(access.grant_refusal(role))
    membership = Membership.objects.select_for_update().filter(user=account, unit=unit, role=role).first()
    if membership is not None and membership.is_active:
        raise ValidationError("Tài khoản đã có vai trò này tại đơn vị này.")
    if membership is None:
        membership = Membership(user=account, unit=unit, role=role, title=title)
        membership.full_clean()
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:  # given by another administrator at this very moment (no row to lock before)
            raise ValidationError("Tài khoản vừa được giao vai trò này tại đơn vị này (có thể do một quản trị viên "
                                  "khác).") from None
    else:
        membership.is_active, membership.title = True, title or membership.title
        membership.save(update_fields=["is_active", "title"])
    AdminEvent.objects.create(action=AdminEvent.Action.ROLE_GRANTED, account=account, unit=unit, role=role, by=by,
                              detail=title)
    return membership


@transaction.atomic
def revoke_role(*, membership, by):
    """Take a role back: the membership stays, inactive, so that what the person did keeps its author."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    AdminEvent.objects.create(action=AdminEvent.Action.ROLE_REVOKED, account=membership.user, unit=membership.unit,
                              role=membership.role, by=by)


@transaction.atomic
def set_account_active(*, account, active, by):
    """Deactivate (sign-in refused, nothing deleted) or reactivate an account. False, and nothing logged, when it
    already was (the same button pressed twice, or by two administrators)."""
    if get_user_model().objects.select_for_update().get(pk=account.pk).is_active == active:
        account.is_active = active
        return False
    account.is_active = active
    account.save(update_fields=["is_active"])
    action = AdminEvent.Action.ACCOUNT_REACTIVATED if active else AdminEvent.Action.ACCOUNT_DEACTIVATED
    AdminEvent.objects.create(action=action, account=account, by=by)
    return True


# the temporary passwords the portal makes: no 0/o, 1/l/i that a person reading it out would confuse
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_PASSWORD_DETAIL = "Mật khẩu tạm do quản trị viên đặt"


def make_temporary_password():
    """Three groups of four characters (about 59 bits): read out over the phone, typed once, changed at once."""
    return "-".join("".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


@transaction.atomic
def set_temporary_password(*, account, by):
    """A new password made by the portal for an account that cannot receive the set-password e-mail; returned
    to be shown once. The account must change it at its next sign-in, as after create_account with a password;
    its open sessions and set-password links end, since both depend on the password."""
    password = make_temporary_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    AccountProfile.objects.update_or_create(user=account, defaults={"must_change_password": True,
                                                                    "password_changed_at": timezone.now()})
    AdminEvent.objects.create(action=AdminEvent.Action.PASSWORD_SET, account=account, by=by,
                              detail=TEMPORARY_PASSWORD_DETAIL)
    return password


def account_fingerprint(account):
    """A digest of what the edit page shows of an account (its name and address), posted back hidden so that a
    save from a page opened before another administrator's is refused (update_account) instead of putting back the
    name or address the other replaced."""
    text = json.dumps([account.first_name, account.last_name, account.email], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class StaleAccountError(Exception):
    """The account was changed since the edit page was opened: nothing was saved. `account`: as it now stands;
    `latest`: the AdminEvent of that change, if it was made on these pages."""

    def __init__(self, account, latest):
        who = ""
        if latest is not None:
            name = latest.by.get_full_name() or latest.by.username if latest.by else "(không rõ)"
            who = f" ({name}, lúc {timezone.localtime(latest.at):%H:%M %d/%m/%Y}: {latest.detail})"
        super().__init__(
            f"Tài khoản đã được sửa sau khi bạn mở trang này{who}, nên thay đổi của bạn chưa được lưu. Hiện nay: họ và "
            f"tên “{account.get_full_name() or '(chưa có)'}”, thư điện tử {account.email or '(chưa có)'}. Những gì bạn "
            "nhập vẫn còn trong các ô: hãy xem lại rồi bấm “Lưu thay đổi” nếu vẫn muốn lưu.")
        self.account = account


@transaction.atomic
def update_account(*, account, full_name, email, by, seen):
    """Change an account's full name and e-mail address, logging old and new values (the address decides who
    can set the account's password). False when nothing changed.

    `seen`: account_fingerprint() of the account as the page showed it; StaleAccountError if it changed since,
    unless it already holds what is asked (the same form posted twice: nothing to do)."""
    first_name, last_name = split_full_name(full_name)
    account = get_user_model().objects.select_for_update().get(pk=account.pk)
    if seen != account_fingerprint(account):
        if (first_name, last_name, email) == (account.first_name, account.last_name, account.email):
            return False
        latest = (AdminEvent.objects.filter(account=account, action=AdminEvent.Action.ACCOUNT_UPDATED)
                  .select_related("by").order_by("-at", "-pk").first())
        raise StaleAccountError(account, latest)
    changes = []
    if (first_name, last_name) != (account.first_name, account.last_name):
        changes.append(f"Họ và tên: {account.get_full_name() or '(chưa có)'} → {full_name.strip()}")
    if email != account.email:
        changes.append(f"Thư điện tử: {account.email or '(chưa có)'} → {email or '(xóa)'}")
    if not changes:
        return False
    account.first_name, account.last_name, account.email = first_name, last_name, email
    account.save(update_fields=["first_name", "last_name", "email"])
    AdminEvent.objects.create(action=AdminEvent.Action.ACCOUNT_UPDATED, account=account, by=by, detail="; ".join(changes)[:500])
    return True


def password_link(user):
    """The absolute link that lets `user` choose a password (Django's reset token: it expires after
    PASSWORD_RESET_TIMEOUT and once used, since the token covers the password hash and last sign-in)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def send_password_link(*, account, by):
    """E-mail a new account the link to set its own password; records it. False when the mail could not go."""
    if not account.email:
        return False
    body = render_to_string("units/email/account_created.txt", {
        "user": account, "link": password_link(account), "sign_in": absolute_url(reverse("login")),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400})
    try:
        send_mail("Tài khoản của bạn trên Cổng theo dõi thực hiện Nghị quyết 71", body, None, [account.email])
    except Exception:  # a refused address must not undo the account: the administrator can send it again
        logger.exception("Could not mail the set-password link to account %s", account.pk)
        return False
    AdminEvent.objects.create(action=AdminEvent.Action.PASSWORD_LINK_SENT, account=account, by=by,
                              detail=account.email)
    return True


def record_password_change(user):
    """The account's password was just changed or set again (by its owner, a reset link, an administrator): the moment
    is kept, and what hung on the old password stops working with it, as its sessions do: the personal API keys issued
    before it (api.models.ApiTokenQuerySet.active). Someone whose account was compromised changes the password and
    expects every door closed."""
    AccountProfile.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now()})


def clear_password_change(user):
    """The user has chosen a password: no more forced change."""
    AccountProfile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


RESET_MAILS = 3  # "Quên mật khẩu" mails an account receives within RESET_MAIL_WINDOW
RESET_MAIL_WINDOW = timedelta(hours=1)


@transaction.atomic
def reset_mail_allowed(user):
    """Whether one more "Quên mật khẩu" mail may go to `user`, recorded if so (AdminEvent RESET_MAIL_SENT, in the
    account's log). Anyone may ask for one without signing in, for any address: unbounded, a script filled an
    account's mailbox with links and had the portal's mail server taken for a sender of spam. Counted in the
    database, so that the limit holds across the web server's processes and their restarts (a per-process cache
    allowed three a worker, afresh after each restart); the account's row is locked so that two requests at once
    are counted one after the other. Refused, the page answers the same as ever and nothing is sent."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    sent = AdminEvent.objects.filter(account=user, action=AdminEvent.Action.RESET_MAIL_SENT,
                                     at__gte=timezone.now() - RESET_MAIL_WINDOW).count()
    if sent >= RESET_MAILS:
        logger.warning("Password reset mail to user %s not sent: %s already sent within the hour", user.pk, sent)
        return False
    AdminEvent.objects.create(action=AdminEvent.Action.RESET_MAIL_SENT, account=user,
                              detail="Yêu cầu từ trang “Quên mật khẩu”")
    return True


def recent_reset_mails(account):
    """{"count", "last"}: the "Quên mật khẩu" mails sent to the account within a day, and when the last went."""
    return account.admin_events.filter(action=AdminEvent.Action.RESET_MAIL_SENT,
                                       at__gte=timezone.now() - timedelta(days=1)).aggregate(
        count=Count("pk"), last=Max("at"))
