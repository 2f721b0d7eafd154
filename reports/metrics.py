"""Every number of the dashboards, one function each, defined as in DESIGN.md section 5.

Every function takes an organization, meaning its subtree under today's tree (after a
merger or a move, past placements and events roll up to the organization's current
ancestors), and a period. Each number is one SQL aggregate; nothing loops over members.
"""

import bisect
import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import GOOD_OR_BETTER, RATED_GRADES, Grade, MemberRating, OrganizationRating
from members.choices import (
    CELL_KINDS,
    EVENTS_IN,
    EVENTS_OUT,
    GRASSROOTS_KINDS,
    Ethnicity,
    EventKind,
    Gender,
    OrganizationEventKind,
    OrganizationKind,
    Sector,
)
from members.models import MemberPlacement, MembershipEvent, Organization, OrganizationEvent
from members.querysets import path_q
from recruitment.models import Candidacy

from .models import AdmissionQuota, CongressTerm, Metric, TermTarget

# Every string that starts with a path sorts between the path and this suffix added to it.
_PATH_END = "\U0010ffff"

_RECONCILED_KINDS = sorted(EVENTS_IN | EVENTS_OUT)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _placements(*, filter: Q) -> Count:
    """Placements matching ``filter``, counted on ``cell_id`` (never null) rather than the
    id: with the dates, it is in the (cell, start_on, end_on) index, so PostgreSQL counts
    from the index without reading the table."""
    return Count("cell", filter=filter)


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
        .annotate(**{f"on_{y}": _placements(filter=_covering_q(_year_end(y))) for y in boundaries})
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


# --- periods ---------------------------------------------------------------------------


def _year_start(year: int) -> datetime.date:
    return datetime.date(year, 1, 1)


def _years_q(field: str, years: Sequence[int], until: datetime.date | None = None) -> Q:
    """``field`` (a date) within the first to the last of ``years`` (and not after
    ``until``, for figures "to date"): an index range scan."""
    last = _year_end(max(years)) if until is None else min(_year_end(max(years)), until)
    return Q(**{f"{field}__gte": _year_start(min(years)), f"{field}__lte": last})


def reference_date(year: int, today: datetime.date) -> datetime.date:
    """The date a year's stock figures (members) are taken on: 31/12, or today in the
    current year."""
    return min(_year_end(year), today)


def ancestor_paths(organization: Organization) -> list[str]:
    """Paths of the organization and its ancestors in today's tree, root first (no query)."""
    step = Organization.steplen
    return [organization.path[:i] for i in range(step, len(organization.path) + 1, step)]


def _child_prefix(field: str, organization: Organization) -> Substr:
    """The part of a path ``field`` that names the child of ``organization`` it lies under.

    Grouping a subtree by this prefix gives every direct child's subtree in one aggregate
    (rows attached to ``organization`` itself fall under its own path). A correlated
    subquery per child would have to match ``LIKE child.path || '%'``, which no index
    serves.
    """
    return Substr(field, 1, len(organization.path) + Organization.steplen)


# --- rates and statuses ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RatingRate:
    """Good-or-better ratings over rated ones; NOT_RATED rows are counted beside."""

    good_or_better: int = 0
    rated: int = 0
    not_rated: int = 0

    @classmethod
    def from_grades(cls, counts: dict[str, int]) -> "RatingRate":
        return cls(
            good_or_better=sum(counts.get(g, 0) for g in GOOD_OR_BETTER),
            rated=sum(counts.get(g, 0) for g in RATED_GRADES),
            not_rated=counts.get(Grade.NOT_RATED, 0),
        )

    @property
    def rate(self) -> Decimal | None:
        """The percentage (0-100), or None when nobody was rated."""
        if not self.rated:
            return None
        return Decimal(self.good_or_better * 100) / Decimal(self.rated)

    def __add__(self, other: "RatingRate") -> "RatingRate":
        return RatingRate(
            self.good_or_better + other.good_or_better,
            self.rated + other.rated,
            self.not_rated + other.not_rated,
        )


def _grade_aggregates() -> dict:
    return {
        "good": Count("pk", filter=Q(grade__in=sorted(GOOD_OR_BETTER))),
        "rated": Count("pk", filter=Q(grade__in=sorted(RATED_GRADES))),
        "not_rated": Count("pk", filter=Q(grade=Grade.NOT_RATED)),
    }


