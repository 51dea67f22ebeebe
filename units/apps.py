from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        from .sessions import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="units.stamp_session")
