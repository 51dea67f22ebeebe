from django.urls import path

from . import views, views_builds, views_outgoing

app_name = "reports"

urlpatterns = [
    path("gui-len/chot/", views_outgoing.report_finalise, name="report_finalise"),
    path("gui-len/<int:pk>/", views_outgoing.outgoing_detail, name="outgoing_detail"),
    path("gui-len/<int:pk>/gui/", views_outgoing.outgoing_send, name="outgoing_send"),
    path("gui-len/<int:pk>/tai/<str:fmt>/", views_outgoing.outgoing_download, name="outgoing_download"),
    path("nhan-tu-cap-duoi/", views_outgoing.report_inbox, name="report_inbox"),
    path("", views.school_report_list, name="school_report_list"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/", views.school_report_detail, name="school_report_detail"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/excel/", views.school_report_xlsx, name="school_report_xlsx"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/excel/tai-len/", views.school_report_upload,
         name="school_report_upload"),
    path("<int:pk>/duyet/", views.school_report_approve, name="school_report_approve"),
    path("<int:pk>/tra-lai/", views.school_report_return, name="school_report_return"),
    path("tinh-hinh-nop/", views.period_completeness, name="period_completeness"),
    path("bang-dieu-khien/", views.dashboard_unit, name="dashboard_unit"),
    path("bang-dieu-khien/cap-duoi/", views.dashboard_drilldown, name="dashboard_drilldown"),
    path("ky/<int:period_pk>/nhac-nop/", views.period_remind, name="period_remind"),
    path("ky/<int:period_pk>/gia-han/", views.period_exception, name="period_exception"),
    path("tao-bao-cao/", views_builds.build_request, name="build_request"),
    path("tao-bao-cao/da-tao/", views_builds.build_list, name="build_list"),
    path("tao-bao-cao/<int:pk>/", views_builds.build_status, name="build_status"),
    path("tao-bao-cao/<int:pk>/tai/<str:fmt>/", views_builds.build_download, name="build_download"),
]
