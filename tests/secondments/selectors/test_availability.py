"""Who can take a placement of N hours a week (secondments/selectors/availability.py).

Factory secretaries have 20 h a week to place (contract 36, base 16).
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from secondments.models import Secretary
from secondments.selectors.availability import Candidate, availability_search
from tests.factories import LeaveFactory, PlacementFactory, PoolFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date
# Monday 2026-06-22 .. Friday 2026-07-03: two full weeks (W26, W27).
START, END = D(2026, 6, 22), D(2026, 7, 3)


def search(**kwargs: Any) -> list[Candidate]:
    params: dict[str, Any] = {
        "secretaries": Secretary.objects.all(),
        "start": START,
        "end": END,
        "hours_per_week": Decimal("8.00"),
    }
    params.update(kwargs)
    return availability_search(**params)


def names(candidates: list[Candidate]) -> list[str]:
    return [c.secretary.user.full_name for c in candidates]


def secretary(name: str, **kwargs: Any) -> Secretary:
    return SecretaryFactory(user__full_name=name, **kwargs)


def placed(s: Secretary, hours: str, **kwargs: Any) -> None:
    PlacementFactory(secretary=s, hours_per_week=Decimal(hours), start_date=D(2026, 1, 5), **kwargs)


def test_only_those_with_the_hours_free_in_every_week() -> None:
    secretary("Anna")
    busy = secretary("Bram")
    placed(busy, "13.00")  # 7 free
    exact = secretary("Cor")
    placed(exact, "12.00")  # 8 free: exactly enough
    [first, second] = search()
    assert names([first, second]) == ["Anna", "Cor"]
    assert first.min_free == Decimal("20.00")
    assert second.min_free == Decimal("8.00")
    assert [(str(w.week), w.free) for w in second.weeks] == [
        ("2026-W26", Decimal("8.00")),
        ("2026-W27", Decimal("8.00")),
    ]
    assert busy.pk not in [c.secretary.pk for c in search()]


def test_one_short_week_excludes() -> None:
    s = secretary("Anna")
    LeaveFactory(secretary=s, start_date=D(2026, 6, 29), end_date=D(2026, 7, 3))  # all of W27
    assert search() == []
    assert names(search(end=D(2026, 6, 28))) == ["Anna"]


def test_ranked_by_fit_then_free_capacity_then_name() -> None:
    # Fit: share of the asked skills and languages they have.
    little_free = secretary("Abel full fit little free", skills=["minutes"], languages=["de"])
    placed(little_free, "10.00")
    secretary("Zoe full fit more free", skills=["minutes"], languages=["de"])
    secretary("Bob half fit", skills=["minutes"], languages=["nl"])
    secretary("Adam half fit", skills=["agenda"], languages=["de"])
    secretary("Aaron no fit", skills=[], languages=[])
    result = search(skills=["minutes"], languages=["de"])
    # A full fit with 10 h free beats a half fit with 20 h; among equals, more free first, then by name.
    assert [(c.secretary.user.full_name, c.fit, c.min_free) for c in result] == [
        ("Zoe full fit more free", Decimal("1.00"), Decimal("20.00")),
        ("Abel full fit little free", Decimal("1.00"), Decimal("10.00")),
        ("Adam half fit", Decimal("0.50"), Decimal("20.00")),
        ("Bob half fit", Decimal("0.50"), Decimal("20.00")),
        ("Aaron no fit", Decimal("0.00"), Decimal("20.00")),
    ]
    assert result[0].matched_skills == ["minutes"]
    assert result[0].matched_languages == ["de"]
    assert result[2].matched_skills == []
    assert result[2].matched_languages == ["de"]
    assert result[3].matched_skills == ["minutes"]
    assert result[3].matched_languages == []


def test_fit_is_quantised_to_hundredths() -> None:
    secretary("Anna", skills=["minutes"], languages=[])
    [c] = search(skills=["minutes", "agenda", "excel"])
    assert c.fit == Decimal("0.33")


def test_without_asked_skills_everyone_fits_fully_and_free_capacity_ranks() -> None:
    secretary("Anna")
    b = secretary("Bram")
    placed(b, "2.00")
    secretary("Aart")
    result = search()
    assert [(c.secretary.user.full_name, c.fit) for c in result] == [
        ("Aart", Decimal(1)),
        ("Anna", Decimal(1)),
        ("Bram", Decimal(1)),
    ]


def test_skills_and_languages_match_case_insensitively_and_trimmed() -> None:
    secretary("Anna", skills=["Minutes", "Agenda"], languages=["NL"])
    [c] = search(skills=[" minutes ", "AGENDA", ""], languages=["nl"])
    assert c.matched_skills == ["agenda", "minutes"]
    assert c.matched_languages == ["nl"]
    assert c.fit == Decimal("1.00")


def test_partial_first_and_last_weeks_need_their_share_only() -> None:
    s = secretary("Anna")
    placed(s, "14.00")  # 6 h free every week
    # Thursday 25 June .. Tuesday 7 July at 10 h a week: W26 needs 4, W27 needs 10, W28 needs 4.
    assert search(start=D(2026, 6, 25), end=D(2026, 7, 7), hours_per_week=Decimal("10.00")) == []
    # Thursday 25 June .. Tuesday 30 June: W26 needs 2/5 x 10 = 4, W27 needs 2/5 x 10 = 4; both fit in 6.
    [c] = search(start=D(2026, 6, 25), end=D(2026, 6, 30), hours_per_week=Decimal("10.00"))
    assert [str(w.week) for w in c.weeks] == ["2026-W26", "2026-W27"]
    assert c.min_free == Decimal("6.00")
    # From Wednesday it needs 3/5 x 10 = 6 in W26: still fits; from Tuesday 8: does not.
    assert names(search(start=D(2026, 6, 24), end=D(2026, 6, 30), hours_per_week=Decimal("10.00"))) == ["Anna"]
    assert search(start=D(2026, 6, 23), end=D(2026, 6, 30), hours_per_week=Decimal("10.00")) == []


def test_inactive_secretaries_are_excluded() -> None:
    secretary("Anna", active=False)
    secretary("Bram")
    assert names(search()) == ["Bram"]


@pytest.mark.parametrize(
    ("employment_start", "employment_end", "included"),
    [
        (D(2026, 6, 22), None, True),  # starts on the first day
        (D(2026, 6, 23), None, False),  # starts a day late
        (D(2020, 1, 1), D(2026, 7, 3), True),  # ends on the last day
        (D(2020, 1, 1), D(2026, 7, 2), False),  # ends a day early
    ],
)
def test_employment_must_cover_the_whole_period(
    employment_start: datetime.date, employment_end: datetime.date | None, included: bool
) -> None:
    secretary("Anna", employment_start=employment_start, employment_end=employment_end)
    assert names(search()) == (["Anna"] if included else [])


def test_searches_only_the_given_secretaries(django_assert_max_num_queries: Any) -> None:
    pool = PoolFactory()
    mine = secretary("Anna", pool=pool)
    secretary("Bram")
    placed(mine, "4.00")
    with django_assert_max_num_queries(3):
        result = search(secretaries=Secretary.objects.filter(pool=pool))
        assert names(result) == ["Anna"]
