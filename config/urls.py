from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Cổng theo dõi thực hiện Nghị quyết 71-NQ/TW"
admin.site.site_title = "Quản trị NQ71"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