class Status(models.TextChoices):
    MET = "MET", _("Met")
    NOT_MET = "NOT_MET", _("Not met")
    ON_TRACK = "ON_TRACK", _("On track")
    BEHIND = "BEHIND", _("Behind")
    NO_DATA = "NO_DATA", _("No data yet")
    NO_QUOTA = "NO_QUOTA", _("No quota")


def share_of_year_elapsed(year: int, today: datetime.date) -> tuple[int, int]:
    """(days elapsed, days in the year) on ``today``, today included: (365, 365) for a past
    year, (0, 365) for a future one."""
    days = (_year_start(year + 1) - _year_start(year)).days
    if year < today.year:
        return days, days
    if year > today.year:
        return 0, days
    return (today - _year_start(year)).days + 1, days


@dataclasses.dataclass(frozen=True)
class Pacing:
    """Quota fulfilment and pacing (DESIGN.md 5): "admissions in Y / the quota assigned to
    that organization for Y"; "admissions to date against quota × share of the year
    elapsed"."""

    admitted: int
    quota: int | None
    elapsed_days: int
    year_days: int

    @property
    def share_elapsed(self) -> float:
        return self.elapsed_days / self.year_days

    @property
    def fulfilment(self) -> Decimal | None:
        """Admissions as a percentage of the quota; None without a (positive) quota."""
        if not self.quota:
            return None
        return Decimal(self.admitted * 100) / Decimal(self.quota)

    @property
    def expected(self) -> int | None:
        """Admissions expected by now at an even pace: quota × share elapsed, rounded down."""
        if self.quota is None:
            return None
        return self.quota * self.elapsed_days // self.year_days

    @property
    def status(self) -> str:
        if self.quota is None:
            return Status.NO_QUOTA
        if self.admitted >= self.quota:
            return Status.MET
        if self.elapsed_days == self.year_days:
            return Status.NOT_MET
        return Status.ON_TRACK if self.admitted >= self.expected else Status.BEHIND

    @property
    def is_behind(self) -> bool:
        return self.status in (Status.BEHIND, Status.NOT_MET)


def target_status(target: TermTarget, actual, *, year: int, today: datetime.date) -> str:
    """Where ``actual`` stands against ``target`` for ``year`` (DESIGN.md 5): met or not met
    for a past year; for the current year, met once reached, otherwise on track or behind:
    admissions against the target × the share of the year elapsed, a rate (its ratings
    are provisional until the year's round is done) against the target itself."""
    if actual is None or year > today.year:
        return Status.NO_DATA
    if target.is_met_by(actual):
        return Status.MET
    if year < today.year:
        return Status.NOT_MET
    if target.metric == Metric.ADMISSIONS_PER_YEAR:
        elapsed, days = share_of_year_elapsed(year, today)
        return Status.ON_TRACK if actual * days >= target.value * elapsed else Status.BEHIND
    return Status.BEHIND


# --- one number each -----------------------------------------------------------------------


def member_rating_rate(organization: Organization, year: int) -> RatingRate:
    """Member rating rate in year Y (DESIGN.md 5): "(EXCELLENT + GOOD) / (members rated in
    Y), over ratings in the subtree; NOT_RATED rows are excluded from the denominator and
    shown beside it".

    Ratings are placed by the cell at rating time, so a cell moved or merged since still
    adds up under today's ancestors. One aggregate.
    """
    totals = (
        MemberRating.objects.in_subtree(organization).in_year(year).aggregate(**_grade_aggregates())
    )
    return RatingRate(totals["good"], totals["rated"], totals["not_rated"])


def organization_rating_rate(organization: Organization, year: int) -> RatingRate:
    """Organization rating rate in year Y (DESIGN.md 5): "the same over ratings of
    grassroots organizations (GRASSROOTS_*) in the subtree". One aggregate."""
    totals = (
        OrganizationRating.objects.in_subtree(organization)
        .in_year(year)
        .filter(organization__kind__in=sorted(GRASSROOTS_KINDS))
        .aggregate(**_grade_aggregates())
    )
    return RatingRate(totals["good"], totals["rated"], totals["not_rated"])


def _count_subquery(queryset) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=models.IntegerField(),
    )


