from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        from .passwords import flag_password_change
        from .sessions import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="units.stamp_session")
        user_logged_in.connect(flag_password_change, dispatch_uid="units.flag_password_change")
