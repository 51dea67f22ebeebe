from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_count(user):
    """How many of the user's notifications are unread: one COUNT."""
    return Notification.objects.filter(user=user).unread().count()


def notifications(request):
    """The count of unread notifications in the top bar (templates/reports/notification_count.html), counted only
    when a template shows it: an htmx fragment or a page without the top bar costs no query, a signed-out one none."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
