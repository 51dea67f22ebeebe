"""A user's notifications (the list, the count in the top bar, marking read, the e-mail choices) and the
calendar of the periods' deadlines and lock dates that concern them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import deadlines
from .context_processors import unread_count
from .forms import NotificationPreferenceForm
from .models import Notification, NotificationPreference

SHOWN = 100  # the latest notifications the list shows


@login_required
def notification_list(request):
    notifications = list(Notification.objects.filter(user=request.user)[:SHOWN])
    return render(request, "reports/notification_list.html", {
        "notifications": notifications, "unread": sum(1 for n in notifications if n.read_at is None),
        "form": NotificationPreferenceForm(user=request.user),
    })


@login_required
def notification_count(request):
    """The count of unread notifications in the top bar alone, as a fragment for htmx; a full page shows the same
    count without asking for it (reports.context_processors.notifications)."""
    return render(request, "reports/notification_count.html", {"unread_notifications": unread_count(request.user)})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one of the user's notifications read and follow its link (another user's is not found)."""
    notification = get_object_or_404(Notification, user=request.user, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.link or "reports:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    marked = Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    messages.success(request, f"Đã đánh dấu {marked} thông báo là đã đọc.")
    return redirect("reports:notification_list")


@login_required
@require_POST
def notification_preferences(request):
    form = NotificationPreferenceForm(request.POST, user=request.user)
    if form.is_valid():
        NotificationPreference.objects.filter(user=request.user).delete()
        NotificationPreference.objects.bulk_create(
            NotificationPreference(user=request.user, kind=kind, by_email=False) for kind in form.turned_off())
        messages.success(request, "Đã lưu lựa chọn nhận thư điện tử.")
    else:
        messages.error(request, "Chưa lưu được lựa chọn: " + "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("reports:notification_list")


@login_required
def calendar(request):
    """Every period's deadline and lock date that concerns the user, past and future, by school year."""
    rows = deadlines.calendar_for(request.user)
    return render(request, "reports/calendar.html", {
        "rows": rows, "today": timezone.localdate(), "upcoming": [r for r in rows if not r.past][:1],
    })
