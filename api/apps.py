from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API và khóa truy cập"

    def ready(self):
        from . import schema  # noqa: F401  (registers how the schema describes the token authentication)
