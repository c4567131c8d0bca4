"""Production: every secret comes from the environment; nothing insecure by default.

``python manage.py check --deploy --fail-level WARNING`` passes with these settings (tests/core/test_deploy.py
and .ci/run check it with dummy secrets). See docker/.env.example for every variable.
"""

from .base import *  # noqa: F403
from .base import LOGGING, STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# TLS ends at the proxy in front of gunicorn, which says so with X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The container's health check asks gunicorn directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Database connections are kept for a minute and checked before reuse.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
CONN_HEALTH_CHECKS = True

# Stored files (invoice PDFs): the local disk (a volume in compose) or an S3-compatible bucket.
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE == "s3":
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
                "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
                "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
                "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
                # Invoices are private: no public ACL, links are signed and expire.
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
elif FILE_STORAGE != "local":
    raise ValueError(f"FILE_STORAGE is 'local' or 's3', not {FILE_STORAGE!r}.")
else:
    STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}

# JSON log lines with the request id, and a line per request.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "text"):
    raise ValueError(f"LOG_FORMAT is 'json' or 'text', not {LOG_FORMAT!r}.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["secondo.request"]["level"] = env.str("REQUEST_LOG_LEVEL", default="INFO")

# Errors to Sentry when SENTRY_DSN is set.
from backend.core.observability import sentry_init  # noqa: E402

SENTRY_ENABLED = sentry_init(
    dsn=env.str("SENTRY_DSN", default=""),
    environment=env.str("SENTRY_ENVIRONMENT", default="production"),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    release=env.str("SENTRY_RELEASE", default=""),
)
