# Periods move to their own app (below targets and reports). The tables are renamed here, while the
# models still belong to reports in Django's state; periods 0001 then takes them over without touching
# the database, and reports 0006 drops them from this app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_outgoing_report_files'),
        ('targets', '0002_indicator_denominator_item_indicator_numerator_item_and_more'),
    ]

    operations = [
        migrations.AlterModelTable(name='period', table='periods_period'),
        migrations.AlterModelTable(name='periodexception', table='periods_periodexception'),
    ]
