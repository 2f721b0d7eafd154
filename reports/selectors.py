"""Reads that assemble the report pages from ``reports.metrics``: the dashboard, the term
report and the warnings. Views, exports and the ``term_report`` command share them, so a
figure reads the same on the screen, in the workbook and in the terminal.

Every number comes from a function of ``metrics``; this module only picks the period,
compares with the targets and shapes the rows. The query count of each builder is fixed
(see the docstrings), whatever the size of the subtree.
"""

import dataclasses
import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from evaluation.checks import organizations_below_min_official
from evaluation.models import RemovalForm
from members.models import Organization
from recruitment.choices import PIPELINE_STAGES, SourceGroup, Stage
from recruitment.deadlines import due_list
from recruitment.selectors import funnel_stage_counts

from . import metrics
from .metrics import Breakdown, RatingRate, Status, YearFigures
from .models import CongressTerm, Metric, TermTarget

STATUS_CLASSES = {
    Status.MET: "success",
    Status.ON_TRACK: "info",
    Status.BEHIND: "warning",
    Status.NOT_MET: "danger",
    Status.NO_DATA: "secondary",
    Status.NO_QUOTA: "secondary",
}
# At most this many years in the charts.
MAX_CHART_YEARS = 10


def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "secondary")


def status_label(status: str) -> str:
    return Status(status).label


def family_of(organization: Organization) -> list[Organization]:
    """The organization's ancestors, itself and its direct children, in path order: one
    query for the breadcrumbs and the children table."""
    return list(
        Organization.objects.filter(
            Q(path__in=metrics.ancestor_paths(organization))
            | Q(path__startswith=organization.path, depth=organization.depth + 1)
        ).order_by("path")
    )


def active_in_year(organization: Organization, year: int) -> bool:
    return organization.established_on <= datetime.date(year, 12, 31) and (
        organization.closed_on is None or organization.closed_on > datetime.date(year, 1, 1)
    )


def chart_years(terms: list[CongressTerm], year: int) -> list[int]:
    """The years charted around ``year``: the term covering it, or from the start of the
    last term before it (the five years up to it when there is none), ten at most."""
    term = metrics.term_covering(terms, year)
    if term is not None:
        first, last = term.first_year, term.last_year
    else:
        earlier = [t.first_year for t in terms if t.last_year < year]
        first, last = (max(earlier) if earlier else year - 4), year
    first = max(first, year - MAX_CHART_YEARS + 1)
    last = min(max(last, year), first + MAX_CHART_YEARS - 1)
    return list(range(first, last + 1))


def target_for(terms: list[CongressTerm], year: int, metric: str) -> TermTarget | None:
    term = metrics.term_covering(terms, year)
    if term is None:
        return None
    return next((t for t in term.target_list if t.metric == metric), None)


def _number(value) -> float | None:
    return None if value is None else round(float(value), 2)


# --- dashboard ---------------------------------------------------------------------------


@dataclasses.dataclass
class TargetCard:
    target: TermTarget
    actual: Decimal | int | None
    status: str
    is_rate: bool

    @property
    def status_class(self) -> str:
        return status_class(self.status)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclasses.dataclass
class ChildRow:
    organization: Organization
    figures: YearFigures
    member_rate_status: str
    organization_rate_status: str

    @property
    def pacing(self) -> metrics.Pacing:
        return self.figures.pacing

    @property
    def status(self) -> str:
        """The row's colour: the quota's pace, or the rates against their targets."""
        statuses = {self.pacing.status, self.member_rate_status, self.organization_rate_status}
        for status in (Status.NOT_MET, Status.BEHIND, Status.ON_TRACK, Status.MET):
            if status in statuses:
                return status
        return Status.NO_DATA

    @property
    def status_class(self) -> str:
        return status_class(self.status)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclasses.dataclass
