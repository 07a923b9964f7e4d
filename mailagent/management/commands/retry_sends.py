"""`python manage.py retry_sends`: try again the sends a server deferred, once they are due.

The "retry due sends" schedule runs the same thing every minute under `qcluster`; without one
(the embedded setup) run this from cron, or by hand.
"""

from django.core.management.base import BaseCommand

from mailagent.services.delivery import sends_retry_due


class Command(BaseCommand):
    help = "Try again every deferred send that is due; mark attempts left hanging as unknown."

    def handle(self, *args, **options):
        due = sends_retry_due()
        self.stdout.write(f"{len(due)} deferred send(s) tried again.")
