"""Every number of the dashboards, one function each, defined as in DESIGN.md section 5.

Every function takes an organization, meaning its subtree under today's tree (after a
merger or a move, past placements and events roll up to the organization's current
ancestors), and a period. Each number is one SQL aggregate; nothing loops over members.
"""

import bisect
import dataclasses
import datetime
from collections.abc import Iterable

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from members.choices import EVENTS_IN, EVENTS_OUT, EventKind
from members.models import MemberPlacement, MembershipEvent, Organization
from members.querysets import path_q

# Every string that starts with a path sorts between the path and this suffix added to it.
_PATH_END = "\U0010ffff"

_RECONCILED_KINDS = sorted(EVENTS_IN | EVENTS_OUT)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def members_on(organization: Organization, date: datetime.date) -> int:
    """Members on date D (DESIGN.md 5): "placements covering D of members active on D
    (PROBATIONARY or OFFICIAL)".

    A placement covers D when ``start_on <= D < end_on``. Every end of membership (removal,
    death, transfer out) closes the placement on its date, so a placement covering D
    belongs to a member active on D, whatever their status today.
    """
    return MemberPlacement.objects.covering(date).in_subtree(organization).count()


def events_in_year(organization: Organization, year: int) -> dict[str, int]:
    """Membership events dated in ``year`` under ``organization``, by kind (one aggregate).

    Events are counted where they happened: the member's cell at that moment.
    """
    rows = (
        MembershipEvent.objects.in_subtree(organization)
        .in_year(year)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {kind: 0 for kind in EventKind.values} | dict(rows)


def admissions_in_year(organization: Organization, year: int) -> int:
    """Admissions in year Y (DESIGN.md 5): "admission events whose decision date is in Y".

    The admission event is dated with the admission decision.
    """
    return (
        MembershipEvent.objects.in_subtree(organization)
        .in_year(year)
        .filter(kind=EventKind.ADMISSION)
        .count()
    )


def removals_in_year(organization: Organization, year: int) -> dict[str, int]:
    """Removals in year Y (DESIGN.md 5): "removal events in Y, by form".

    The form is the event's ``subkind`` (``evaluation.models.RemovalForm``), so removals
    written without a ``Removal`` row (e.g. an unrecognized probationary member struck off
    by the recruitment app) are counted too.
    """
    rows = (
        MembershipEvent.objects.in_subtree(organization)
        .in_year(year)
        .filter(kind=EventKind.REMOVAL)
        .values("subkind")
        .annotate(n=Count("pk"))
        .values_list("subkind", "n")
    )
    return dict(rows)


@dataclasses.dataclass(frozen=True)
class Reconciliation:
    """Reconciliation (DESIGN.md 5): "members at start + admitted + transferred in −
    transferred out − removed − deceased = members at end"."""

    organization: Organization
    year: int
    start: int
    admitted: int
    transferred_in: int
    transferred_out: int
    removed: int
    deceased: int
    end: int

    @property
    def expected_end(self) -> int:
        return (
            self.start
            + self.admitted
            + self.transferred_in
            - self.transferred_out
            - self.removed
            - self.deceased
        )

    @property
    def difference(self) -> int:
        return self.end - self.expected_end

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def _reconciliation(organization, year, start, end, events) -> Reconciliation:
    return Reconciliation(
        organization=organization,
        year=year,
        start=start,
        admitted=events.get(EventKind.ADMISSION, 0),
        transferred_in=events.get(EventKind.TRANSFER_IN, 0),
        transferred_out=events.get(EventKind.TRANSFER_OUT, 0),
        removed=events.get(EventKind.REMOVAL, 0),
        deceased=events.get(EventKind.DEATH, 0),
        end=end,
    )


def reconciliation(organization: Organization, year: int) -> Reconciliation:
    """Reconciliation of ``organization``'s subtree over ``year`` (DESIGN.md 5): members at
    start + admitted + transferred in − transferred out − removed − deceased = members at end.

    Start is ``members_on(31/12/(Y-1))``, end ``members_on(31/12/Y)``; the flows are the
    ADMISSION, TRANSFER_IN, TRANSFER_OUT, REMOVAL and DEATH events dated in Y whose
    organization lies in the subtree. A transfer between two cells of the subtree adds one
    in and one out, so it cancels. Three queries.
    """
    return _reconciliation(
        organization,
        year,
        start=members_on(organization, _year_end(year - 1)),
        end=members_on(organization, _year_end(year)),
        events=events_in_year(organization, year),
    )


def _covering_q(date: datetime.date) -> Q:
    return Q(start_on__lte=date) & (Q(end_on__isnull=True) | Q(end_on__gt=date))


def _top_paths(paths: Iterable[str]) -> list[str]:
    """The paths not under another one of them: the roots of the union of the subtrees."""
    tops = []
    for path in sorted(set(paths)):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    return tops


class _PathSums:
    """Sums of per-path vectors over any subtree, from prefix sums over the sorted paths."""

    def __init__(self, vectors: dict[str, list[int]], width: int):
        self.paths = sorted(vectors)
        self.totals = [[0] * width]
        for path in self.paths:
            self.totals.append([a + b for a, b in zip(self.totals[-1], vectors[path], strict=True)])

    def subtree(self, path: str) -> list[int]:
        lo = bisect.bisect_left(self.paths, path)
        hi = bisect.bisect_left(self.paths, path + _PATH_END)
        return [b - a for a, b in zip(self.totals[lo], self.totals[hi], strict=True)]


def reconciliation_table(
    organizations: Iterable[Organization], years: Iterable[int]
) -> dict[tuple[int, int], Reconciliation]:
    """``reconciliation`` for every organization and year, keyed ``(organization.pk, year)``.

    Same definitions, in two queries whatever the number of organizations and years: one
    aggregate counts each cell's placements covering 31/12 before and at the end of every
    year, one counts each organization's events by year and kind. Each organization's
    subtree is then summed from these numbers in Python (a loop over organizations, not
    members), so past rows roll up to today's tree.
    """
    organizations = list(organizations)
    years = sorted(set(years))
    if not organizations or not years:
        return {}
    tops = _top_paths(o.path for o in organizations)
    boundaries = sorted({y - 1 for y in years} | set(years))
    at = {y: i for i, y in enumerate(boundaries)}
    first, last = _year_end(boundaries[0]), _year_end(boundaries[-1])
    placements = (
        MemberPlacement.objects.filter(path_q(tops, "cell__path"), start_on__lte=last)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=first))
        .values("cell__path")
        .annotate(**{f"on_{y}": Count("pk", filter=_covering_q(_year_end(y))) for y in boundaries})
    )
    # One vector per path: members on each boundary, then each year's count of each kind.
    kinds = _RECONCILED_KINDS
    width = len(boundaries) + len(years) * len(kinds)
    vectors: dict[str, list[int]] = {}
    for row in placements:
        vector = vectors.setdefault(row["cell__path"], [0] * width)
        for i, y in enumerate(boundaries):
            vector[i] = row[f"on_{y}"]
    events = (
        MembershipEvent.objects.filter(
            path_q(tops, "organization__path"),
            kind__in=kinds,
            date__range=(datetime.date(years[0], 1, 1), _year_end(years[-1])),
        )
        .annotate(year=ExtractYear("date"))
        .values("organization__path", "year", "kind")
        .annotate(n=Count("pk"))
    )
    position = {y: i for i, y in enumerate(years)}
    for row in events:
        if row["year"] not in position:
            continue
        vector = vectors.setdefault(row["organization__path"], [0] * width)
        offset = len(boundaries) + position[row["year"]] * len(kinds)
        vector[offset + kinds.index(row["kind"])] = row["n"]
    sums = _PathSums(vectors, width)
    table = {}
    for org in organizations:
        vector = sums.subtree(org.path)
        for i, year in enumerate(years):
            offset = len(boundaries) + i * len(kinds)
            table[(org.pk, year)] = _reconciliation(
                org,
                year,
                start=vector[at[year - 1]],
                end=vector[at[year]],
                events=dict(zip(kinds, vector[offset : offset + len(kinds)], strict=True)),
            )
    return table
