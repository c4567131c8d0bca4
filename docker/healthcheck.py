"""The image's health check: GET /healthz on the local gunicorn; exit status 0 only for a 200.

The request is made the way the reverse proxy makes it, so that production settings answer it rather than
refuse it: a Host from ALLOWED_HOSTS (127.0.0.1 is usually not one) and ``X-Forwarded-Proto: https``
(SECURE_SSL_REDIRECT would otherwise answer with a redirect to https). Only the standard library: the slim
image has no curl.
"""

import http.client
import os
import sys


def host_header() -> str:
    """The first host in ALLOWED_HOSTS that can be sent as a Host header ("*" and ".example.org" allowed)."""
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip()
        if entry == "*":
            return "localhost"
        if entry:
            return entry.lstrip(".")
    return "localhost"


def port() -> int:
    """The port gunicorn listens on (GUNICORN_BIND, as docker/gunicorn.conf.py reads it)."""
    bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
    _, _, number = bind.rpartition(":")
    return int(number) if number.isdigit() else 8000


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port(), timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": host_header(), "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as exc:
        sys.stderr.write(f"healthz: {exc}\n")
        return 1
    finally:
        connection.close()
    if status != 200:
        sys.stderr.write(f"healthz: HTTP {status}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
