"""CI smoke test of the production processes (no Docker engine here): gunicorn and a Celery worker with the
production settings, against the local PostgreSQL and Redis.

A throw-away database gets the demo data. The approver approves their inbox, finance starts an invoice run for
this month through the API: the answer is 202 (queued), the worker carries the run out, and the run is read
back done, with invoices. The worker's JSON log has the task's line with the request id of the API call that
queued it. Then /healthz, and both processes are stopped (SIGTERM) and must exit cleanly.

    .venv/bin/python .ci/smoke.py      (make smoke)

Exits non-zero, saying why, on any failure; prints the processes' logs then.
"""

import datetime
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/15")
DB = f"secondo_smoke_{os.getpid()}"
PASSWORD = "demo-secondo-2026"


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True, text=True)


def call(base: str, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def wait_for(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")


def stop(name: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    if process.poll() is not None:
        raise SmokeFailure(f"{name} had already exited with {process.returncode}")
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise SmokeFailure(f"{name} did not stop within {timeout:.0f} s of SIGTERM") from None
    if code != 0:
        raise SmokeFailure(f"{name} exited with {code} on SIGTERM")
    print(f"  {name} stopped cleanly")


def main() -> int:
    media = tempfile.mkdtemp(prefix="secondo-smoke-media-")
    logs = Path(tempfile.mkdtemp(prefix="secondo-smoke-logs-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # no TLS proxy in front here
        "DATABASE_URL": f"{PG}/{DB}",
        "CELERY_BROKER_URL": REDIS,
        "MEDIA_ROOT": media,
        "EMAIL_URL": "consolemail://",
        "LOG_FORMAT": "json",
        "SITE_URL": base,
        "PYTHONUNBUFFERED": "1",
    }
    for key in ("DEBUG", "SENTRY_DSN", "FILE_STORAGE", "STRIPE_SECRET_KEY"):
        env.pop(key, None)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    try:
        print(f"== smoke: database {DB}, migrate and demo data")
        manage = [str(VENV / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [str(VENV / "celery"), "-A", "backend", "purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True
        )

        print(f"== smoke: gunicorn (2 workers) on {base} and a Celery worker")
        gunicorn_log = (logs / "gunicorn.log").open("wb")
        processes["gunicorn"] = subprocess.Popen(
            # The image's configuration (preloaded app, access log off), on a free local port.
            [str(VENV / "gunicorn"), "-c", "docker/gunicorn.conf.py", "backend.wsgi:application"],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "2",
                "GUNICORN_CONTROL_SOCKET": str(logs / "gunicorn.ctl"),
            },
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
        )
        worker_log = (logs / "worker.log").open("wb")
        processes["worker"] = subprocess.Popen(
            [
                str(VENV / "celery"),
                "-A",
                "backend",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--hostname",
                f"smoke-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env={**env, "LOG_LEVEL": "INFO"},
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        wait_for("/healthz", lambda: call(base, "GET", "/healthz")[0] == 200, 60)
        ping = [
            str(VENV / "celery"),
            "-A",
            "backend",
            "inspect",
            "ping",
            "-d",
            f"smoke-{os.getpid()}@{socket.gethostname()}",
        ]
        wait_for(
            "the worker's ping",
            lambda: subprocess.run(ping, cwd=ROOT, env=env, capture_output=True).returncode == 0,
            90,
        )

        def token(email: str) -> str:
            code, body, _ = call(base, "POST", "/api/v1/auth/token/", {"email": email, "password": PASSWORD})
            if code != 200:
                raise SmokeFailure(f"no token for {email}: {code} {body}")
            return str(body["token"])

        approver, finance = token("approver@secondo.demo"), token("finance@secondo.demo")
        code, inbox, _ = call(base, "GET", "/api/v1/approval-inbox/?page_size=100", token=approver)
        ids = [sheet["id"] for sheet in inbox["results"]] if code == 200 else []
        if not ids:
            raise SmokeFailure(f"the approver's inbox is empty or refused: {code} {inbox}")
        code, body, _ = call(base, "POST", "/api/v1/timesheets/bulk-approve/", {"timesheet_ids": ids}, approver)
        if code != 200:
            raise SmokeFailure(f"bulk approve: {code} {body}")
        print(f"  the approver approved {len(ids)} timesheets")

        month = datetime.date.today().strftime("%Y-%m")
        code, run, headers = call(base, "POST", "/api/v1/invoice-runs/", {"period": month, "finalize": True}, finance)
        if code != 202 or run["status"] != "queued":
            raise SmokeFailure(f"the run was not queued: {code} {run}")
        request_id = headers["X-Request-ID"]
        print(f"  run {run['id']} for {month} queued (202), request id {request_id}")

        def finished() -> Any:
            code, body, _ = call(base, "GET", f"/api/v1/invoice-runs/{run['id']}/", token=finance)
            return body if code == 200 and body["status"] != "queued" else None

        done = wait_for("the worker to carry out the run", finished, 120)
        if done["status"] != "done" or not done["invoice_count"]:
            raise SmokeFailure(f"the run did not bill the approved hours: {done}")
        print(f"  run {done['id']} done by the worker: {done['invoice_count']} invoices, {done['line_count']} lines")

        def worker_logged() -> bool:
            for line in (logs / "worker.log").read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    entry = json.loads(line)
                    if entry.get("request_id") == request_id and entry.get("logger") == "billing.tasks":
                        return True
            return False

        wait_for("the worker's JSON log line with the request id", worker_logged, 30)
        print("  the worker's JSON log names the task with the request's id")

        code, health, headers = call(base, "GET", "/healthz")
        if (code, health) != (200, {"status": "ok", "database": "ok"}):
            raise SmokeFailure(f"/healthz: {code} {health}")
        for header in ("Content-Security-Policy", "X-Request-ID", "X-Content-Type-Options"):
            if not headers.get(header):
                raise SmokeFailure(f"/healthz answered without {header}: {headers}")
        print("  /healthz: 200 ok, with Content-Security-Policy, X-Request-ID and X-Content-Type-Options")

        stop("gunicorn", processes.pop("gunicorn"))
        stop("worker", processes.pop("worker"), timeout=60)
        print("== smoke passed")
        return 0
    except (SmokeFailure, subprocess.CalledProcessError) as failure:
        print(f"== smoke FAILED: {failure}", file=sys.stderr)
        for name in ("gunicorn", "worker"):
            path = logs / f"{name}.log"
            if path.exists():
                print(f"---- {name} log (last 60 lines)", file=sys.stderr)
                print("\n".join(path.read_text(errors="replace").splitlines()[-60:]), file=sys.stderr)
        return 1
    finally:
        for process in processes.values():
            process.kill()
            process.wait()
        psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    sys.exit(main())
