"""The Celery application. With no CELERY_BROKER_URL, tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")

app = Celery("secondo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