class Dashboard:
    organization: Organization
    year: int
    today: datetime.date
    ancestors: list[Organization]
    terms: list[CongressTerm]
    term: CongressTerm | None
    own_term: bool  # the term is the organization's own (its admission target applies)
    years: list[int]
    breakdown: Breakdown
    cards: list[TargetCard]
    rows: list[ChildRow]
    funnel: list[tuple[str, str, int]]
    makeup: metrics.Makeup

    @property
    def figures(self) -> YearFigures:
        return self.breakdown.years[self.year]

    @property
    def reference_date(self) -> datetime.date:
        return metrics.reference_date(self.year, self.today)

    @property
    def is_current_year(self) -> bool:
        return self.year == self.today.year

    @property
    def pacing_class(self) -> str:
        return status_class(self.figures.pacing.status)

    @property
    def pacing_label(self) -> str:
        return status_label(self.figures.pacing.status)

    @property
    def makeup_sources(self) -> list[tuple[str, int]]:
        """(label, number) of the new members by source group, largest first."""
        items = sorted(self.makeup.by_source.items(), key=lambda item: (-item[1], item[0]))
        return [(source_label(source), n) for source, n in items]

    @property
    def children_quota(self) -> int | None:
        quotas = [r.figures.quota for r in self.rows if r.figures.quota is not None]
        return sum(quotas) if quotas else None

    @property
    def behind(self) -> list[ChildRow]:
        return [r for r in self.rows if r.pacing.is_behind]

    @property
    def series(self) -> list[YearFigures]:
        return [self.breakdown.years[y] for y in self.years]

    @property
    def year_rows(self) -> list[dict]:
        """The charts' numbers, one row a year, with the targets of each year."""
        rows = []
        for f in self.series:
            started = f.year <= self.today.year
            admissions = target_for(self.terms, f.year, Metric.ADMISSIONS_PER_YEAR)
            rows.append(
                {
                    "figures": f,
                    "started": started,
                    "admissions_line": (
                        (admissions.value if admissions else None) if self.own_term else f.quota
                    ),
                    "member_target": target_for(self.terms, f.year, Metric.MEMBER_RATING_RATE),
                    "organization_target": target_for(
                        self.terms, f.year, Metric.ORGANIZATION_RATING_RATE
                    ),
                }
            )
        return rows

    def chart_data(self) -> dict:
        """The numbers of both charts, for Chart.js (labels translated here)."""
        rows = self.year_rows

        def value(row, number):
            return _number(number) if row["started"] else None

        def target(t):
            return _number(t.value) if t else None

        return {
            "admissions": {
                "labels": [str(r["figures"].year) for r in rows],
                "bars": [value(r, r["figures"].admitted) for r in rows],
                "barLabel": _("Admissions"),
                "line": [_number(r["admissions_line"]) for r in rows],
                "lineLabel": _("Congress target") if self.own_term else _("Quota"),
            },
            "rates": {
                "labels": [str(r["figures"].year) for r in rows],
                "series": [
                    {
                        "label": _("Members rated good or better (%)"),
                        "data": [value(r, r["figures"].member_rating.rate) for r in rows],
                    },
                    {
                        "label": _("Grassroots organizations rated good or better (%)"),
                        "data": [value(r, r["figures"].organization_rating.rate) for r in rows],
                    },
                ],
                "targets": [
                    {
                        "label": _("Target: members"),
                        "data": [target(r["member_target"]) for r in rows],
                    },
                    {
                        "label": _("Target: grassroots organizations"),
                        "data": [target(r["organization_target"]) for r in rows],
                    },
                ],
            },
        }


def _rate_status(terms, metric, rate: RatingRate, year, today) -> str:
    target = target_for(terms, year, metric)
    if target is None:
        return Status.NO_DATA
    return metrics.target_status(target, rate.rate, year=year, today=today)


