"""Request ids, structured (JSON) logs and the optional Sentry set-up.

Every request gets an id: the ``X-Request-ID`` its proxy sent (when it looks like an id) or a new one. The id
is answered in the ``X-Request-ID`` header, is on every log record written while the request is served, and
travels with the Celery tasks the request enqueues, so a worker's log lines carry the id of the request that
asked for the work. Each request ends with one ``request`` log line: method, path, status, duration, user.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_logger = logging.getLogger("secondo.request")


def request_id_new(*, offered: str | None = None) -> str:
    """The proxy's id when it is a plain token of at most 128 characters, else a fresh one (32 hex digits)."""
    if offered and _VALID.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives the request its id (see the module) and logs the request's outcome."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_new(offered=request.headers.get(HEADER))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            user = getattr(request, "user", None)
            request_logger.log(
                logging.DEBUG if request.path == "/healthz" else logging.INFO,  # the health checks, every 30 s
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or the id of the request that enqueued the task) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# The attributes every LogRecord has; anything else on a record came from ``extra=`` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the ``extra``
    fields, and the exception's type, message and traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, exc, tb = record.exc_info
            entry["exception"] = {
                "type": kind.__name__,
                "message": str(exc),
                "traceback": "".join(traceback.format_exception(kind, exc, tb)),
            }
        return json.dumps(entry, default=str, ensure_ascii=False)


# ---------------------------------------------------------------- Celery: the request id travels with the task


@before_task_publish.connect
def _task_request_id_send(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id:
        headers.setdefault("request_id", request_id)


_task_tokens: dict[str, contextvars.Token[str]] = {}


@task_prerun.connect
def _task_request_id_receive(task_id: str = "", task: Any = None, **_: Any) -> None:
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id:  # a task run eagerly inside a request keeps that request's id anyway
        _task_tokens[task_id] = request_id_var.set(str(request_id))


@task_postrun.connect
def _task_request_id_forget(task_id: str = "", **_: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)


# ---------------------------------------------------------------- Sentry (optional)


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float, release: str = "") -> bool:
    """Report errors to Sentry when a DSN is set (Django and Celery integrations; no personal data sent).
    Returns whether Sentry was set up."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
