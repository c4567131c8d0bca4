from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Secondo</title></head>
<body><h1>Secondo</h1><p>The web app is not built on this machine: run <code>make frontend</code>
(<code>make demo</code> does it). Meanwhile the <a href="/api/docs/">API documentation</a> and the
<a href="/admin/">admin</a> work.</p></body></html>"""


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and compose."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure is "unhealthy"
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
@never_cache
@ensure_csrf_cookie
def web_app(request: HttpRequest) -> HttpResponse:
    """The React app's page for ``/`` and every client-side route (the router takes it from there); its
    scripts come from ``/static/``. Sets the CSRF cookie the app sends back on writes."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(NOT_BUILT, status=503)
    return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
