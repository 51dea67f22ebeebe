from django.contrib.auth import views as auth_views
from django.urls import path

from . import views_accounts, views_units

app_name = "units"

urlpatterns = [
    path("tai-khoan/", views_accounts.account_list, name="account_list"),
    path("tai-khoan/tao/", views_accounts.account_create, name="account_create"),
    path("tai-khoan/nhap-excel/", views_accounts.account_import, name="account_import"),
    path("tai-khoan/nhap-excel/mau.xlsx", views_accounts.account_import_template, name="account_import_template"),
    path("tai-khoan/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path("tai-khoan/<int:pk>/giao-vai-tro/", views_accounts.role_grant, name="role_grant"),
    path("tai-khoan/<int:pk>/thu-hoi/<int:membership_pk>/", views_accounts.role_revoke, name="role_revoke"),
    path("tai-khoan/<int:pk>/ngung/", views_accounts.account_set_active, {"active": False},
         name="account_deactivate"),
    path("tai-khoan/<int:pk>/mo-lai/", views_accounts.account_set_active, {"active": True},
         name="account_reactivate"),
    path("tai-khoan/<int:pk>/gui-thu/", views_accounts.account_send_link, name="account_send_link"),
    path("tai-khoan/<int:pk>/sua/", views_accounts.account_edit, name="account_edit"),
    path("tai-khoan/<int:pk>/mat-khau-tam/", views_accounts.account_set_password, name="account_set_password"),
    path("don-vi/", views_units.unit_list, name="unit_list"),
    path("don-vi/tim/", views_units.unit_field_search, name="unit_field_search"),
    path("don-vi/them/", views_units.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/doi-ten/", views_units.unit_rename, name="unit_rename"),
    path("don-vi/<int:pk>/ngung/", views_units.unit_close, name="unit_close"),
]

# Django's password pages under their own names (its views reverse them unnamespaced), in Vietnamese.
auth_urlpatterns = [
    path("doi-mat-khau/", views_accounts.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-mat-khau/<uidb64>/<token>/", views_accounts.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("dat-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
