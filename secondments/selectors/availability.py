"""Availability search: who can take a placement of N hours a week in a period."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from backend.core.periods import week_fraction
from secondments.models import Secretary
from secondments.selectors.capacity import WeekCapacity, secretaries_capacity


@dataclass
class Candidate:
    secretary: Secretary
    weeks: list[WeekCapacity]
    min_free: Decimal
    matched_skills: list[str]
    matched_languages: list[str]
    fit: Decimal


def _lower(items: list[str]) -> set[str]:
    return {i.strip().lower() for i in items if i.strip()}


def availability_search(
    *,
    secretaries: QuerySet[Secretary],
    start: datetime.date,
    end: datetime.date,
    hours_per_week: Decimal,
    skills: list[str] | None = None,
    languages: list[str] | None = None,
) -> list[Candidate]:
    """Secretaries with ``hours_per_week`` free in every week of [start, end] (pro rata at the edges).

    Ranked by fit (share of the asked skills and languages they have), then by
    their smallest weekly free capacity in the period, then by name. Three
    queries whatever the pool size.
    """
    wanted_skills = _lower(skills or [])
    wanted_languages = _lower(languages or [])
    wanted = len(wanted_skills) + len(wanted_languages)
    pool = [
        s
        for s in secretaries.filter(active=True, employment_start__lte=start).select_related("user", "pool")
        if s.employment_end is None or s.employment_end >= end
    ]
    capacities = secretaries_capacity(secretaries=pool, start=start, end=end)
    candidates = []
    for secretary in pool:
        weeks = capacities.get(secretary.pk, [])
        if not weeks:
            continue
        if any(w.free < hours_per_week * week_fraction(w.week, start, end) for w in weeks):
            continue
        min_free = min(w.free for w in weeks)
        matched_skills = sorted(wanted_skills & _lower(secretary.skills))
        matched_languages = sorted(wanted_languages & _lower(secretary.languages))
        matched = len(matched_skills) + len(matched_languages)
        fit = (Decimal(matched) / wanted).quantize(Decimal("0.01")) if wanted else Decimal(1)
        candidates.append(Candidate(secretary, weeks, min_free, matched_skills, matched_languages, fit))
    candidates.sort(key=lambda c: (-c.fit, -c.min_free, c.secretary.user.full_name, c.secretary.pk))
    return candidates
