"""Invoices and runs scoped to the user. Deny by default: no role, no rows.

- finance and directors see every invoice, draft or finalised, and every run;
- a client approver sees the finalised invoices and credit notes of the clients they approve for
  (never a draft: it may still change).
"""

from django.db.models import Prefetch, Q, QuerySet

from backend.accounts.models import User
from backend.accounts.roles import Role
from billing.models import Invoice, InvoiceLine, InvoiceRun, InvoiceStatus


def invoice_list_for(*, user: User) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("client", "credited_invoice", "receivable").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "pk"))
    )
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return qs
    condition = Q(pk__in=[])
    if user.has_role(Role.CLIENT_APPROVER):
        condition |= Q(status=InvoiceStatus.FINALISED, client__in=user.approver_clients.all())
    return qs.filter(condition)


def invoice_run_list_for(*, user: User) -> QuerySet[InvoiceRun]:
    qs = InvoiceRun.objects.select_related("client", "started_by").prefetch_related("invoices")
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return qs
    return qs.none()
