"""The periods each unit has reported upward so far (periods.ReportedPeriod), from the reports it sent: a ward merged
since then keeps its figures of those periods in the report it sent, not again in its successor's."""

from django.db import migrations


def record_sent(apps, schema_editor):
    OutgoingReport = apps.get_model("reports", "OutgoingReport")
    ReportedPeriod = apps.get_model("periods", "ReportedPeriod")
    sent = OutgoingReport.objects.filter(sent_at__isnull=False).values_list("unit_id", "period_id").distinct()
    ReportedPeriod.objects.bulk_create([ReportedPeriod(unit_id=unit, period_id=period) for unit, period in sent],
                                       ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("periods", "0002_reported_period"),
        ("reports", "0013_report_event_attachments"),
    ]

    operations = [migrations.RunPython(record_sent, migrations.RunPython.noop)]
