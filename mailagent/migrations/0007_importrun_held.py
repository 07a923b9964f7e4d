"""An import run records how many open invoices its export did not list, and whether it was held
for marking too many of them paid at once (EXPORT_MAX_PAID_SHARE)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailagent", "0006_raw_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="open_before",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importrun",
            name="missing",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importrun",
            name="held",
            field=models.BooleanField(db_index=True, default=False),
        ),
    ]
