import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
application = get_wsgi_application()

from backend.core.runtime import process_tune  # noqa: E402  # needs the settings and apps loaded above

process_tune()
