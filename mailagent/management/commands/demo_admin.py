"""`python manage.py demo_admin`: on a development machine with no users yet, create an admin
login for the audit trail and print it once. Does nothing in production or when users exist."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a first admin user on a development machine and print its password once."

    def handle(self, *args, **options):
        User = get_user_model()
        if settings.PRODUCTION:
            self.stdout.write("ENVIRONMENT=production: create users with `createsuperuser`.")
            return
        if User.objects.exists():
            self.stdout.write("Admin login: the user created earlier (see `createsuperuser`).")
            return
        password = secrets.token_urlsafe(9)
        User.objects.create_superuser(
            "admin", settings.APPROVER_EMAILS[0] if settings.APPROVER_EMAILS else "", password
        )
        self.stdout.write(f"Admin login for {settings.PORTAL_BASE_URL}/admin/: admin / {password}")
