"""The rule functions of R9-R11 on their own, at their boundaries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from evaluation import checks
from evaluation.models import NotRatedReason
from members.errors import DomainError

D = datetime.date


@pytest.mark.parametrize(
    ("admitted", "reason"),
    [
        (D(2024, 6, 30), ""),
        (D(2024, 7, 1), NotRatedReason.ADMITTED_RECENTLY),
        (D(2024, 7, 31), NotRatedReason.ADMITTED_RECENTLY),
        (D(2024, 12, 31), NotRatedReason.ADMITTED_RECENTLY),
        (D(2010, 1, 1), ""),
    ],
)
def test_member_not_rated_when_admitted_less_than_six_months_before_year_end(admitted, reason):
    assert (
        checks.member_not_rated_reason(admission_decision_date=admitted, exempt=False, year=2024)
        == reason
    )


def test_exempt_member_not_rated():
    reason = checks.member_not_rated_reason(
        admission_decision_date=D(2000, 1, 1), exempt=True, year=2024
    )

    assert reason == NotRatedReason.EXEMPT


@pytest.mark.parametrize(
    ("established", "reason"),
    [(D(2024, 6, 30), ""), (D(2024, 7, 1), NotRatedReason.ESTABLISHED_RECENTLY)],
)
def test_organization_not_rated_when_younger_than_six_months(established, reason):
    assert checks.organization_not_rated_reason(established_on=established, year=2024) == reason


@pytest.mark.parametrize(("good", "limit"), [(0, 0), (4, 0), (5, 1), (10, 2), (14, 2), (15, 3)])
def test_excellent_limit_is_twenty_percent_of_good_rounded_down(good, limit):
    assert checks.excellent_limit(good, Decimal("0.20")) == limit


def test_excellent_ratio_message_names_the_numbers():
    checks.check_excellent_ratio(excellent=2, good=10, year=2024)

    with pytest.raises(DomainError) as exc, translation.override("en"):
        checks.check_excellent_ratio(excellent=3, good=10, year=2024)

    assert exc.value.messages == [
        "The number rated excellent (3) exceeds 20% of the number rated good (10): at most 2."
    ]


@pytest.mark.parametrize(
    ("years", "year", "ends"),
    [
        ({2023, 2024}, 2024, [2024]),
        ({2024}, 2024, []),
        ({2022, 2024}, 2024, []),
        ({2023, 2024}, 2023, [2024]),
        ({2022, 2023, 2024}, 2023, [2023, 2024]),
    ],
)
def test_not_completed_runs_of_two_years(years, year, ends):
    assert checks.not_completed_runs(years, year) == ends
