"""Request ids and JSON logs (backend/core/observability.py)."""

import json
import logging
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from backend.core import observability
from backend.core.observability import JsonFormatter, RequestIdFilter, request_id_new, request_id_var

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_a_plain_offered_id_is_kept_and_anything_else_is_replaced() -> None:
    assert request_id_new(offered="edge-7f3a.42:1") == "edge-7f3a.42:1"
    for offered in (None, "", "has space", "x" * 129, 'quote"', "line\nbreak"):
        assert HEX32.match(request_id_new(offered=offered)), offered
    assert request_id_new() != request_id_new()


@pytest.mark.django_db
def test_every_answer_carries_its_request_id(caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    with caplog.at_level(logging.DEBUG, logger="secondo.request"):
        offered = client.get("/healthz", HTTP_X_REQUEST_ID="lb-123")
        fresh = client.get("/api/v1/auth/me/")

    assert offered["X-Request-ID"] == "lb-123"
    assert HEX32.match(fresh["X-Request-ID"])
    lines = [r for r in caplog.records if r.name == "secondo.request"]
    # The health checks (every 30 s) log at DEBUG, every other request at INFO.
    assert [(r.levelname, r.getMessage(), r.method, r.path, r.status, r.user_id) for r in lines] == [  # type: ignore[attr-defined]
        ("DEBUG", "GET /healthz 200", "GET", "/healthz", 200, None),
        ("INFO", "GET /api/v1/auth/me/ 403", "GET", "/api/v1/auth/me/", 403, None),
    ]
    assert all(isinstance(r.duration_ms, float) and r.duration_ms >= 0 for r in lines)  # type: ignore[attr-defined]
    # The id is set only while the request is served.
    assert request_id_var.get() == ""


@pytest.mark.django_db
def test_a_log_line_written_while_serving_has_the_requests_id(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = lambda record: seen.append(record.request_id)  # type: ignore[attr-defined,method-assign]
    request_logger = logging.getLogger("secondo.request")
    request_logger.addHandler(handler)
    level = request_logger.level
    request_logger.setLevel(logging.INFO)
    try:
        Client().get("/api/v1/auth/me/", HTTP_X_REQUEST_ID="trace-1")
    finally:
        request_logger.removeHandler(handler)
        request_logger.setLevel(level)
    assert seen == ["trace-1"]


def _record(**extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("billing.tasks", logging.WARNING, __file__, 10, "Run %s failed", (7,), None)
    record.created = 1781510400.25  # 2026-06-15 08:00:00.250 UTC
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_the_json_line_has_time_level_logger_message_request_id_and_extras() -> None:
    token = request_id_var.set("abc")
    try:
        record = _record(run=7)
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    assert json.loads(JsonFormatter().format(record)) == {
        "time": "2026-06-15T08:00:00.250+00:00",
        "level": "WARNING",
        "logger": "billing.tasks",
        "message": "Run 7 failed",
        "request_id": "abc",
        "run": 7,
    }


def test_an_exception_is_one_json_line_with_its_type_and_traceback() -> None:
    try:
        raise ValueError("bad month")
    except ValueError:
        import sys

        record = _record()
        record.exc_info = sys.exc_info()

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["request_id"], entry["exception"]["type"], entry["exception"]["message"]) == (
        None,
        "ValueError",
        "bad month",
    )
    assert entry["exception"]["traceback"].startswith("Traceback (most recent call last):")


def test_a_task_sent_while_serving_carries_the_request_id_to_the_worker() -> None:
    headers: dict[str, Any] = {}
    token = request_id_var.set("req-9")
    try:
        observability._task_request_id_send(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "req-9"}

    # In the worker: the id is set while the task runs, and forgotten after.
    task = SimpleNamespace(request=SimpleNamespace(request_id="req-9"))
    observability._task_request_id_receive(task_id="t1", task=task)
    assert request_id_var.get() == "req-9"
    observability._task_request_id_forget(task_id="t1")
    assert request_id_var.get() == ""

    # A task sent outside a request (beat) has no id to carry.
    untouched: dict[str, Any] = {}
    observability._task_request_id_send(headers=untouched)
    assert untouched == {}
