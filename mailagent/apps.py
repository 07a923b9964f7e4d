from django.apps import AppConfig


class MailagentConfig(AppConfig):
    name = "mailagent"
    verbose_name = "Mail agent"
    default_auto_field = "django.db.models.BigAutoField"