def dashboard_build(
    organization: Organization, year: int, *, today: datetime.date, family: list[Organization]
) -> Dashboard:
    """Everything the dashboard of ``organization`` for ``year`` shows.

    ``family`` is ``family_of(organization)``. Queries: terms and targets 1, breakdown 5,
    funnel 1, make-up 1.
    """
    ancestors = [o for o in family if len(o.path) < len(organization.path)]
    children = [
        o for o in family if len(o.path) > len(organization.path) and active_in_year(o, year)
    ]
    terms = metrics.applicable_terms(organization)
    term = metrics.term_covering(terms, year)
    own_term = bool(terms) and terms[0].organization_id == organization.pk
    years = chart_years(terms, year)
    breakdown = metrics.breakdown(
        organization, sorted({*years, year}), today=today, children=children
    )
    figures = breakdown.years[year]
    cards = []
    for target in term.target_list if term else []:
        if target.metric == Metric.ADMISSIONS_PER_YEAR and not own_term:
            continue  # a subordinate organization is held to its quota instead
        actual = figures.actual(target.metric)
        cards.append(
            TargetCard(
                target=target,
                actual=actual,
                status=metrics.target_status(target, actual, year=year, today=today),
                is_rate=target.metric != Metric.ADMISSIONS_PER_YEAR,
            )
        )
    rows = [
        ChildRow(
            organization=child,
            figures=breakdown.child(child, year),
            member_rate_status=_rate_status(
                terms,
                Metric.MEMBER_RATING_RATE,
                breakdown.child(child, year).member_rating,
                year,
                today,
            ),
            organization_rate_status=_rate_status(
                terms,
                Metric.ORGANIZATION_RATING_RATE,
                breakdown.child(child, year).organization_rating,
                year,
                today,
            ),
        )
        for child in children
    ]
    on = metrics.reference_date(year, today)
    counts = funnel_stage_counts(organization=organization, on=on)
    funnel = [(stage, Stage(stage).label, counts.get(stage, 0)) for stage in PIPELINE_STAGES]
    return Dashboard(
        organization=organization,
        year=year,
        today=today,
        ancestors=ancestors,
        terms=terms,
        term=term,
        own_term=own_term,
        years=years,
        breakdown=breakdown,
        cards=cards,
        rows=rows,
        funnel=funnel,
        makeup=metrics.new_members_makeup(organization, year),
    )


def source_label(source: str) -> str:
    return SourceGroup(source).label if source else _("Not recorded")


# --- term report -------------------------------------------------------------------------


@dataclasses.dataclass
class TermTargetResult:
    target: TermTarget
    actual: Decimal | None  # the term average (admissions) or the pooled rate
    status: str
    years_met: int
    years_counted: int

    @property
    def status_class(self) -> str:
        return status_class(self.status)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def is_rate(self) -> bool:
        return self.target.metric != Metric.ADMISSIONS_PER_YEAR


@dataclasses.dataclass
class TermReport:
    term: CongressTerm
    organization: Organization
    today: datetime.date
    years: list[YearFigures]
    admissions_average: Decimal | None
    member_rating: RatingRate
    organization_rating: RatingRate
    targets: list[TermTargetResult]
    structures: list[metrics.Structure]
    restructurings: list[metrics.Restructuring]
    mergers: list

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.term.first_year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return min(datetime.date(self.term.last_year, 12, 31), self.today)

    @property
    def is_over(self) -> bool:
        return self.term.last_year < self.today.year

    @property
    def admitted(self) -> int:
        return sum(f.admitted for f in self.years)

    @property
    def quota(self) -> int | None:
        quotas = [f.quota for f in self.years if f.quota is not None]
        return sum(quotas) if quotas else None

    @property
    def removals(self) -> dict[str, int]:
        total = Counter()
        for f in self.years:
            total.update(f.removals)
        return dict(total)

    @property
    def removed(self) -> int:
        return sum(self.removals.values())

    @property
    def removal_forms(self) -> list[tuple[str, int]]:
        """(label, number) of the term's removals by form."""
        labels = dict(RemovalForm.choices)
        return [(labels.get(form, form), n) for form, n in sorted(self.removals.items())]


