"""Month arithmetic, the dated rule sets and the Vietnamese working-day calendar."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from members.models import Member
from members.rules import (
    RULE_SETS,
    add_months,
    add_working_days,
    full_months_between,
    is_working_day,
    rules_on,
)

d = datetime.date


# --- months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (d(2023, 1, 31), 1, d(2023, 2, 28)),
        (d(2024, 1, 31), 1, d(2024, 2, 29)),  # leap year
        (d(2024, 2, 29), 12, d(2025, 2, 28)),
        (d(2024, 2, 29), 48, d(2028, 2, 29)),
        (d(2024, 3, 31), 1, d(2024, 4, 30)),
        (d(2024, 11, 30), 3, d(2025, 2, 28)),
        (d(2024, 12, 15), 1, d(2025, 1, 15)),  # across the year
        (d(2020, 5, 17), 216, d(2038, 5, 17)),
        (d(2025, 3, 31), -1, d(2025, 2, 28)),
        (d(2025, 1, 15), -1, d(2024, 12, 15)),
        (d(2025, 1, 15), 0, d(2025, 1, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (d(2000, 5, 17), d(2018, 5, 17), 216),  # the 18th birthday
        (d(2000, 5, 17), d(2018, 5, 16), 215),  # 17 years 11 months: not yet 18
        (d(2000, 5, 17), d(2018, 4, 17), 215),
        (d(2000, 5, 17), d(2018, 4, 16), 214),
        (d(1965, 7, 1), d(2025, 7, 1), 720),  # fully 60
        (d(1965, 7, 1), d(2025, 8, 1), 721),  # over 60
        (d(2025, 1, 31), d(2025, 2, 28), 1),  # month end in a short month
        (d(2024, 1, 31), d(2024, 2, 28), 0),  # a leap February has a 29th
        (d(2025, 3, 10), d(2025, 3, 10), 0),
        (d(2025, 3, 10), d(2025, 4, 9), 0),
    ],
)
def test_full_months_between(start, end, expected):
    assert full_months_between(start, end) == expected


def test_eighteenth_birthday_meets_the_minimum_age_and_the_day_before_does_not():
    born = d(2007, 9, 2)
    minimum = rules_on(d(2025, 9, 2)).min_admission_age_months

    assert full_months_between(born, d(2025, 9, 2)) >= minimum
    assert full_months_between(born, d(2025, 9, 1)) < minimum


def test_probation_ends_twelve_months_after_the_ceremony():
    assert Member(ceremony_date=d(2024, 3, 15)).probation_ends_on == d(2025, 3, 15)
    assert Member(ceremony_date=d(2024, 2, 29)).probation_ends_on == d(2025, 2, 28)
    assert Member(ceremony_date=None).probation_ends_on is None


# --- rule sets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "effective_from"),
    [
        (d(1990, 1, 1), d(1900, 1, 1)),
        (d(2021, 6, 27), d(1900, 1, 1)),
        (d(2021, 6, 28), d(2021, 6, 28)),
        (d(2025, 6, 30), d(2021, 6, 28)),
        (d(2025, 7, 1), d(2025, 7, 1)),
        (d(2030, 1, 1), d(2025, 7, 1)),
    ],
)
def test_rules_on_picks_the_rule_set_in_force(date, effective_from):
    assert rules_on(date).effective_from == effective_from


def test_hundred_point_rating_scale_applies_from_july_2025():
    assert rules_on(d(2025, 6, 30)).rating_scores is False
    assert rules_on(d(2025, 7, 1)).rating_scores is True


def test_rule_sets_are_in_date_order_and_name_their_source():
    dates = [r.effective_from for r in RULE_SETS]
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)
    assert all(r.source.strip() for r in RULE_SETS)


@pytest.mark.parametrize("date", [d(2016, 1, 1), d(2022, 1, 1), d(2026, 1, 1)])
def test_rule_parameters_match_the_design(date):
    rules = rules_on(date)

    assert (rules.min_admission_age_months, rules.max_admission_age_months) == (216, 720)  # R1
    assert rules.certificate_validity_months == 60  # R2
    assert rules.introducer_months_alongside == 12  # R3
    assert rules.resolution_quorum == Fraction(2, 3)  # R4: exact, so 6 of 9 passes
    assert rules.decision_due_working_days == 60  # R5
    assert (rules.ceremony_due_working_days, rules.probation_months) == (30, 12)  # R6
    assert rules.recognition_review_due_working_days == 30  # R7
    assert rules.recognition_decision_due_working_days == 30  # R7
    assert rules.dossier_validity_months == 12  # R8
    assert rules.min_months_before_rating == 6  # R9
    assert rules.excellent_ratio_of_good == Decimal("0.20")  # R10
    assert rules.not_completed_years_flag == 2  # R11
    assert rules.strike_off_absence_months == 3  # R12
    assert rules.min_official_members == 3  # R13
    assert rules.max_readmissions == 1  # R14


# --- working days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "working"),
    [
        (d(2025, 3, 7), True),  # Friday
        (d(2025, 3, 8), False),  # Saturday
        (d(2025, 3, 9), False),  # Sunday
        (d(2025, 1, 1), False),  # New Year's Day
        (d(2025, 1, 27), False),  # Tết: 28th of the twelfth lunar month
        (d(2025, 1, 29), False),  # Tết: first day of the lunar year
        (d(2025, 1, 31), False),  # Tết: third day
        (d(2025, 2, 3), True),  # first working day after Tết
        (d(2025, 4, 7), False),  # Hung Kings' Commemoration Day (10/3 lunar)
        (d(2025, 4, 30), False),  # Reunification Day
        (d(2025, 5, 1), False),  # Labour Day
        (d(2025, 9, 2), False),  # National Day
        (d(2024, 2, 12), False),  # Tết 2024, third day (a Monday)
    ],
)
def test_is_working_day(date, working):
    assert is_working_day(date) is working


def test_add_working_days_skips_tet_2025():
    # Friday 24/01/2025, then Tết from Monday 27/01 to Saturday 01/02.
    assert add_working_days(d(2025, 1, 24), 1) == d(2025, 2, 3)
    assert add_working_days(d(2025, 1, 28), 1) == d(2025, 2, 3)


def test_add_working_days_sixty_over_tet_2025():
    # 16 working days in January after the 2nd, none from 27/01 to 02/02, then 44 more:
    # without the Tết week this would be 27/03/2025.
    assert add_working_days(d(2025, 1, 2), 60) == d(2025, 4, 3)


def test_add_working_days_sixty_without_holidays_is_twelve_weeks():
    # From Monday 06/05/2019 to 29/07/2019: no public holiday in between.
    assert add_working_days(d(2019, 5, 6), 60) == d(2019, 7, 29)


def test_add_working_days_from_a_weekend_counts_from_monday():
    assert add_working_days(d(2025, 3, 8), 1) == d(2025, 3, 10)
    assert add_working_days(d(2025, 3, 7), 1) == d(2025, 3, 10)
    assert add_working_days(d(2025, 3, 7), 5) == d(2025, 3, 14)


def test_add_zero_working_days_is_the_same_date():
    assert add_working_days(d(2025, 1, 29), 0) == d(2025, 1, 29)


def test_add_working_days_across_the_new_year():
    # Wednesday 31/12/2025, New Year's Day 01/01/2026 is a holiday.
    assert add_working_days(d(2025, 12, 31), 1) == d(2026, 1, 2)
