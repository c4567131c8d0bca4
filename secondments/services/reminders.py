"""Reminder e-mails: secretaries with unsubmitted past periods, approvers with pending sheets."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from secondments.selectors.timesheets import pending_approvals_by_approver, unsubmitted_past_periods

STATUS_TEXT = {"missing": "no hours logged", "open": "not submitted", "rejected": "rejected, to correct"}


@dataclass(frozen=True)
class ReminderCount:
    secretaries: int
    approvers: int


def timesheet_reminders_send(*, today: datetime.date) -> ReminderCount:
    """Send one e-mail per secretary and one per approver who has something to do. Reads only; safe to repeat."""
    site = settings.SITE_URL.rstrip("/")
    messages = []
    secretaries = sorted(unsubmitted_past_periods(today=today).items(), key=lambda kv: kv[0].pk)
    for secretary, periods in secretaries:
        lines = [
            f"- {p.placement.client.legal_name}: {p.period_start:%d-%m-%Y} to {p.period_end:%d-%m-%Y} "
            f"({STATUS_TEXT[p.status]})"
            for p in periods
        ]
        body = (
            f"Dear {secretary.user.full_name},\n\n"
            f"These periods have ended and their hours are not submitted yet:\n\n"
            + "\n".join(lines)
            + f"\n\nLog and submit your hours: {site}/hours\n\nSecondo"
        )
        messages.append(
            EmailMessage(
                subject=f"Please submit your hours ({len(periods)} period(s))",
                body=body,
                to=[secretary.user.email],
            )
        )
    approvers = pending_approvals_by_approver()
    for approver, sheets in sorted(approvers.items(), key=lambda kv: kv[0].pk):
        lines = [
            f"- {s.placement.secretary.user.full_name} at {s.placement.client.legal_name}: "
            f"{s.period_start:%d-%m-%Y} to {s.period_end:%d-%m-%Y}"
            for s in sheets
        ]
        body = (
            f"Dear {approver.full_name},\n\n"
            f"{len(sheets)} timesheet(s) await your approval:\n\n"
            + "\n".join(lines)
            + f"\n\nApprove or reject them here: {site}/approvals\n\nSecondo"
        )
        messages.append(EmailMessage(subject=f"{len(sheets)} timesheet(s) to approve", body=body, to=[approver.email]))
    if messages:
        get_connection().send_messages(messages)
    return ReminderCount(secretaries=len(secretaries), approvers=len(approvers))
