"""The bytes of an inbound message move to their own table (`RawMessage`): processing updates
every message once, and on SQLite an UPDATE rewrites the whole row, bytes included."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 200


def raws_move(apps, schema_editor):
    InboundEmail = apps.get_model("mailagent", "InboundEmail")
    RawMessage = apps.get_model("mailagent", "RawMessage")
    db = schema_editor.connection.alias
    ids = list(InboundEmail.objects.using(db).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        rows = InboundEmail.objects.using(db).filter(pk__in=ids[start : start + CHUNK])
        RawMessage.objects.using(db).bulk_create(
            RawMessage(email_id=pk, data=bytes(raw)) for pk, raw in rows.values_list("pk", "raw")
        )


def raws_return(apps, schema_editor):
    InboundEmail = apps.get_model("mailagent", "InboundEmail")
    RawMessage = apps.get_model("mailagent", "RawMessage")
    db = schema_editor.connection.alias
    for email_id, data in RawMessage.objects.using(db).values_list("email_id", "data").iterator():
        InboundEmail.objects.using(db).filter(pk=email_id).update(raw=bytes(data))


class Migration(migrations.Migration):
    dependencies = [
        ("mailagent", "0005_send_retries"),
    ]

    operations = [
        migrations.CreateModel(
            name="RawMessage",
            fields=[
                (
                    "email",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="stored",
                        serialize=False,
                        to="mailagent.inboundemail",
                    ),
                ),
                ("data", models.BinaryField()),
            ],
            options={"verbose_name": "raw message"},
        ),
        migrations.RunPython(raws_move, raws_return),
        migrations.RemoveField(model_name="inboundemail", name="raw"),
    ]
