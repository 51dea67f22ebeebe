from django.urls import include, path

from . import views, views_builds, views_notifications, views_outgoing, views_plans

app_name = "reports"

report_urlpatterns = [
    path("gui-len/chot/", views_outgoing.report_finalise, name="report_finalise"),
    path("gui-len/<int:pk>/", views_outgoing.outgoing_detail, name="outgoing_detail"),
    path("gui-len/<int:pk>/phe-duyet/", views_outgoing.outgoing_approve, name="outgoing_approve"),
    path("gui-len/<int:pk>/gui/", views_outgoing.outgoing_send, name="outgoing_send"),
    path("gui-len/<int:pk>/xac-nhan/", views_outgoing.outgoing_answer, name="outgoing_answer"),
    path("gui-len/<int:pk>/tai/<str:fmt>/", views_outgoing.outgoing_download, name="outgoing_download"),
    path("nhan-tu-cap-duoi/", views_outgoing.report_inbox, name="report_inbox"),
    path("", views.school_report_list, name="school_report_list"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/", views.school_report_detail, name="school_report_detail"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/excel/", views.school_report_xlsx, name="school_report_xlsx"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/excel/tai-len/", views.school_report_upload,
         name="school_report_upload"),
    path("truong/<int:school_pk>/ky/<int:period_pk>/minh-chung/", views.school_report_attach,
         name="school_report_attach"),
    path("minh-chung/<int:pk>/", views.school_report_attachment, name="school_report_attachment"),
    path("minh-chung/<int:pk>/go/", views.school_report_attachment_remove, name="school_report_attachment_remove"),
    path("<int:pk>/duyet/", views.school_report_approve, name="school_report_approve"),
    path("<int:pk>/tra-lai/", views.school_report_return, name="school_report_return"),
    path("tinh-hinh-nop/", views.period_completeness, name="period_completeness"),
    path("bang-dieu-khien/", views.dashboard_unit, name="dashboard_unit"),
    path("bang-dieu-khien/cap-duoi/", views.dashboard_drilldown, name="dashboard_drilldown"),
    path("bang-dieu-khien/tim-don-vi/", views.unit_search, name="unit_search"),
    path("ky/<int:period_pk>/nhac-nop/", views.period_remind, name="period_remind"),
    path("ky/<int:period_pk>/gia-han/", views.period_exception, name="period_exception"),
    path("thong-bao/", views_notifications.notification_list, name="notification_list"),
    path("thong-bao/dem/", views_notifications.notification_count, name="notification_count"),
    path("thong-bao/<int:pk>/da-doc/", views_notifications.notification_read, name="notification_read"),
    path("thong-bao/da-doc-het/", views_notifications.notification_read_all, name="notification_read_all"),
    path("thong-bao/lua-chon/", views_notifications.notification_preferences, name="notification_preferences"),
    path("lich/", views_notifications.calendar, name="calendar"),
    path("tao-bao-cao/", views_builds.build_request, name="build_request"),
    path("tao-bao-cao/da-tao/", views_builds.build_list, name="build_list"),
    path("tao-bao-cao/<int:pk>/", views_builds.build_status, name="build_status"),
    path("tao-bao-cao/<int:pk>/tai/<str:fmt>/", views_builds.build_download, name="build_download"),
]

# Mounted at the root by config/urls.py: the report pages under /bao-cao/, and the page of a plan that
# shows its targets' figures where it has always been, beside the plan import pages under /ke-hoach/.
urlpatterns = [
    path("bao-cao/", include(report_urlpatterns)),
    path("ke-hoach/<int:pk>/bao-quat/", views_plans.plan_coverage_view, name="plan_coverage"),
]

# Mounted by config/urls.py in the "public" namespace, beside plans' list of public plans.
public_urlpatterns = [
    path("<int:pk>/", views_plans.plan_public, name="plan_public"),
]
