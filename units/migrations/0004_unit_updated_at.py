# When the row last changed, for the API's changed_since (units.models.TracksChanges); rows that exist take the
# moment of the migration.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0003_unit_admin_role_account_profile_admin_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, default=django.utils.timezone.now,
                                       verbose_name="cập nhật lúc"),
            preserve_default=False,
        ),
    ]
