from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.nl import postcode as nl_postcode

from backend.accounts.models import User
from backend.core.services import audit_record, model_snapshot, model_update
from secondments.models import Client, ClientKind, VatTreatment

EU_COUNTRIES = {c.upper() for c in eu_vat.MEMBER_STATES if c != "xi"}
CLIENT_FIELDS = [
    "kind",
    "legal_name",
    "street",
    "postcode",
    "city",
    "country",
    "kvk_number",
    "vat_number",
    "billing_email",
    "payment_term_days",
    "invoice_language",
    "vat_treatment",
    "cost_centre",
    "approval_period",
    "deemed_approval_days",
    "active",
]


def vat_number_clean(*, number: str, country: str) -> str:
    """The VAT number in its compact form, valid for ``country`` (NL and other EU states)."""
    prefix = "EL" if country == "GR" else country
    try:
        compact = eu_vat.compact(number)
    except stdnum_exceptions.ValidationError as exc:  # no known country prefix
        raise ValidationError(f"A VAT number of {country} starts with {prefix}.") from exc
    if not compact.startswith(prefix):
        raise ValidationError(f"A VAT number of {country} starts with {prefix}.")
    try:
        return str(eu_vat.validate(compact))
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(f"{number} is not a valid VAT number ({str(exc).rstrip('.')}).") from exc


def kvk_number_clean(*, number: str) -> str:
    """A Dutch Chamber of Commerce (KvK) number: exactly 8 digits."""
    compact = number.replace(" ", "").replace(".", "")
    if not (len(compact) == 8 and compact.isdigit()):
        raise ValidationError("A KvK number has exactly 8 digits.")
    return compact


def _client_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the client as a whole; raises ValidationError with a message per field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    country = cleaned.get("country", "NL").upper()
    cleaned["country"] = country
    kind = cleaned["kind"]
    treatment = cleaned["vat_treatment"]

    if country == "NL" and cleaned.get("postcode"):
        try:
            cleaned["postcode"] = nl_postcode.validate(cleaned["postcode"])  # already "1234 AB"
        except stdnum_exceptions.ValidationError:
            errors.setdefault("postcode", []).append("A Dutch postcode looks like 1234 AB.")
    if cleaned.get("kvk_number"):
        try:
            cleaned["kvk_number"] = kvk_number_clean(number=cleaned["kvk_number"])
        except ValidationError as exc:
            errors.setdefault("kvk_number", []).extend(exc.messages)
    if cleaned.get("vat_number"):
        if country not in EU_COUNTRIES:
            errors.setdefault("vat_number", []).append("VAT numbers are checked for NL and other EU countries only.")
        else:
            try:
                cleaned["vat_number"] = vat_number_clean(number=cleaned["vat_number"], country=country)
            except ValidationError as exc:
                errors.setdefault("vat_number", []).extend(exc.messages)

    if kind == ClientKind.INTERNAL:
        if treatment != VatTreatment.NONE:
            errors.setdefault("vat_treatment", []).append("An internal client is charged no VAT: use 'none'.")
        if not cleaned.get("cost_centre"):
            errors.setdefault("cost_centre", []).append("An internal client needs a cost centre.")
    else:
        if treatment == VatTreatment.NONE:
            errors.setdefault("vat_treatment", []).append(
                "A tenant is charged VAT: use 'standard' or 'reverse_charge'."
            )
        if treatment == VatTreatment.REVERSE_CHARGE:
            if country == "NL" or country not in EU_COUNTRIES:
                errors.setdefault("vat_treatment", []).append(
                    "Reverse charge applies to business customers in another EU country."
                )
            if not cleaned.get("vat_number"):
                errors.setdefault("vat_number", []).append("Reverse charge needs the customer's VAT number.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _approvers_clean(approvers: list[User]) -> None:
    bad = [u.email for u in approvers if not u.is_client_approver]
    if bad:
        raise ValidationError({"approver_ids": [f"{', '.join(bad)} do(es) not have the client approver role."]})


@transaction.atomic
def client_create(*, actor: User, approvers: list[User] | None = None, **data: Any) -> Client:
    cleaned = _client_clean(data)
    _approvers_clean(approvers or [])
    client = Client(**cleaned)
    client.full_clean()
    client.save()
    if approvers:
        client.approvers.set(approvers)
    audit_record(actor=actor, action="client.create", obj=client, after=model_snapshot(client))
    return client


@transaction.atomic
def client_update(*, client: Client, actor: User, data: dict[str, Any]) -> Client:
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = model_snapshot(client) | {"approvers": sorted(client.approvers.values_list("pk", flat=True))}
    if "kind" in data and data["kind"] != client.kind and client.placements.exists():
        raise ValidationError({"kind": ["The kind of a client with placements cannot change."]})
    merged = {f: getattr(client, f) for f in CLIENT_FIELDS} | {k: v for k, v in data.items() if k in CLIENT_FIELDS}
    cleaned = _client_clean(merged)
    update = {
        k: cleaned[k] for k in CLIENT_FIELDS if k in data or k in {"postcode", "kvk_number", "vat_number", "country"}
    }
    if "approvers" in data:
        _approvers_clean(data["approvers"])
        update["approvers"] = data["approvers"]
    changed, _ = model_update(instance=client, fields=[*CLIENT_FIELDS, "approvers"], data=update)
    if changed:
        after = model_snapshot(client) | {"approvers": sorted(client.approvers.values_list("pk", flat=True))}
        audit_record(actor=actor, action="client.update", obj=client, before=before, after=after)
    return client