def quota_fulfilment(
    organization: Organization, year: int, *, today: datetime.date | None = None
) -> Pacing:
    """Quota fulfilment and pacing of ``organization`` in ``year`` (DESIGN.md 5):
    "admissions in Y / the quota assigned to that organization for Y"; "admissions to date
    against quota × share of the year elapsed" (see ``Pacing``).

    The quota is the one assigned to the organization itself, not the sum of its
    children's. One query (the quota and the count of admission events as subqueries).
    """
    today = today or timezone.localdate()
    admissions = MembershipEvent.objects.filter(
        _years_q("date", [year], until=today),
        kind=EventKind.ADMISSION,
        organization__path__startswith=organization.path,
    )
    quota = AdmissionQuota.objects.filter(organization=OuterRef("pk"), year=year).values("number")[
        :1
    ]
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(quota=Subquery(quota), admitted=_count_subquery(admissions))
        .values("quota", "admitted")
        .get()
    )
    return Pacing(row["admitted"], row["quota"], *share_of_year_elapsed(year, today))


# One query gives both numbers: ``Pacing`` carries the fulfilment and the pace.
pacing = quota_fulfilment


def term_years(term: CongressTerm, today: datetime.date) -> list[int]:
    """The term's years that have started by ``today`` (all of them once it is over)."""
    return [y for y in term.years if y <= today.year]


def term_average(
    organization: Organization, term: CongressTerm, *, today: datetime.date | None = None
) -> Decimal | None:
    """Term average (DESIGN.md 5): "admissions summed over the term's years / number of
    years". A term in progress is averaged over its years so far, the current one
    included. One aggregate."""
    years = term_years(term, today or timezone.localdate())
    if not years:
        return None
    total = (
        MembershipEvent.objects.filter(
            _years_q("date", years),
            kind=EventKind.ADMISSION,
            organization__path__startswith=organization.path,
        )
        .order_by()
        .count()
    )
    return Decimal(total) / Decimal(len(years))


# --- series over years and tables over children ------------------------------------------


@dataclasses.dataclass
class YearFigures:
    """The figures of one subtree for one year, as defined in DESIGN.md 5."""

    year: int
    today: datetime.date
    members: int = 0  # members on the reference date (31/12, or today in the current year)
    admitted: int = 0
    quota: int | None = None
    removals: dict[str, int] = dataclasses.field(default_factory=dict)
    member_rating: RatingRate = RatingRate()
    organization_rating: RatingRate = RatingRate()

    @property
    def removed(self) -> int:
        return sum(self.removals.values())

    @property
    def pacing(self) -> Pacing:
        return Pacing(self.admitted, self.quota, *share_of_year_elapsed(self.year, self.today))

    @property
    def reference_date(self) -> datetime.date:
        return reference_date(self.year, self.today)

    def actual(self, metric: str):
        """The figure a target of ``metric`` is compared with."""
        if metric == Metric.ADMISSIONS_PER_YEAR:
            return self.admitted
        if metric == Metric.MEMBER_RATING_RATE:
            return self.member_rating.rate
        return self.organization_rating.rate


@dataclasses.dataclass
class Breakdown:
    """Yearly figures of a subtree, and of each given child's subtree."""

    organization: Organization
    years: dict[int, YearFigures]
    children: dict[int, dict[int, YearFigures]]

    def child(self, child: Organization, year: int) -> YearFigures:
        return self.children[child.pk][year]


def _grid(organization, years, today, children):
    def new(year):
        return YearFigures(year=year, today=today)

    totals = {y: new(y) for y in years}
    per_child = {c.pk: {y: new(y) for y in years} for c in children}
    by_prefix = {c.path: per_child[c.pk] for c in children}

    def cells(prefix, year):
        """The figures a row of ``prefix`` and ``year`` adds to: the total, and its child."""
        if year not in totals:
            return []
        row = by_prefix.get(prefix)
        return [totals[year], row[year]] if row else [totals[year]]

    return totals, per_child, cells


