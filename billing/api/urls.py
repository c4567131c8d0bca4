from django.urls import path
from rest_framework.routers import SimpleRouter

from billing.api import views

router = SimpleRouter()
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("invoice-runs", views.InvoiceRunViewSet, basename="invoice-run")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("dashboard", views.DashboardViewSet, basename="dashboard")
router.register("internal-journal", views.InternalJournalViewSet, basename="internal-journal")

urlpatterns = [
    path("stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
    *router.urls,
]
