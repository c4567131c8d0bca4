from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.core.views import healthz, web_app
from billing.views import pay

api_v1 = [
    path("", include("backend.accounts.api.urls")),
    path("", include("secondments.api.urls")),
    path("", include("billing.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("pay/<int:invoice_id>/<str:token>/", pay, name="pay"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    # The web app: its page for / and every client-side route; anything under the prefixes above is theirs.
    path("", web_app, name="home"),
    re_path(r"^(?!api/|admin/|static/|media/|pay/|healthz)(?!.*\.[A-Za-z0-9]+/?$).+$", web_app, name="web-app"),
]

handler404 = "backend.core.errors.json_404"
handler500 = "backend.core.errors.json_500"
