"""gunicorn's settings in the image: ``gunicorn -c docker/gunicorn.conf.py backend.wsgi:application``.

Each value can be changed by the environment variable named beside it.
"""

import os

# GUNICORN_BIND: where to listen (the image publishes 8000).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY: worker processes; about 2 per CPU core for this mostly database-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# GUNICORN_THREADS: threads per worker (1: the plain sync worker).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# GUNICORN_TIMEOUT: seconds a request may run before its worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Load the app once in the master, then fork: backend/wsgi.py loads the URLconf and gc.freeze()s the heap
# (backend.core.runtime.process_tune), so the workers share those pages instead of each loading its own.
preload_app = True

# The heartbeat file on tmpfs: a worker blocked on disk I/O must not look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - a tmpfs, not a shared temp dir

# gunicornc's control socket: somewhere the app's user may write (the default, $HOME/.gunicorn, is /app: read-only).
# GUNICORN_CONTROL_SOCKET: another place (the CI smoke test runs gunicorn beside others on one machine).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "/tmp/gunicorn.ctl")  # noqa: S108 - mode 0600, the app's user

# FORWARDED_ALLOW_IPS: front ends whose X-Forwarded-Proto gunicorn believes for wsgi.url_scheme. Inside the
# container the reverse proxy's address is not known in advance; Django decides https itself from the header
# (SECURE_PROXY_SSL_HEADER in backend/settings/production.py), so the proxy must always set it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# The app logs every request itself; gunicorn's access log is off unless GUNICORN_ACCESS_LOG names a file
# ("-" is stdout). Gunicorn's own messages go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
