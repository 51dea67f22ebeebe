"""Sessions that end after a period without requests.

The session's expiry is SESSION_COOKIE_AGE from its last save. Saving on every request would cost a
write per page; instead the middleware saves it again when the last refresh is more than
SESSION_REFRESH_SECONDS old, so a session ends between AGE - REFRESH and AGE after the last request.
Sign-in stamps the session, so that the requests right after it write nothing either.
"""

import time

from django.conf import settings

STAMP = "_nq71_seen"


def stamp_session(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in UnitsConfig.ready): the session is fresh."""
    if hasattr(request, "session"):
        request.session[STAMP] = int(time.time())


class IdleSessionMiddleware:
    """Moves a signed-in session's expiry forward at most every SESSION_REFRESH_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            now = int(time.time())
            if now - session.get(STAMP, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[STAMP] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
