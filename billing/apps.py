from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Invoicing and payments (invoicing and payments issues build it out)."""

    name = "billing"
    default_auto_field = "django.db.models.BigAutoField"
