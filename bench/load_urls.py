"""The app's URLconf plus ``bench/ping/``: a bare Django JSON view, the floor the load benchmark compares with.

Only the load benchmark's server uses it (``bench/settings_load.py``); the production URLconf has no such route.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from backend.urls import handler404, handler500
from backend.urls import urlpatterns as app_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


# First: the web app's catch-all route would otherwise answer bench/ping/.
urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *app_urlpatterns]
