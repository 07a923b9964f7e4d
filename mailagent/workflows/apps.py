from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "mailagent.workflows"
    label = "workflows"
    verbose_name = "Workflows"
    default_auto_field = "django.db.models.BigAutoField"
