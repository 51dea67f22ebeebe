# Reports point to periods.Period (state only: the tables are the same) and Period leaves this app's
# state. The links between targets and reports are turned to point from reports down to targets:
# IndicatorSource takes Indicator.numerator_item / denominator_item, ReportValue takes
# ProgressValue.report; the rows are copied here, targets 0004 then drops the old columns.

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    Indicator = apps.get_model("targets", "Indicator")
    ProgressValue = apps.get_model("targets", "ProgressValue")
    IndicatorSource = apps.get_model("reports", "IndicatorSource")
    ReportValue = apps.get_model("reports", "ReportValue")
    IndicatorSource.objects.bulk_create(
        IndicatorSource(indicator_id=pk, numerator_item_id=numerator, denominator_item_id=denominator)
        for pk, numerator, denominator in Indicator.objects.filter(numerator_item__isnull=False)
        .values_list("pk", "numerator_item_id", "denominator_item_id")
    )
    links = ProgressValue.objects.filter(report__isnull=False).values_list("pk", "report_id")
    ReportValue.objects.bulk_create(
        (ReportValue(value_id=pk, report_id=report) for pk, report in links.iterator()), batch_size=2000
    )


def move_content_types(apps, schema_editor):
    """Permissions and admin history of periods follow the models to their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("period", "periodexception"):
        old = ContentType.objects.filter(app_label="reports", model=model).first()
        if old is None:
            continue
        if ContentType.objects.filter(app_label="periods", model=model).exists():
            continue  # created by an earlier run of post_migrate: leave both, nothing refers to the new one yet
        old.app_label = "periods"
        old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="periods", model__in=["period", "periodexception"]).update(
        app_label="reports")


def restore_links(apps, schema_editor):
    Indicator = apps.get_model("targets", "Indicator")
    ProgressValue = apps.get_model("targets", "ProgressValue")
    for source in apps.get_model("reports", "IndicatorSource").objects.all():
        Indicator.objects.filter(pk=source.indicator_id).update(
            numerator_item_id=source.numerator_item_id, denominator_item_id=source.denominator_item_id)
    for link in apps.get_model("reports", "ReportValue").objects.all().iterator():
        ProgressValue.objects.filter(pk=link.value_id).update(report_id=link.report_id)


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0001_initial'),
        ('reports', '0005_move_periods_tables'),
        ('targets', '0003_period_from_periods_and_collected'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='outgoingreport',
                    name='period',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outgoing_reports', to='periods.period', verbose_name='kỳ báo cáo'),
                ),
                migrations.AlterField(
                    model_name='schoolreport',
                    name='period',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='school_reports', to='periods.period', verbose_name='kỳ báo cáo'),
                ),
                migrations.AlterField(
                    model_name='reportbuild',
                    name='period',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_builds', to='periods.period', verbose_name='kỳ báo cáo'),
                ),
                migrations.DeleteModel(name='PeriodException'),
                migrations.DeleteModel(name='Period'),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name='IndicatorSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('denominator_item', models.ForeignKey(blank=True, help_text='Để trống với tỷ lệ trường: mỗi trường là 1 (tử số 1 nếu mục có giá trị lớn hơn 0).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reports.reportitem', verbose_name='mẫu số lấy từ mục báo cáo')),
                ('indicator', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='targets.indicator', verbose_name='chỉ số')),
                ('numerator_item', models.ForeignKey(help_text='Với tỷ lệ; với số lượng, mức độ: giá trị lấy từ mục này.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reports.reportitem', verbose_name='tử số lấy từ mục báo cáo')),
            ],
            options={
                'verbose_name': 'nguồn số liệu của chỉ số',
                'verbose_name_plural': 'nguồn số liệu của chỉ số',
            },
        ),
        migrations.CreateModel(
            name='ReportValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.schoolreport', verbose_name='báo cáo')),
                ('value', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='targets.progressvalue', verbose_name='số liệu')),
            ],
            options={
                'verbose_name': 'số liệu từ báo cáo của trường',
                'verbose_name_plural': 'số liệu từ báo cáo của trường',
            },
        ),
        migrations.RunPython(copy_links, restore_links),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
