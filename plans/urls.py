from django.urls import path

from . import views

# Mounted by config/urls.py in the "public" namespace, beside reports' public page of a plan.
public_urlpatterns = [
    path("", views.plan_public_list, name="plan_public_list"),
]
