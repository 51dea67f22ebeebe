from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config.failures import health
from plans.urls import merge_urlpatterns
from plans.urls import public_urlpatterns as plan_public_urlpatterns
from reports.urls import public_urlpatterns as report_public_urlpatterns
from reports.views import home
from units.urls import auth_urlpatterns as units_auth_urlpatterns

admin.site.site_header = "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW"
admin.site.site_title = "Quản trị NQ71"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("", home, name="home"),
    path("suc-khoe/", health, name="health"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include(units_auth_urlpatterns)),  # password change, "Quên mật khẩu", set-password links
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("chi-tieu/", include("targets.urls")),
    path("", include("reports.urls")),  # /bao-cao/… and /ke-hoach/<pk>/bao-quat/
    path("ke-hoach/", include("importer.urls")),
    path("ke-hoach/", include("plans.urls")),  # a plan's page and life; /ke-hoach/nhiem-vu/ the tasks
    path("cong-khai/", include((plan_public_urlpatterns + report_public_urlpatterns, "public"))),
    path("api/", include("api.urls")),
    path("quan-tri/ky-bao-cao/", include("periods.urls")),  # the reporting periods, by the system administrator
    path("quan-tri/don-vi/", include((merge_urlpatterns, "merges"))),  # merging units hands their tasks on
    path("quan-tri/", include("units.urls")),  # accounts, roles and units, run by each unit's administrator
    # the admin site's own "change password" is the portal's page, which records the change (units.accounts:
    # the personal API keys issued before it stop working) and says so; the admin's form recorded nothing
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]

handler500 = "config.failures.server_error"
