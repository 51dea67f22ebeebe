"""Idempotency-Key: a write sent again with the same key (after a timeout, a lost answer) gets the first answer
again and changes nothing. Keys belong to the token that sent them (to the user, for the browser's session).
Answers are kept API_IDEMPOTENCY_KEEP_HOURS: a key older than that counts as new, and the hourly sweep
(api.tasks.sweep_idempotency_keys) deletes it."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .errors import InvalidHeader
from .models import ApiToken, IdempotentRequest

HEADER = "Idempotency-Key"
REUSED = "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác: hãy dùng khóa mới cho mỗi yêu cầu mới."


class _Taken(Exception):
    """Another request with the same key committed first: this one's writes are rolled back."""


def idempotent(request, handle):
    """The answer of handle() (a function returning a Response, writing in its own transaction): with an
    Idempotency-Key header, kept with the key in the same transaction, and given again to a retry."""
    key = request.headers.get(HEADER)
    if key is None:
        return handle()
    key = key.strip()
    if not key or len(key) > 255:
        raise InvalidHeader({HEADER: ["Khóa Idempotency-Key phải có từ 1 đến 255 ký tự."]})
    token = request.auth if isinstance(request.auth, ApiToken) else None
    owner = {"token": token} if token is not None else {"user": request.user, "token": None}
    fingerprint = hashlib.sha256(
        f"{request.method} {request.path}\n{json.dumps(request.data, sort_keys=True, default=str)}".encode()).hexdigest()
    try:
        with transaction.atomic():
            stored = IdempotentRequest.objects.select_for_update().filter(key=key, **owner).first()
            if stored is not None and stored.created_at < expiry():
                stored.delete()  # forgotten: the sweep had not come round to it yet
                stored = None
            if stored is not None:
                return _replay(stored, fingerprint)
            response = handle()
            if response.status_code >= 500:
                return response
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(user=request.user, token=token, key=key, fingerprint=fingerprint,
                                                     status_code=response.status_code, body=body)
            except IntegrityError as error:
                raise _Taken from error
            return response
    except _Taken:
        return _replay(IdempotentRequest.objects.get(key=key, **owner), fingerprint)


def expiry(now=None):
    """Keys stored before this moment are forgotten."""
    return (now or timezone.now()) - timedelta(hours=settings.API_IDEMPOTENCY_KEEP_HOURS)


def sweep(now=None):
    """Delete the answers kept longer than API_IDEMPOTENCY_KEEP_HOURS; returns how many."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=expiry(now)).delete()
    return deleted


def _replay(stored, fingerprint):
    if stored.fingerprint != fingerprint:
        return Response({"detail": REUSED, "code": "idempotency_key_reused"}, status=422)
    return Response(stored.body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})
