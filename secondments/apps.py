from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SecondmentsConfig(AppConfig):
    name = "secondments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The approval inboxes' change records are written by database triggers (secondments/inbox_changes.py).
        from secondments.inbox_changes import installed_after_migrate

        post_migrate.connect(installed_after_migrate, sender=self, dispatch_uid="secondo-inbox-change-triggers")
