from django.urls import path

from . import views

app_name = "plans"

# under /ke-hoach/ (config/urls.py), beside the importer's pages
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/ban-hanh/", views.plan_enact, name="plan_enact"),
    path("<int:pk>/sua-doi/", views.plan_amend, name="plan_amend"),
    path("<int:pk>/thay-the/", views.plan_replace, name="plan_replace"),
    path("nhiem-vu/", views.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task_update"),
    path("nhiem-vu/<int:pk>/giao/", views.task_assign, name="task_assign"),
    path("nhiem-vu/minh-chung/<int:pk>/", views.task_evidence_download, name="task_evidence_download"),
]

# Mounted by config/urls.py in the "public" namespace, beside reports' public page of a plan.
public_urlpatterns = [
    path("", views.plan_public_list, name="plan_public_list"),
]
