from django.urls import path

from . import views

app_name = "importer"

# under /ke-hoach/ (config/urls.py), where the import pages have always been
urlpatterns = [
    path("nhap/", views.plan_import_upload, name="plan_import_upload"),
    path("nhap/<int:pk>/", views.plan_import_review, name="plan_import_review"),
    path("nhap/<int:pk>/de-xuat/<int:index>/", views.plan_import_decide, name="plan_import_decide"),
    path("nhap/<int:pk>/de-xuat/<int:index>/sap-xep/", views.plan_import_arrange, name="plan_import_arrange"),
    path("nhap/<int:pk>/nhiem-vu/", views.plan_import_tasks, name="plan_import_tasks"),
    path("nhap/<int:pk>/thoi-han-muc/", views.plan_import_section_horizon, name="plan_import_section_horizon"),
    path("nhap/<int:pk>/can-cu/", views.plan_import_cited, name="plan_import_cited"),
    path("nhap/<int:pk>/tao/", views.plan_import_create, name="plan_import_create"),
    path("nhap/<int:pk>/huy/", views.plan_import_discard, name="plan_import_discard"),
    path("nhap/<int:pk>/doc-lai/", views.plan_import_retry, name="plan_import_retry"),
    path("nhap/<int:pk>/xong/", views.plan_import_done, name="plan_import_done"),
]
