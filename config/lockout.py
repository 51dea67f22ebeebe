"""The page shown when django-axes refuses a sign-in (too many wrong passwords)."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
