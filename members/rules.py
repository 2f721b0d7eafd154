"""The Party's rules as dated parameter sets, and the working-day calendar.

The parameters changed over time, so each rule set carries the date it took effect and
``rules_on(date)`` picks the one in force. Every parameter names its source; where a
source is uncertain, the comment says so.
"""

import calendar
import dataclasses
import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import holidays


def add_months(date: datetime.date, months: int) -> datetime.date:
    """``date`` plus whole calendar months; the 31st falls back to the month's last day."""
    month_index = date.month - 1 + months
    year = date.year + month_index // 12
    month = month_index % 12 + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def full_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (the 18th birthday is 216 full months)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


@dataclasses.dataclass(frozen=True)
class RuleSet:
    effective_from: datetime.date
    source: str
    # R1. Điều lệ Đảng 2011, Điều 1; QĐ 24-QĐ/TW 2021, 1.1: full 18 to full 60, counted in months.
    min_admission_age_months: int = 18 * 12
    max_admission_age_months: int = 60 * 12
    # R2. HD 01-HD/TW 2021, 3.1: course certificate valid 60 months at the cell meeting.
    certificate_validity_months: int = 60
    # R3. Điều lệ Đảng, Điều 4; QĐ 24-QĐ/TW 2021, 2: introducers official, 12 months alongside.
    introducer_months_alongside: int = 12
    # R4. Điều lệ Đảng, Điều 4.3: at least two thirds of the cell's official members.
    # Exact fraction: 6 of 9 must pass, which a rounded decimal would refuse.
    resolution_quorum: Fraction = Fraction(2, 3)
    # R5. HD 01-HD/TW 2021, 3.3: decision within 60 working days of the cell's resolution.
    decision_due_working_days: int = 60
    # R6. HD 01-HD/TW 2021, 3.4: ceremony within 30 working days of receiving the decision.
    ceremony_due_working_days: int = 30
    # R6. Điều lệ Đảng, Điều 5: probation 12 months from the ceremony.
    probation_months: int = 12
    # R7. HD 01-HD/TW 2021, 4: review within 30 working days after probation; decision 30.
    recognition_review_due_working_days: int = 30
    recognition_decision_due_working_days: int = 30
    # R8. HD 01-HD/TW 2021, 3.2: dossier older than 12 months must be redone.
    dossier_validity_months: int = 12
    # R9. QĐ 132-QĐ/TW 2018 and 124-QĐ/TW 2023: not rated below 6 months.
    min_months_before_rating: int = 6
    # R10. HD 21-HD/BTCTW 2019, 124-QĐ/TW 2023: excellent at most 20% of those rated good,
    # counted per grassroots organization.
    excellent_ratio_of_good: Decimal = Decimal("0.20")
    excellent_ratio_grouping: str = "GRASSROOTS"
    # R11. QĐ 132-QĐ/TW, Điều 10: two years running "not completed" -> education and help.
    not_completed_years_flag: int = 2
    # R12. Điều lệ Đảng, Điều 8: 3 months in a year without attending or paying dues.
    strike_off_absence_months: int = 3
    # R13. Điều lệ Đảng, Điều 21: a cell needs at least 3 official members.
    min_official_members: int = 3
    # R14. Điều lệ Đảng, Điều 8; QĐ 24-QĐ/TW 2021, 4: re-admission only once.
    max_readmissions: int = 1
    # Rating scale: 100-point scores from QĐ 366-QĐ/TW 2025 (uncertain: first full
    # application to the 2025 rating round).
    rating_scores: bool = False


RULE_SETS = (
    RuleSet(
        effective_from=datetime.date(1900, 1, 1),
        source="Điều lệ Đảng 2011; QĐ 29-QĐ/TW 2016; HD 01-HD/TW 2016",
    ),
    RuleSet(effective_from=datetime.date(2021, 6, 28), source="QĐ 24-QĐ/TW 2021; HD 01-HD/TW 2021"),
    RuleSet(
        effective_from=datetime.date(2025, 7, 1),
        source="QĐ 294-QĐ/TW 2025; HD 06-HD/TW 2025; QĐ 366-QĐ/TW 2025",
        rating_scores=True,
    ),
)


def rules_on(date: datetime.date) -> RuleSet:
    """The rule set in force on ``date``."""
    found = RULE_SETS[0]
    for rule_set in RULE_SETS:
        if rule_set.effective_from <= date:
            found = rule_set
    return found


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(date: datetime.date) -> bool:
    """Monday to Friday, except Vietnamese public holidays (Tết included)."""
    return date.weekday() < 5 and date not in _vn_holidays(date.year)


@lru_cache(maxsize=65536)
def add_working_days(date: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``date`` (``date`` itself not counted)."""
    current = date
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
