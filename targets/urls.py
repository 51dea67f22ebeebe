from django.urls import path

from . import views, views_revision

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/dieu-chinh/", views_revision.target_revise, name="target_revise"),
    path("<int:pk>/ky/<int:period_pk>/nhap/", views.value_edit, name="value_edit"),
    path("<int:pk>/ky/<int:period_pk>/dong/", views.value_row, name="value_row"),
    path("<int:pk>/ky/<int:period_pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
]
