from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and the synthetic province: the one app that may import all the others."""

    name = "demo"
    verbose_name = "Dữ liệu minh họa"
