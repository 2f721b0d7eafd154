"""The Party's rules R9-R13 (DESIGN.md section 4), one function each.

Services call these to block or flag; lists call them to warn. Parameters come from the
dated rule set in force on 31/12 of the rating year (``members.rules.rules_on``).
"""

import bisect
import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import CELL_KINDS, GRASSROOTS_KINDS, MemberStatus
from members.errors import DomainError
from members.models import MemberPlacement, Organization
from members.rules import RuleSet, full_months_between, rules_on

from .models import NotRatedReason, ScreeningFlag


def year_end(year: int) -> datetime.date:
    """Ratings are as of 31 December of their year."""
    return datetime.date(year, 12, 31)


def rules_for_year(year: int) -> RuleSet:
    return rules_on(year_end(year))


# --- R9 --------------------------------------------------------------------------------


def member_not_rated_reason(
    *, admission_decision_date: datetime.date, exempt: bool, year: int
) -> str:
    """R9: why a member is not rated in ``year``, or "" when they must be rated.

    QĐ 132-QĐ/TW 2018, Điều 2; 124-QĐ/TW 2023: members exempt from Party work during the
    year and members admitted (decision date) less than 6 full months before 31/12 are not
    rated.
    """
    if exempt:
        return NotRatedReason.EXEMPT
    months = full_months_between(admission_decision_date, year_end(year))
    if months < rules_for_year(year).min_months_before_rating:
        return NotRatedReason.ADMITTED_RECENTLY
    return ""


def organization_not_rated_reason(*, established_on: datetime.date, year: int) -> str:
    """R9: organizations established less than 6 full months before 31/12 are not rated."""
    months = full_months_between(established_on, year_end(year))
    if months < rules_for_year(year).min_months_before_rating:
        return NotRatedReason.ESTABLISHED_RECENTLY
    return ""


# --- R10 -------------------------------------------------------------------------------


def excellent_limit(good: int, ratio: Decimal) -> int:
    """The most members that may be rated EXCELLENT beside ``good`` rated GOOD (rounded down)."""
    return int(Decimal(good) * ratio)


def excellent_ratio_group(cell: Organization, year: int) -> Organization:
    """R10: the organization within which the 20% is counted for ``cell``.

    HD 21-HD/BTCTW 2019 and 124-QĐ/TW 2023 count per grassroots organization: the
    ``GRASSROOTS_*`` organization at or above the cell. The rule set may group by cell.
    """
    grouping = rules_for_year(year).excellent_ratio_grouping
    if grouping == "CELL":
        return cell
    if grouping != "GRASSROOTS":
        raise ValueError(f"Unknown excellent_ratio_grouping {grouping!r}")
    steplen = Organization.steplen
    prefixes = [cell.path[:i] for i in range(steplen, len(cell.path) + 1, steplen)]
    group = Organization.objects.filter(path__in=prefixes, kind__in=GRASSROOTS_KINDS).first()
    if group is None:
        raise DomainError(_("This cell is not under a grassroots Party organization."))
    return group


def check_excellent_ratio(*, excellent: int, good: int, year: int) -> None:
    """R10: EXCELLENT may not exceed 20% of GOOD within the group; refuse with the numbers."""
    ratio = rules_for_year(year).excellent_ratio_of_good
    limit = excellent_limit(good, ratio)
    if excellent > limit:
        raise DomainError(
            _(
                "The number rated excellent (%(excellent)s) exceeds %(percent)s%% of the "
                "number rated good (%(good)s): at most %(limit)s."
            )
            % {
                "excellent": excellent,
                "good": good,
                "percent": format((ratio * 100).normalize(), "f"),
                "limit": limit,
            }
        )


# --- R11 -------------------------------------------------------------------------------


def not_completed_runs(years_not_completed: set[int], year: int) -> list[int]:
    """R11: the last years of every run of NOT_COMPLETED years, long enough to flag, with ``year``.

    QĐ 132-QĐ/TW, Điều 10: a member not completing duties two years in a row goes through
    the cell's education and help; the software flags, it never removes.
    """
    length = rules_for_year(year).not_completed_years_flag
    return [
        end
        for end in range(year, year + length)
        if all(y in years_not_completed for y in range(end - length + 1, end + 1))
    ]


# --- R12 -------------------------------------------------------------------------------


def own_request_blockers(member) -> list[ScreeningFlag]:
    """R12: what stops ``member`` from leaving at their own request.

    Điều lệ Đảng, Điều 8 (and QĐ 24-QĐ/TW 2021, 4.2): only members without violations may
    leave at their own request. The application records no disciplinary decisions yet, so
    what it can see is an unresolved screening flag; staff record a known violation as a
    STAFF_RECORDED flag.
    """
    return list(ScreeningFlag.objects.filter(member=member).open().order_by("raised_on"))


# --- R13 -------------------------------------------------------------------------------


def organizations_below_min_official(
    organization: Organization, on: datetime.date | None = None
) -> list[Organization]:
    """R13 warning list: cells and grassroots organizations under ``organization`` active on
    ``on`` with fewer official members than the rule set requires (Điều lệ Đảng, Điều 21: 3).

    Official members on D: placements covering D of members official by D (official date on
    or before D; members recorded as official without that date count as official). Counted
    in one aggregate per cell and summed up the tree in Python over organizations; each
    organization returned carries ``official_members``.
    """
    on = on or timezone.localdate()
    minimum = rules_on(on).min_official_members
    orgs = list(
        Organization.objects.all()
        .in_subtree(organization)
        .active_on(on)
        .filter(kind__in=CELL_KINDS | GRASSROOTS_KINDS)
    )
    per_cell = dict(
        MemberPlacement.objects.covering(on)
        .in_subtree(organization)
        .filter(
            Q(member__official_date__lte=on)
            | Q(member__official_date__isnull=True, member__status=MemberStatus.OFFICIAL)
        )
        .values("cell__path")
        .annotate(n=Count("pk"))
        .values_list("cell__path", "n")
    )
    paths = sorted(per_cell)
    totals = [0]
    for path in paths:
        totals.append(totals[-1] + per_cell[path])
    below = []
    for org in orgs:
        lo = bisect.bisect_left(paths, org.path)
        hi = bisect.bisect_left(paths, org.path + "\U0010ffff")
        org.official_members = totals[hi] - totals[lo]
        if org.official_members < minimum:
            below.append(org)
    return below
