from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.core.views import healthz
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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Until the web app is built into the project, the front door is the API's documentation.
    path("", RedirectView.as_view(url="/api/docs/", permanent=False), name="home"),
]

handler404 = "backend.core.errors.json_404"
handler500 = "backend.core.errors.json_500"
