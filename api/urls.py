from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import errors, views, views_tokens, views_writes

app_name = "api"

v1 = [
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit_detail"),
    path("periods/", views.PeriodList.as_view(), name="period_list"),
    path("periods/<int:pk>/", views.PeriodDetail.as_view(), name="period_detail"),
    path("documents/", views.DocumentList.as_view(), name="document_list"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document_detail"),
    path("tasks/", views.TaskList.as_view(), name="task_list"),
    path("indicators/", views.IndicatorList.as_view(), name="indicator_list"),
    path("targets/", views.TargetList.as_view(), name="target_list"),
    path("targets/<int:pk>/", views.TargetDetail.as_view(), name="target_detail"),
    path("targets/<int:pk>/values/<int:period_pk>/", views_writes.TargetValueView.as_view(), name="target_value"),
    path("values/", views.ValueList.as_view(), name="value_list"),
    path("values/deleted/", views.DeletedValueList.as_view(), name="deleted_value_list"),
    path("values/bulk/", views_writes.BulkValuesView.as_view(), name="value_bulk"),
    path("values/<int:pk>/", views.ValueDetail.as_view(), name="value_detail"),
    path("school-reports/", views.SchoolReportList.as_view(), name="school_report_list"),
    path("school-reports/<int:pk>/", views.SchoolReportDetail.as_view(), name="school_report_detail"),
    path("schools/<int:school_pk>/reports/<int:period_pk>/", views_writes.SchoolReportSaveView.as_view(),
         name="school_report_save"),
    path("schools/<int:school_pk>/reports/<int:period_pk>/submit/", views_writes.SchoolReportSubmitView.as_view(),
         name="school_report_submit"),
    path("outgoing-reports/", views.OutgoingReportList.as_view(), name="outgoing_report_list"),
    path("outgoing-reports/<int:pk>/", views.OutgoingReportDetail.as_view(), name="outgoing_report_detail"),
    path("outgoing-reports/<int:pk>/files/<str:fmt>/", views.OutgoingReportFile.as_view(),
         name="outgoing_report_file"),
    path("rollups/", views.RollupView.as_view(), name="rollups"),
    path("evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("export/", views.ExportView.as_view(), name="export"),
    re_path(r"^(?P<rest>.*)$", errors.unknown_address, name="unknown_address"),  # last: JSON, not the HTML 404
]

# Mounted at /api/ by config/urls.py: the versioned API, its schema and documentation, and the pages where people
# manage their tokens and their units' service accounts.
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
         name="docs"),
    path("khoa-truy-cap/", views_tokens.token_list, name="token_list"),
    path("khoa-truy-cap/<int:pk>/thu-hoi/", views_tokens.token_revoke, name="token_revoke"),
    path("tai-khoan-dich-vu/", views_tokens.service_account_list, name="service_account_list"),
    path("tai-khoan-dich-vu/<int:pk>/khoa-moi/", views_tokens.service_token_issue, name="service_token_issue"),
    path("tai-khoan-dich-vu/<int:pk>/ngung/", views_tokens.service_account_deactivate,
         name="service_account_deactivate"),
    path("tai-khoan-dich-vu/khoa/<int:pk>/thu-hoi/", views_tokens.service_token_revoke, name="service_token_revoke"),
]
