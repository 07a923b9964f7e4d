"""The approve-all link model now belongs to the mailagent app (its migration 0008); the table
is left in place for it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("mailagent", "0008_batchapprovallink"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="BatchApprovalLink")],
            database_operations=[],
        ),
    ]
