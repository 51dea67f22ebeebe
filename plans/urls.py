from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("<int:pk>/bao-quat/", views.plan_coverage_view, name="plan_coverage"),
]

public_urlpatterns = [
    path("", views.plan_public_list, name="plan_public_list"),
    path("<int:pk>/", views.plan_public, name="plan_public"),
]