def term_report_build(
    term: CongressTerm,
    organization: Organization,
    *,
    today: datetime.date,
    on: datetime.date | None = None,
) -> TermReport:
    """The term report of ``organization``'s subtree: each year's figures, the term's
    averages against each target, the structure at the start and at the end of the term
    (and on ``on`` when given) and the restructurings in the term.

    Averages: admissions summed over the years so far / their number (``term_average``);
    rates pooled over the years (good or better over rated, all years together). A
    target is met or not once the term is over; before, it is on track or behind on the
    years so far. A subordinate organization is not held to the term's admission target
    (its quotas are shown instead). Eleven queries.
    """
    years = metrics.term_years(term, today)
    breakdown = metrics.breakdown(organization, years, today=today)
    series = [breakdown.years[y] for y in years]
    average = Decimal(sum(f.admitted for f in series)) / len(series) if series else None
    member_rating = sum((f.member_rating for f in series), RatingRate())
    organization_rating = sum((f.organization_rating for f in series), RatingRate())
    own_term = term.organization_id == organization.pk
    results = []
    for target in term.targets.all():
        if target.metric == Metric.ADMISSIONS_PER_YEAR:
            if not own_term:
                continue
            actual = average
        elif target.metric == Metric.MEMBER_RATING_RATE:
            actual = member_rating.rate
        else:
            actual = organization_rating.rate
        if actual is None:
            status = Status.NO_DATA
        elif term.last_year < today.year:
            status = Status.MET if target.is_met_by(actual) else Status.NOT_MET
        else:
            status = Status.ON_TRACK if target.is_met_by(actual) else Status.BEHIND
        yearly = [
            metrics.target_status(target, f.actual(target.metric), year=f.year, today=today)
            for f in series
        ]
        results.append(
            TermTargetResult(
                target=target,
                actual=actual,
                status=status,
                years_met=yearly.count(Status.MET),
                years_counted=sum(1 for s in yearly if s != Status.NO_DATA),
            )
        )
    first, last = datetime.date(term.first_year, 1, 1), datetime.date(term.last_year, 12, 31)
    last = min(last, today)
    dates = {first, last} | ({on} if on else set())
    return TermReport(
        term=term,
        organization=organization,
        today=today,
        years=series,
        admissions_average=average,
        member_rating=member_rating,
        organization_rating=organization_rating,
        targets=results,
        structures=metrics.structure_on(organization, dates),
        restructurings=metrics.restructurings(organization, first, last),
        mergers=list(metrics.mergers(organization, first, last)),
    )


# --- warnings ----------------------------------------------------------------------------


@dataclasses.dataclass
class Warnings:
    organization: Organization
    today: datetime.date
    cells_without_admissions: object  # a queryset, paged by the view
    behind_pace: list[metrics.QuotaPace]
    below_min_official: list[Organization]
    overdue: list

    @property
    def overdue_by_kind(self) -> list[tuple[str, int]]:
        counts = Counter(item.label for item in self.overdue)
        return sorted(counts.items())


def warnings_build(organization: Organization, *, user, today: datetime.date) -> Warnings:
    """The warnings of ``organization``'s subtree that no other page gives: cells that
    admitted nobody in the last three years, quota holders behind their pace this year,
    organizations with fewer than 3 official members (R13), overdue pipeline deadlines
    (R5-R7). A handful of queries each, whatever the size of the subtree."""
    overdue = [
        item
        for item in due_list(user=user, today=today, horizon_days=0, organization=organization)
        if item.overdue
    ]
    return Warnings(
        organization=organization,
        today=today,
        cells_without_admissions=metrics.cells_without_admissions(organization, today=today),
        behind_pace=[
            p
            for p in metrics.quota_paces(organization, today.year, today=today)
            if p.pacing.is_behind
        ],
        below_min_official=organizations_below_min_official(organization, today),
        overdue=overdue,
    )
