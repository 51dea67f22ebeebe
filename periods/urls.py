from django.urls import path

from . import views

app_name = "periods"

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("them/", views.period_create, name="period_create"),
    path("nam-hoc/", views.period_school_year, name="period_school_year"),
    path("<int:pk>/sua/", views.period_edit, name="period_edit"),
    path("<int:pk>/xoa/", views.period_delete, name="period_delete"),
]
