"""The approve-all link model moves from the portal app to this one. Its table stays as it is
(`portal_batchapprovallink`): only Django's idea of which app owns it changes, and the content
type of the audit events that point at such links moves with it."""

from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="mailagent", model="batchapprovallink").exists():
        content_type.objects.filter(app_label="portal", model="batchapprovallink").update(
            app_label="mailagent"
        )


def content_type_goes_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="mailagent", model="batchapprovallink").update(
        app_label="portal"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mailagent", "0007_importrun_held"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BatchApprovalLink",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("approver", models.CharField(max_length=320)),
                        ("items", models.JSONField(default=list)),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField()),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "approve-all link",
                        "ordering": ["-created_at"],
                        "db_table": "portal_batchapprovallink",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_goes_back),
    ]
