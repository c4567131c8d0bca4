from django.apps import AppConfig


class SecondmentsConfig(AppConfig):
    name = "secondments"
    default_auto_field = "django.db.models.BigAutoField"
