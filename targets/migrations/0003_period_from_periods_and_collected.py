# Values point to periods.Period (same table, renamed by reports 0005: only Django's state changes),
# and an indicator says itself whether schools' reports supply it, instead of pointing up to reports.

import django.db.models.deletion
from django.db import migrations, models


def mark_collected(apps, schema_editor):
    Indicator = apps.get_model("targets", "Indicator")
    Indicator.objects.filter(numerator_item__isnull=False).update(collected_from_schools=True)


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0001_initial'),
        ('targets', '0002_indicator_denominator_item_indicator_numerator_item_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='progressvalue',
                    name='period',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='periods.period', verbose_name='kỳ báo cáo'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='indicator',
            name='collected_from_schools',
            field=models.BooleanField(default=False, help_text='Giá trị do báo cáo đã duyệt của các trường cộng lại; cán bộ không nhập trực tiếp.', verbose_name='thu từ báo cáo của trường'),
        ),
        migrations.RunPython(mark_collected, migrations.RunPython.noop),
    ]
