"""Sign-in backend: Django's ModelBackend, reading a signed-in user together with their memberships.

Every page needs the user and their active memberships (units/access.py). Read apart, they are two
queries on every request; here they are one: the memberships with their user and units. A user with no
active membership (a superuser, an account whose roles were all withdrawn) is read on its own, as Django
does.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import Membership


class MembershipModelBackend(ModelBackend):
    def get_user(self, user_id):
        rows = list(Membership.objects.active().filter(user_id=user_id).select_related("user", "unit", "unit__parent")
                    .order_by("pk"))
        if rows:
            user = rows[0].user
            for membership in rows:
                membership.user = user  # one object for the user, as a fresh read of user.memberships would give
            user._nq71_memberships = rows
        else:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None
