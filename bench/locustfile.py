"""The load benchmark's users (``bench/bench_load.py`` runs this headless, one scenario per run).

Configured by the environment, as the bench sets it:

- ``LOAD_SCENARIO``: ``inbox`` (GET /api/v1/approval-inbox/ as the benchmark approver), ``inbox_cold``
  (the same, each request with a query parameter of its own, which the API ignores: a URL the server
  never answered before, so never an answer it kept, secondments/api/inbox.py), ``approve``
  (POST /api/v1/timesheets/<id>/approve/, each request a different pending sheet, as one of its client's
  approvers, read from ``LOAD_PENDING``: a file of ``<token> <sheet id>`` lines) or ``bare``
  (GET /bench/ping/, a bare Django JSON view);
- ``LOAD_RATE``: requests per second per user (locust's ``constant_throughput``); 0: no think time;
- ``LOAD_WARMUP``: seconds after the start when the statistics are reset (the warm-up is not measured);
- ``LOAD_RESULT``: where the figures go, as JSON, when the run stops.

A response counts as a success only when it is what the endpoint answers when it works: 200 and,
for approve, the sheet now approved; for the inbox, a non-empty page. Everything else is a failure.
"""

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.env import Environment

SCENARIO = os.environ.get("LOAD_SCENARIO", "bare")
RATE = float(os.environ.get("LOAD_RATE", "0"))
WARMUP = float(os.environ.get("LOAD_WARMUP", "5"))
RESULT = os.environ.get("LOAD_RESULT", "")
TOKEN = os.environ.get("LOAD_TOKEN", "")

_state: dict[str, Any] = {"measured_from": None, "all": 0, "all_failed": 0, "exhausted": 0, "cold": 0}


def _pending() -> Iterator[tuple[str, int]]:
    path = os.environ.get("LOAD_PENDING", "")
    if not path:
        return iter(())
    with open(path) as f:
        pairs = [line.split() for line in f if line.strip()]
    return iter([(token, int(sheet)) for token, sheet in pairs])


PENDING = _pending() if SCENARIO == "approve" else iter(())


@events.request.add_listener
def _count(exception: Any = None, **kwargs: Any) -> None:
    _state["all"] += 1
    _state["all_failed"] += exception is not None


@events.test_start.add_listener
def _start(environment: Environment, **kwargs: Any) -> None:
    def reset() -> None:
        environment.stats.reset_all()
        _state["measured_from"] = time.time()

    gevent.spawn_later(WARMUP, reset)


@events.test_stop.add_listener
def _stop(environment: Environment, **kwargs: Any) -> None:
    if not RESULT:
        return
    stopped = time.time()
    total = environment.stats.total
    started = _state["measured_from"] or stopped
    seconds = max(stopped - started, 1e-9)
    with open(RESULT, "w") as f:
        json.dump(
            {
                "seconds": seconds,
                "requests": total.num_requests,
                "failures": total.num_failures,
                "rps": total.num_requests / seconds,
                "p50": total.get_response_time_percentile(0.50),
                "p95": total.get_response_time_percentile(0.95),
                "p99": total.get_response_time_percentile(0.99),
                "max": total.max_response_time,
                "mean": total.avg_response_time,
                "all_requests": _state["all"],
                "all_failures": _state["all_failed"],
                "exhausted": _state["exhausted"],
                "errors": [
                    {"error": str(e.error)[:300], "name": e.name, "occurrences": e.occurrences}
                    for e in sorted(environment.stats.errors.values(), key=lambda e: -e.occurrences)[:5]
                ],
            },
            f,
        )


class LoadUser(FastHttpUser):
    wait_time = constant_throughput(RATE) if RATE > 0 else constant(0)
    headers = {"Authorization": f"Token {TOKEN}", "Accept": "application/json"}

    @task
    def one(self) -> None:
        if SCENARIO == "inbox":
            self._inbox("/api/v1/approval-inbox/")
        elif SCENARIO == "inbox_cold":
            _state["cold"] += 1
            self._inbox(f"/api/v1/approval-inbox/?cold={os.getpid()}-{_state['cold']}")
        elif SCENARIO == "approve":
            self._approve()
        else:
            self._bare()

    def _bare(self) -> None:
        with self.client.get("/bench/ping/", name="bare", catch_response=True) as r:
            if r.status_code != 200 or r.content != b'{"ok": true}':
                r.failure(f"{r.status_code}: {(r.content or b'')[:200]!r}")

    def _inbox(self, path: str) -> None:
        with self.client.get(path, headers=self.headers, name=SCENARIO, catch_response=True) as r:
            body = r.content or b""
            if r.status_code != 200 or not body.startswith(b'{"count":') or b'"results":[]' in body:
                r.failure(f"{r.status_code}: {body[:200]!r}")

    def _approve(self) -> None:
        try:
            token, sheet = next(PENDING)
        except StopIteration:
            _state["exhausted"] += 1  # the bench seeded too few sheets: said in its table, never a success
            gevent.sleep(1)
            return
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        with self.client.post(
            f"/api/v1/timesheets/{sheet}/approve/", headers=headers, name="approve", catch_response=True
        ) as r:
            body = r.content or b""
            if r.status_code != 200 or b'"status":"approved"' not in body or f'"id":{sheet},'.encode() not in body:
                r.failure(f"{r.status_code}: {body[:200]!r}")
