"""Settings shared by every environment.

The environment is read here, and only here (django-environ). Every other
settings module imports from this one and changes what differs.
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "backend.core",
    "backend.accounts",
    "secondments",
    "billing",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id, and the request's own line times it all.
    "backend.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "backend.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Let psycopg prepare the few statements that ask for it (backend/core/db.py); Django's own queries
    # never are. DATABASE_PREPARED_STATEMENTS=false behind a connection pooler in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock the pair (account, IP address). Someone guessing from
# another address never locks the real user out of their own account.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The key of the e-mail address in the credentials passed to authenticate() (the API and the admin
# both call authenticate(username=...)); with "email" axes saw no username and locked nothing.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "backend.accounts.lockout.lockout_response"

CSRF_FAILURE_VIEW = "backend.core.errors.csrf_failure"
# Only this site's scripts run; styles may be inline (the component library sets CSS variables and the pay page
# has its own <style>); images may be data: URLs (the PDF preview, the logo); the pay page's form goes on to
# Stripe Checkout. The browser tests run with it, so a page that breaks it fails there.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self' https://checkout.stripe.com",
            "frame-ancestors 'none'",
        ]
    ),
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The web app's build (frontend/: ``npm run build``): its index.html is served at / (backend.core.views.web_app),
# its assets under /static/ like any static file.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "backend.accounts.authentication.TokenAuthentication",
    ],
    # Deny by default: every view states who may do what.
    "DEFAULT_PERMISSION_CLASSES": ["backend.core.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "backend.core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.core.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
MAX_PAGE_SIZE = 100

SPECTACULAR_SETTINGS = {
    "TITLE": "Secondo API",
    "DESCRIPTION": (
        "Secondment and billing for an entrepreneurial secretariat. "
        'Every error has the shape {"message": str, "extra": {"fields": {field: [messages]}}}. '
        "Money travels as decimal strings."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "backend.core.choices.Language.choices",
        "ClientKindEnum": "secondments.models.ClientKind.choices",
        "LeaveKindEnum": "secondments.models.LeaveKind.choices",
        "RoleEnum": "backend.accounts.roles.Role.choices",
        "TimesheetStatusEnum": "secondments.models.TimesheetStatus.choices",
        "PlacementStatusEnum": "secondments.models.PlacementStatus.choices",
        "InvoiceKindEnum": "billing.models.InvoiceKind.choices",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus.choices",
        "InvoiceRunStatusEnum": "billing.models.InvoiceRunStatus.choices",
        "LineKindEnum": "billing.models.LineKind.choices",
        "VatTreatmentEnum": "secondments.models.VatTreatment.choices",
    },
}

# Hours: a secretary's total across placements per day is at most this (and never above 24).
DAILY_HOURS_CAP = env.int("DAILY_HOURS_CAP", default=12)
# Proxies whose X-Forwarded-For is believed when recording an approver's IP address.
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])
# Public address of the app, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: with no broker configured, tasks run eagerly in-process.
_broker = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not _broker
# Eager tasks still take a producer from the pool: an in-memory broker keeps it from naming a host.
CELERY_BROKER_URL = _broker or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Every task is safe to repeat: a task is acknowledged when done, so a worker that dies mid-task leaves it
# to another; one task at a time per worker process (the runs and PDF batches are long).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "timesheets-deemed-approval": {"task": "secondments.tasks.timesheets_deem_approved", "schedule": 3600.0},
    "timesheets-reminders": {
        "task": "secondments.tasks.timesheet_reminders_send",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    # Marks overdue invoices and e-mails payment reminders (after the due date, every 14 days, at most 3).
    "receivables-daily": {"task": "billing.tasks.receivables_daily", "schedule": crontab(hour=7, minute=30)},
    # Invoice runs whose task was lost (a broker or worker restart) are queued again.
    "invoice-runs-resume": {"task": "billing.tasks.invoice_runs_resume", "schedule": 600.0},
    # Folds the approval inboxes' change records, each client's into one (secondments/inbox_changes.py).
    "inbox-changes-compact": {"task": "secondments.tasks.inbox_changes_compact", "schedule": 600.0},
}

# E-mail from EMAIL_URL (smtp://user:pass@host:587, consolemail://, ...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="secretariaat@example.org")

# Stripe: off unless a secret key is set.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Checkout's payment methods: any of card, ideal, sepa_debit, bancontact.
STRIPE_PAYMENT_METHOD_TYPES: list[str] = env.list("STRIPE_PAYMENT_METHOD_TYPES", default=["ideal", "card"])
# Retries of a failed call (connection error, 409, 429, 5xx) with exponential back-off.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=3)

# Invoice PDFs: worker processes used to render a batch of 50 or more (the renderer is CPU-bound).
INVOICE_PDF_PROCESSES = env.int("INVOICE_PDF_PROCESSES", default=1)

# The secretariat's identity, printed on invoices (SECRETARIAT_LOGO: a PNG or JPEG path; empty: the built-in logo).
SECRETARIAT = {
    "name": env.str("SECRETARIAT_NAME", default="Secretariaat Centraal"),
    "address": env.str("SECRETARIAT_ADDRESS", default="Stationsplein 1, 3511 ED Utrecht"),
    "kvk": env.str("SECRETARIAT_KVK", default="12345678"),
    "vat_number": env.str("SECRETARIAT_VAT_NUMBER", default="NL004495445B01"),
    "iban": env.str("SECRETARIAT_IBAN", default="NL91ABNA0417164300"),
    "email": env.str("SECRETARIAT_EMAIL", default="secretariaat@example.org"),
    "logo": env.str("SECRETARIAT_LOGO", default=""),
}

# Logs go to the console (stderr), one line per record: JSON in production (LOG_FORMAT=json), text elsewhere.
# Every record carries the request id (backend.core.observability).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "backend.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Celery logs every task it ran at INFO; eager tasks in the demo would fill the console.
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        # The SDK logs every request at INFO.
        "stripe": {"level": "WARNING"},
        # One line per request (method, path, status, duration): in production; runserver prints its own.
        "secondo.request": {"level": env.str("REQUEST_LOG_LEVEL", default="WARNING")},
        # Django's own 4xx/5xx request lines repeat the line above.
        "django.request": {"level": "ERROR"},
    },
}

# SQLite (the demo's database) ignores a covering index's non-key columns; PostgreSQL uses them
# (``timesheet_report_idx`` lets the reports add up sheets from the index alone).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