def _member_grades_by_cell(organization: Organization, years: Sequence[int]) -> list[tuple]:
    """(child prefix, year, grade, number) of the member ratings of the subtree, on
    PostgreSQL: the same rows as the grouped ORM query in ``breakdown``, counted first per
    cell from the (cell, year, grade) index, then summed by prefix.

    Why: the ORM query joins every rating (hundreds of thousands a province) to its cell to
    read the path, then groups them by a text key; PostgreSQL 15 does not aggregate before a
    join. Counting each cell's ratings in a LATERAL subquery reads the index in order, one
    range per cell of the subtree, and hashes only a few rows per cell: about half the
    time for a province and a tenth for a district. SQLite has no LATERAL, so it keeps
    the ORM query.
    """
    ratings = MemberRating._meta.db_table
    organizations = Organization._meta.db_table
    sql = f"""
        SELECT SUBSTRING(o.path, 1, %s), g.year, g.grade, SUM(g.n)
        FROM {organizations} o
        CROSS JOIN LATERAL (
            SELECT r.year, r.grade, COUNT(*) AS n
            FROM {ratings} r
            WHERE r.cell_id = o.id AND r.year BETWEEN %s AND %s AND r.year = ANY(%s)
            GROUP BY r.year, r.grade
        ) g
        WHERE o.path LIKE %s
        GROUP BY 1, 2, 3
    """
    length = len(organization.path) + Organization.steplen
    with connection.cursor() as cursor:
        # The range makes the years part of the index condition; ANY keeps only the given ones.
        params = [length, min(years), max(years), list(years), organization.path + "%"]
        cursor.execute(sql, params)
        return [(p, year, grade, int(n)) for p, year, grade, n in cursor.fetchall()]


def _members_on_by_cell(organization: Organization, dates: dict[int, datetime.date]) -> list:
    """Rows ``{"prefix": ..., "on_<year>": ...}`` of members on each date per child prefix,
    on PostgreSQL: the same rows as the grouped ORM query in ``breakdown`` (placements
    covering the date, see ``members_on``), counted per cell from the (cell, start_on,
    end_on) index in a LATERAL subquery, then summed by prefix (see
    ``_member_grades_by_cell`` for why)."""
    placements = MemberPlacement._meta.db_table
    organizations = Organization._meta.db_table
    covering = "COUNT(*) FILTER (WHERE p.start_on <= %s AND (p.end_on IS NULL OR p.end_on > %s))"
    years = list(dates)
    sql = f"""
        SELECT SUBSTRING(o.path, 1, %s), {", ".join(f"SUM(g.on_{y})" for y in years)}
        FROM {organizations} o
        CROSS JOIN LATERAL (
            SELECT {", ".join(f"{covering} AS on_{y}" for y in years)}
            FROM {placements} p
            WHERE p.cell_id = o.id AND p.start_on <= %s AND (p.end_on IS NULL OR p.end_on > %s)
        ) g
        WHERE o.path LIKE %s
        GROUP BY 1
    """
    params = [len(organization.path) + Organization.steplen]
    for date in dates.values():
        params += [date, date]
    params += [max(dates.values()), min(dates.values()), organization.path + "%"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"prefix": row[0]} | {f"on_{y}": int(n) for y, n in zip(years, row[1:], strict=True)}
            for row in cursor.fetchall()
        ]


