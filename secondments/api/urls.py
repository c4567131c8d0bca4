from django.urls import path
from rest_framework.routers import SimpleRouter

from secondments.api import timesheet_views, views

router = SimpleRouter()
router.register("pools", views.PoolViewSet, basename="pool")
router.register("secretaries", views.SecretaryViewSet, basename="secretary")
router.register("availability", views.AvailabilityViewSet, basename="availability")
router.register("clients", views.ClientViewSet, basename="client")
router.register("rate-cards", views.RateCardViewSet, basename="rate-card")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("leave", views.LeaveViewSet, basename="leave")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("timesheets", timesheet_views.TimesheetViewSet, basename="timesheet")
router.register("approval-inbox", timesheet_views.ApprovalInboxViewSet, basename="approval-inbox")

urlpatterns = [
    path("week-grid/", timesheet_views.WeekGridView.as_view(), name="week-grid"),
    *router.urls,
]
