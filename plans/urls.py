from django.urls import path

from . import views, views_merge

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

# the units' merge pages, under /quan-tri/don-vi/ beside the other units pages (config/urls.py, namespace "merges"):
# a merge hands the merged units' tasks on, which the units layer may not know of
merge_urlpatterns = [
    path("sap-nhap/", views_merge.unit_merge, name="unit_merge"),
    path("sap-nhap-truong/", views_merge.unit_merge_schools, name="unit_merge_schools"),
]
