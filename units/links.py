"""Absolute links for e-mails: a mail client has no page to resolve a relative link against."""

from django.conf import settings


def absolute_url(path):
    """The portal's address (settings.PORTAL_URL) followed by `path`, a result of reverse()."""
    return settings.PORTAL_URL.rstrip("/") + "/" + path.lstrip("/")
