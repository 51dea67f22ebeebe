from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Kỳ báo cáo và báo cáo"

    def ready(self):
        from targets.queries import count_expected_schools_with

        from .queries import expected_schools

        # who should report is this layer's to say; the evaluation below it asks (targets.queries._hold_unreported)
        count_expected_schools_with(expected_schools)
