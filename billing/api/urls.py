from rest_framework.routers import SimpleRouter

from billing.api import views

router = SimpleRouter()
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("invoice-runs", views.InvoiceRunViewSet, basename="invoice-run")

urlpatterns = router.urls
