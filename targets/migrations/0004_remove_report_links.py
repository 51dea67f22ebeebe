# The links to reports now live in reports (IndicatorSource, ReportValue, filled by reports 0006).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_periods_moved_and_links_down'),
        ('targets', '0003_period_from_periods_and_collected'),
    ]

    operations = [
        migrations.RemoveField(model_name='indicator', name='denominator_item'),
        migrations.RemoveField(model_name='indicator', name='numerator_item'),
        migrations.RemoveField(model_name='progressvalue', name='report'),
    ]
