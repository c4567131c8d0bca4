"""The production settings (backend/settings/production.py), read in a fresh process as a server would, with
dummy secrets: ``check --deploy`` passes, and the storage, log and Sentry options follow the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SECRET = "dummy-ci-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "backend.settings.production",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "secondo.example.org",
    "DATABASE_URL": "sqlite:////tmp/secondo-deploy-check.sqlite3",
}


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "AWS_", "FILE_STORAGE", "LOG_"))}
    env.pop("DEBUG", None)
    env.pop("CELERY_BROKER_URL", None)
    env.update(BASE_ENV)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(args: list[str], **changes: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**changes), capture_output=True, text=True, timeout=120
    )


READ = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.files.storage import storages
default_storage = storages["default"]
from django.utils.module_loading import import_string
import sentry_sdk
print(json.dumps({
    "DEBUG": s.DEBUG, "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "CSP": s.CONTENT_SECURITY_POLICY, "MIDDLEWARE": s.MIDDLEWARE,
    "storage": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "storage_options": {k: getattr(default_storage, k, None) for k in
        ("bucket_name", "endpoint_url", "region_name", "default_acl", "querystring_auth", "file_overwrite")},
    "formatter": s.LOGGING["handlers"]["console"]["formatter"],
    "request_log": s.LOGGING["loggers"]["secondo.request"]["level"],
    "sentry": s.SENTRY_ENABLED, "sentry_active": sentry_sdk.get_client().is_active(),
    "sentry_environment": sentry_sdk.get_client().options.get("environment"),
    "sentry_pii": sentry_sdk.get_client().options.get("send_default_pii"),
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "broker": s.CELERY_BROKER_URL,
    "db_options": s.DATABASES["default"].get("OPTIONS", {}),
}))
"""


def _settings(**changes: str | None) -> dict[str, Any]:
    done = _run(["-c", READ], **changes)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_check_deploy_passes_at_warning_level_with_the_production_settings() -> None:
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_fails_on_a_weak_secret_key() -> None:
    """The check above can fail: a short key is a warning, and warnings fail."""
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY="too-short")

    assert done.returncode == 1
    assert "security.W009" in done.stderr


def test_the_production_settings_refuse_to_start_without_their_secrets() -> None:
    for missing in ("SECRET_KEY", "ALLOWED_HOSTS"):
        done = _run(["manage.py", "check"], **{missing: None})
        assert done.returncode == 1, missing
        assert f"Set the {missing} environment variable" in done.stderr, done.stderr


def test_secure_cookies_hsts_csp_no_debug_json_logs_local_files_and_no_sentry_by_default() -> None:
    read = _settings(DEBUG="true")  # DEBUG in the environment is ignored in production

    assert {k: read[k] for k in list(read)[:7]} == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }
    assert "script-src 'self';" in read["CSP"] and "frame-ancestors 'none'" in read["CSP"]
    assert "backend.core.security.ContentSecurityPolicyMiddleware" in read["MIDDLEWARE"]
    assert read["MIDDLEWARE"][0] == "backend.core.observability.RequestIdMiddleware"
    assert (read["storage"], read["formatter"], read["request_log"]) == (
        "django.core.files.storage.filesystem.FileSystemStorage",
        "json",
        "INFO",
    )
    assert (read["sentry"], read["sentry_active"]) == (False, False)
    # No broker: tasks run eagerly, in the process, after the commit.
    assert (read["eager"], read["broker"]) == (True, "memory://localhost/")


def test_with_a_broker_tasks_go_to_the_workers() -> None:
    read = _settings(CELERY_BROKER_URL="redis://redis:6379/0")

    assert (read["eager"], read["broker"]) == (False, "redis://redis:6379/0")


def test_postgresql_prepares_the_statements_that_ask_for_it_unless_told_not_to() -> None:
    """backend/core/db.py: psycopg's prepare_threshold; false behind a pooler in transaction mode."""
    postgres = "postgres://secondo:secret@db.example.org:5432/secondo"

    assert _settings(DATABASE_URL=postgres)["db_options"] == {"prepare_threshold": 5}
    assert _settings(DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS="false")["db_options"] == {}
    assert _settings()["db_options"] == {}  # SQLite


def test_pdfs_go_to_an_s3_compatible_bucket_when_the_environment_says_so() -> None:
    read = _settings(
        FILE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="secondo-invoices",
        AWS_S3_ENDPOINT_URL="https://minio.example.org",
        AWS_S3_REGION_NAME="eu-west-1",
    )

    assert read["storage"] == "storages.backends.s3.S3Storage"
    assert read["storage_options"] == {
        "bucket_name": "secondo-invoices",
        "endpoint_url": "https://minio.example.org",
        "region_name": "eu-west-1",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }


def test_an_unknown_storage_or_log_format_is_refused_with_a_message() -> None:
    storage = _run(["manage.py", "check"], FILE_STORAGE="ftp")
    log_format = _run(["manage.py", "check"], LOG_FORMAT="xml")

    assert storage.returncode == 1 and "FILE_STORAGE is 'local' or 's3', not 'ftp'." in storage.stderr
    assert log_format.returncode == 1 and "LOG_FORMAT is 'json' or 'text', not 'xml'." in log_format.stderr


def test_sentry_is_set_up_from_the_environment_without_personal_data() -> None:
    read = _settings(SENTRY_DSN="https://public@sentry.example.org/1", SENTRY_ENVIRONMENT="staging")

    assert (read["sentry"], read["sentry_active"], read["sentry_environment"], read["sentry_pii"]) == (
        True,
        True,
        "staging",
        False,
    )


def test_the_health_check_is_not_redirected_to_https() -> None:
    """The container's health check asks gunicorn over plain HTTP; everything else goes to HTTPS."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "print(Client().get('/healthz').status_code, Client().get('/api/v1/auth/me/').status_code)"
    )
    done = _run(["-c", script], ALLOWED_HOSTS="testserver")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["200", "301"]
