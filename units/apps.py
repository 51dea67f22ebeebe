from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        from .column_identity import install

        install()  # Django's column expressions hashed without inspect (units/column_identity.py)
        from .stored_files import delete_with_rows

        delete_with_rows()  # a row's files go once its deletion commits, by whatever path it is deleted
        from .passwords import flag_password_change, forget_own_failures
        from .sessions import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="units.stamp_session")
        user_logged_in.connect(flag_password_change, dispatch_uid="units.flag_password_change")
        user_logged_in.connect(forget_own_failures, dispatch_uid="units.forget_own_failures")
