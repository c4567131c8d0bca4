"""The secretariat's pool, its clients, rates and placements.

Models hold data and database constraints only; every rule lives in
``secondments.services`` and every read in ``secondments.selectors``.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from backend.core.choices import Language


def hours_field(**kwargs: Any) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **kwargs)


def money_field(**kwargs: Any) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **kwargs)


class Pool(models.Model):
    """A secretariat team. One organisation may run many."""

    name = models.CharField(max_length=120, unique=True)
    cost_centre = models.CharField(max_length=40)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_pools", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Secretary(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="secretary")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="secretaries")
    contract_hours = hours_field()
    base_workload_hours = hours_field()
    skills = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    hourly_employer_cost = money_field(default=Decimal("0.00"))
    employment_start = models.DateField()
    employment_end = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__full_name", "id"]
        verbose_name_plural = "secretaries"
        constraints = [
            models.CheckConstraint(
                condition=Q(base_workload_hours__lte=models.F("contract_hours")), name="secretary_base_within_contract"
            ),
            models.CheckConstraint(
                condition=Q(employment_end__isnull=True) | Q(employment_end__gte=models.F("employment_start")),
                name="secretary_employment_order",
            ),
        ]

    def __str__(self) -> str:
        return self.user.full_name


class ClientKind(models.TextChoices):
    TENANT = "tenant", "Tenant"
    INTERNAL = "internal", "Internal client"


class VatTreatment(models.TextChoices):
    STANDARD = "standard", "Standard 21 %"
    REVERSE_CHARGE = "reverse_charge", "Reverse charge (EU business)"
    NONE = "none", "No VAT (internal)"


class ApprovalPeriod(models.TextChoices):
    WEEKLY = "weekly", "ISO week"
    MONTHLY = "monthly", "Calendar month"


class Client(models.Model):
    kind = models.CharField(max_length=10, choices=ClientKind.choices)
    legal_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    postcode = models.CharField(max_length=12)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="NL")
    kvk_number = models.CharField(max_length=8, blank=True)
    vat_number = models.CharField(max_length=20, blank=True)
    billing_email = models.EmailField()
    payment_term_days = models.PositiveSmallIntegerField(default=30)
    invoice_language = models.CharField(max_length=2, choices=Language.choices, default=Language.NL)
    vat_treatment = models.CharField(max_length=20, choices=VatTreatment.choices)
    cost_centre = models.CharField(max_length=40, blank=True)
    approval_period = models.CharField(max_length=10, choices=ApprovalPeriod.choices, default=ApprovalPeriod.MONTHLY)
    # "Approve automatically after N working days"; None: off (the default).
    deemed_approval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="approver_clients", blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name", "id"]

    def __str__(self) -> str:
        return self.legal_name


class RateCard(models.Model):
    """The default hourly rate for a pool and client kind, from ``valid_from`` on."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="rate_cards")
    client_kind = models.CharField(max_length=10, choices=ClientKind.choices)
    valid_from = models.DateField()
    hourly_rate = money_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pool_id", "client_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "client_kind", "valid_from"], name="rate_card_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.client_kind} from {self.valid_from}: {self.hourly_rate}"


class PlacementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    CANCELLED = "cancelled", "Cancelled"


class Placement(models.Model):
    """A secondment: a secretary working a number of hours a week for a client."""

    secretary = models.ForeignKey(Secretary, on_delete=models.PROTECT, related_name="placements")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    hours_per_week = hours_field()
    purpose = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.DRAFT)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="placement_date_order",
            ),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="placement_hours_positive"),
        ]
        indexes = [models.Index(fields=["secretary", "start_date"]), models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.secretary} @ {self.client} from {self.start_date}"


class PlacementRate(models.Model):
    """The bill rate of a placement from ``valid_from`` on. Rows are only added, never changed."""

    class Source(models.TextChoices):
        RATE_CARD = "rate_card", "Rate card"
        OVERRIDE = "override", "Agreed rate"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField()
    hourly_rate = money_field()
    source = models.CharField(max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "valid_from"], name="placement_rate_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.hourly_rate} from {self.valid_from}"


class CapacityOverride(models.Model):
    """A team manager's written decision to overbook a secretary."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="capacity_overrides")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    shortfall = models.JSONField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Override by {self.actor_id} at {self.at:%Y-%m-%d}"


class LeaveKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick leave"
    PARENTAL = "parental", "Parental leave"
    OTHER = "other", "Other"


class Leave(models.Model):
    """An absence of a secretary (closed date range, working days count)."""

    secretary = models.ForeignKey(Secretary, on_delete=models.PROTECT, related_name="leaves")
    start_date = models.DateField()
    end_date = models.DateField()
    kind = models.CharField(max_length=10, choices=LeaveKind.choices, default=LeaveKind.VACATION)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name_plural = "leave"
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_date_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start_date}..{self.end_date}"


class TimesheetStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    INVOICED = "invoiced", "Invoiced"


EDITABLE_TIMESHEET_STATUSES = (TimesheetStatus.OPEN, TimesheetStatus.REJECTED)


class ApprovalKind(models.TextChoices):
    EXPLICIT = "explicit", "Approved by the client"
    DEEMED = "deemed", "Deemed approved"


class Timesheet(models.Model):
    """The hours of one placement in one approval period (ISO week or calendar month).

    A rejected sheet is editable again, like an open one, and shows the
    approver's reason until it is submitted anew.
    """

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="timesheets")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_kind = models.CharField(max_length=10, choices=ApprovalKind.choices, blank=True)
    approval_ip = models.GenericIPAddressField(null=True, blank=True)
    approval_hash = models.CharField(max_length=64, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    # Summary columns for the reports, kept current by the services that change entries and rates
    # (``secondments.services.timesheets.timesheets_totals_refresh``): the sheet's hours, and what
    # they earn at the placement's rates (the amounts its invoice lines say, rounded per rate).
    hours_total = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0.00"))
    amount_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "period_start"], name="timesheet_one_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="timesheet_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "period_end"]),
            # The reports read sheets by period and add up the summary columns from the index alone.
            models.Index(
                fields=["period_start"],
                include=["placement", "status", "hours_total", "amount_total"],
                name="timesheet_report_idx",
            ),
            # The few sheets not on an invoice yet (the reports' pipeline and earned-not-invoiced).
            models.Index(
                fields=["period_start", "status"],
                condition=~Q(status="invoiced"),
                name="timesheet_unbilled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} {self.period_start}..{self.period_end} ({self.status})"


class TimeEntry(models.Model):
    """Hours worked on one placement on one day (quarter hours)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    description = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = "time entries"
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "date"], name="time_entry_one_per_day"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.hours} h"


class InboxChange(models.Model):
    """A committed change to what the approval inboxes of a client show (``secondments/inbox_changes.py``).

    Written only by PostgreSQL triggers, in the writer's own transaction, whoever writes (a service, the
    admin, a bulk update, psql); never by the app. The sum of ``n`` of a client's rows only grows, so it
    versions the client's inboxes; ``inbox_changes_compact`` folds a client's rows into one, sum kept."""

    client_id = models.BigIntegerField(db_index=True)  # no foreign key: a change outlives its client
    n = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"client {self.client_id}: {self.n}"
