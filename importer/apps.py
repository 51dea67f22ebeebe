from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """Importing a plan from a file; its PlanImport rows are plans' model."""

    name = "importer"
    verbose_name = "Nhập kế hoạch từ tệp"
