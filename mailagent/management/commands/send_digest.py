"""`python manage.py send_digest`: email today's digest to the digest recipients."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mailagent.services.digest import digest_send


class Command(BaseCommand):
    help = (
        "Send the daily digest (drafts waiting, sent, escalated, quarantined, receivables, the "
        "week's figures) and raise drafts waiting too long to the backup approvers."
    )

    def handle(self, *args, **options):
        result = digest_send()
        if result is None:
            self.stdout.write("DIGEST_MODE=off: no digest sent.")
            return
        if not result.mails and settings.DIGEST_MODE == "shadow":
            self.stdout.write("DIGEST_MODE=shadow: the digest was gathered and recorded, not sent.")
            return
        for draft in result.reminded:
            self.stdout.write(f"Raised to the backup approvers: draft #{draft.pk} {draft.subject}")
        for mail in result.mails:
            line = f"{mail.status}: {', '.join(mail.recipients)}: {mail.subject}"
            self.stdout.write(self.style.SUCCESS(line) if mail.status == "sent" else line)
        if not result.mails:
            self.stdout.write("No digest recipients are configured.")