def breakdown(
    organization: Organization,
    years: Iterable[int],
    *,
    today: datetime.date,
    children: Sequence[Organization] = (),
) -> Breakdown:
    """Every yearly figure of DESIGN.md 5 for ``organization``'s subtree over ``years``, and
    the same for each of ``children`` (its direct children), in five queries whatever the
    size of the subtree or the number of children and years.

    Same definitions as the one-number functions above: admissions and removals by form
    are events dated in the year; members are placements covering the reference date
    (31/12, or today in the current year); rating rates count EXCELLENT + GOOD over rated,
    NOT_RATED beside; the quota is the one assigned to the organization itself. Each query
    groups the subtree by child path prefix (and year), so past rows roll up to today's
    tree; rows of closed children not given in ``children`` still count in the totals.
    """
    years = sorted(set(years))
    totals, per_child, cells = _grid(organization, years, today, children)
    if not years:
        return Breakdown(organization, totals, per_child)
    prefix = _child_prefix

    events = (
        MembershipEvent.objects.filter(
            _years_q("date", years, until=today),
            kind__in=[EventKind.ADMISSION, EventKind.REMOVAL],
            organization__path__startswith=organization.path,
        )
        .annotate(prefix=prefix("organization__path", organization), year=ExtractYear("date"))
        .values("prefix", "year", "kind", "subkind")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in events:
        for figures in cells(row["prefix"], row["year"]):
            if row["kind"] == EventKind.ADMISSION:
                figures.admitted += row["n"]
            else:
                form = row["subkind"]
                figures.removals[form] = figures.removals.get(form, 0) + row["n"]

    dates = {y: reference_date(y, today) for y in years}
    if connection.vendor == "postgresql":
        placements = _members_on_by_cell(organization, dates)
    else:
        placements = (
            MemberPlacement.objects.filter(
                Q(end_on__isnull=True) | Q(end_on__gt=min(dates.values())),
                cell__path__startswith=organization.path,
                start_on__lte=max(dates.values()),
            )
            .annotate(prefix=prefix("cell__path", organization))
            .values("prefix")
            .annotate(**{f"on_{y}": _placements(filter=_covering_q(d)) for y, d in dates.items()})
            .order_by()
        )
    for row in placements:
        for year in years:
            for figures in cells(row["prefix"], year):
                figures.members += row[f"on_{year}"]

    for model, path, extra in (
        (MemberRating, "cell__path", Q()),
        (
            OrganizationRating,
            "organization__path",
            Q(organization__kind__in=sorted(GRASSROOTS_KINDS)),
        ),
    ):
        grades = defaultdict(dict)
        if model is MemberRating and connection.vendor == "postgresql":
            rows = _member_grades_by_cell(organization, years)
        else:
            rows = (
                model.objects.filter(
                    extra, year__in=years, **{f"{path}__startswith": organization.path}
                )
                .annotate(prefix=prefix(path, organization))
                .values_list("prefix", "year", "grade")
                .annotate(n=Count("*"))
                .order_by()
            )
        for row_prefix, year, grade, n in rows:
            grades[(row_prefix, year)][grade] = n
        field = "member_rating" if model is MemberRating else "organization_rating"
        for (key_prefix, year), counts in grades.items():
            rate = RatingRate.from_grades(counts)
            for figures in cells(key_prefix, year):
                setattr(figures, field, getattr(figures, field) + rate)

    quotas = AdmissionQuota.objects.filter(
        Q(organization=organization) | Q(organization__in=[c.pk for c in children]),
        year__in=years,
    ).values_list("organization_id", "year", "number")
    for org_id, year, number in quotas:
        target = totals if org_id == organization.pk else per_child[org_id]
        target[year].quota = number
    return Breakdown(organization, totals, per_child)


def admissions_by_year(organization: Organization, years: Iterable[int]) -> dict[int, int]:
    """Admissions in each of ``years`` (see ``admissions_in_year``), in one query."""
    years = sorted(set(years))
    counts = dict.fromkeys(years, 0)
    if not years:
        return counts
    rows = (
        MembershipEvent.objects.filter(
            _years_q("date", years),
            kind=EventKind.ADMISSION,
            organization__path__startswith=organization.path,
        )
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update({row["year"]: row["n"] for row in rows})
    return counts


def _rates_by_year(queryset, years) -> dict[int, RatingRate]:
    years = sorted(set(years))
    rows = queryset.filter(year__in=years).values("year").annotate(**_grade_aggregates())
    rates = dict.fromkeys(years, RatingRate())
    rates.update(
        {r["year"]: RatingRate(r["good"], r["rated"], r["not_rated"]) for r in rows.order_by()}
    )
    return rates


def member_rating_rates_by_year(
    organization: Organization, years: Iterable[int]
) -> dict[int, RatingRate]:
    """``member_rating_rate`` for each of ``years``, in one query."""
    return _rates_by_year(MemberRating.objects.in_subtree(organization), years)


def organization_rating_rates_by_year(
    organization: Organization, years: Iterable[int]
) -> dict[int, RatingRate]:
    """``organization_rating_rate`` for each of ``years``, in one query."""
    return _rates_by_year(
        OrganizationRating.objects.in_subtree(organization).filter(
            organization__kind__in=sorted(GRASSROOTS_KINDS)
        ),
        years,
    )


# --- the year's new members --------------------------------------------------------------


NO_SOURCE = ""


@dataclasses.dataclass
class Makeup:
    """Who the year's new members are: admission events of the year in the subtree."""

    total: int = 0
    women: int = 0
    minorities: int = 0
    aged_30_or_under: int = 0
    by_source: dict[str, int] = dataclasses.field(default_factory=dict)


def new_members_makeup(organization: Organization, year: int) -> Makeup:
    """The make-up of the admissions in year Y (admission events dated in Y in the subtree):
    women, ethnic minorities (not Kinh), aged 30 or under on the decision date (full years),
    and the source group of the candidacy that led to the admission (the member's latest
    candidacy decided on or before that date; ``NO_SOURCE`` where none was recorded, e.g.
    members registered from paper records). One grouped query.
    """
    source = (
        Candidacy.objects.filter(member=OuterRef("member_id"), decision_on__lte=OuterRef("date"))
        .order_by("-decision_on", "-pk")
        .values("source_group")[:1]
    )
    born = "member__person__date_of_birth"
    rows = (
        MembershipEvent.objects.filter(
            _years_q("date", [year]),
            kind=EventKind.ADMISSION,
            organization__path__startswith=organization.path,
        )
        .annotate(
            source=Coalesce(Subquery(source), Value(NO_SOURCE)),
            # Age on the decision date is at most 30 when the years between are at most
            # 30, or 31 with the birthday not reached yet (compared as month * 100 + day).
            years_between=ExtractYear("date") - ExtractYear(born),
            day_of_year=ExtractMonth("date") * 100 + ExtractDay("date"),
            birthday=ExtractMonth(born) * 100 + ExtractDay(born),
        )
        .values("source")
        .annotate(
            n=Count("pk"),
            women=Count("pk", filter=Q(member__person__gender=Gender.FEMALE)),
            minorities=Count("pk", filter=~Q(member__person__ethnicity=Ethnicity.KINH)),
            young=Count(
                "pk",
                filter=Q(years_between__lte=30)
                | Q(years_between=31, day_of_year__lt=F("birthday")),
            ),
        )
        .order_by()
    )
    makeup = Makeup()
    for row in rows:
        makeup.total += row["n"]
        makeup.women += row["women"]
        makeup.minorities += row["minorities"]
        makeup.aged_30_or_under += row["young"]
        makeup.by_source[row["source"]] = row["n"]
    return makeup


# --- terms -------------------------------------------------------------------------------


def applicable_terms(organization: Organization) -> list[CongressTerm]:
    """Congress terms of the organization or, where it has none, of its nearest ancestor
    with some, each with ``target_list``. One query (terms without targets are left out:
    they have nothing to compare)."""
    paths = ancestor_paths(organization)
    targets = TermTarget.objects.filter(term__organization__path__in=paths).select_related(
        "term__organization"
    )
    terms: dict[int, CongressTerm] = {}
    for target in targets.order_by("term__first_year", "metric"):
        term = terms.setdefault(target.term_id, target.term)
        term.__dict__.setdefault("target_list", []).append(target)
    if not terms:
        return []
    nearest = max(len(t.organization.path) for t in terms.values())
    return [t for t in terms.values() if len(t.organization.path) == nearest]


def term_covering(terms: Iterable[CongressTerm], year: int) -> CongressTerm | None:
    return next((t for t in terms if t.first_year <= year <= t.last_year), None)


# --- structure and restructuring ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Structure:
    """Active organizations of each level and members on a date."""

    date: datetime.date
    upper: int
    grassroots: int
    cells: int
    members: int


def _active_q(date: datetime.date) -> Q:
    return Q(established_on__lte=date) & (Q(closed_on__isnull=True) | Q(closed_on__gt=date))


def structure_on(organization: Organization, dates: Iterable[datetime.date]) -> list[Structure]:
    """For each date: active upper committees (UPPER), grassroots organizations
    (GRASSROOTS_*), cells (CELL: chi bộ trực thuộc đảng ủy cơ sở) in the subtree, and
    members on the date (``members_on``). Two queries whatever the number of dates."""
    dates = sorted(set(dates))
    kinds = {
        "upper": [OrganizationKind.UPPER],
        "grassroots": sorted(GRASSROOTS_KINDS),
        "cells": [OrganizationKind.CELL],
    }
    orgs = Organization.objects.filter(path__startswith=organization.path).aggregate(
        **{
            f"{name}_{i}": Count("pk", filter=_active_q(d) & Q(kind__in=k))
            for i, d in enumerate(dates)
            for name, k in kinds.items()
        }
    )
    members = MemberPlacement.objects.filter(cell__path__startswith=organization.path).aggregate(
        **{f"m_{i}": _placements(filter=_covering_q(d)) for i, d in enumerate(dates)}
    )
    return [
        Structure(
            date=d,
            upper=orgs[f"upper_{i}"],
            grassroots=orgs[f"grassroots_{i}"],
            cells=orgs[f"cells_{i}"],
            members=members[f"m_{i}"],
        )
        for i, d in enumerate(dates)
    ]


@dataclasses.dataclass(frozen=True)
class Restructuring:
    """How many organizations of a kind and sector were merged, dissolved or established."""

    event: str
    kind: str
    sector: str
    count: int

    @property
    def event_label(self) -> str:
        return OrganizationEventKind(self.event).label

    @property
    def kind_label(self) -> str:
        return OrganizationKind(self.kind).label

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label


RESTRUCTURING_EVENTS = (
    OrganizationEventKind.MERGED_INTO,
    OrganizationEventKind.DISSOLVED,
    OrganizationEventKind.ESTABLISHED,
)


def restructurings(
    organization: Organization, first: datetime.date, last: datetime.date
) -> list[Restructuring]:
    """Organizations of the subtree merged, dissolved or established between ``first`` and
    ``last`` (OrganizationEvent), counted by event, kind and sector (e.g. commune agency
    cells dissolved). One grouped query."""
    rows = (
        OrganizationEvent.objects.filter(
            organization__path__startswith=organization.path,
            kind__in=RESTRUCTURING_EVENTS,
            date__range=(first, last),
        )
        .values("kind", "organization__kind", "organization__sector")
        .annotate(n=Count("pk"))
        .order_by()
    )
    order = {k: i for i, k in enumerate(RESTRUCTURING_EVENTS)}
    kinds = {k: i for i, k in enumerate(OrganizationKind.values)}
    result = [
        Restructuring(r["kind"], r["organization__kind"], r["organization__sector"], r["n"])
        for r in rows
    ]
    result.sort(key=lambda r: (order[r.event], kinds[r.kind], -r.count, r.sector))
    return result


def mergers(organization: Organization, first: datetime.date, last: datetime.date):
    """Mergers of committees and grassroots organizations of the subtree in the period,
    with their successors (cells are only counted, in ``restructurings``)."""
    return (
        OrganizationEvent.objects.filter(
            organization__path__startswith=organization.path,
            kind=OrganizationEventKind.MERGED_INTO,
            date__range=(first, last),
        )
        .exclude(organization__kind__in=sorted(CELL_KINDS))
        .select_related("organization", "other")
        .order_by("date", "pk")
    )


# --- warnings ----------------------------------------------------------------------------


def _years_before(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def cells_without_admissions(organization: Organization, *, today: datetime.date, years: int = 3):
    """Warning: cells (GRASSROOTS_CELL, CELL) of the subtree active today that admitted
    nobody in the last ``years`` years (no admission event dated after today − years).
    Cells younger than that are left out: they had no full period to admit anyone.
    A queryset, ordered by path, for paging."""
    since = _years_before(today, years)
    admitted = MembershipEvent.objects.filter(
        organization=OuterRef("pk"), kind=EventKind.ADMISSION, date__gt=since
    )
    return (
        Organization.objects.filter(path__startswith=organization.path, kind__in=CELL_KINDS)
        .active_on(today)
        .filter(established_on__lte=since)
        .filter(~Exists(admitted))
        .order_by("path")
    )


@dataclasses.dataclass(frozen=True)
class QuotaPace:
    organization: Organization
    pacing: Pacing


def quota_paces(organization: Organization, year: int, *, today: datetime.date) -> list[QuotaPace]:
    """Pacing of every organization of the subtree that holds a quota for ``year``
    (see ``quota_fulfilment``), in two queries: the quotas, and the year's admission
    events counted per cell, summed over each quota holder's subtree in Python."""
    quotas = list(
        AdmissionQuota.objects.filter(
            year=year, organization__path__startswith=organization.path
        ).select_related("organization")
    )
    if not quotas:
        return []
    per_path = (
        MembershipEvent.objects.filter(
            _years_q("date", [year], until=today),
            kind=EventKind.ADMISSION,
            organization__path__startswith=organization.path,
        )
        .values("organization__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sums = _PathSums({r["organization__path"]: [r["n"]] for r in per_path}, 1)
    share = share_of_year_elapsed(year, today)
    return [
        QuotaPace(q.organization, Pacing(sums.subtree(q.organization.path)[0], q.number, *share))
        for q in sorted(quotas, key=lambda q: q.organization.path)
    ]
