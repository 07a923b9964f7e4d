"""`python manage.py send_approvals`: email fresh links for pending drafts that have none live."""

from django.core.management.base import BaseCommand

from mailagent.services.approvals import approval_requests_send


class Command(BaseCommand):
    help = (
        "Send approval links for every pending draft whose links expired, were used or never sent."
    )

    def handle(self, *args, **options):
        links = approval_requests_send()
        if not links:
            self.stdout.write("Every pending draft already has a live approval link.")
        for link in links:
            self.stdout.write(f"{link.approver}  draft #{link.draft_id}  {link.url}")
