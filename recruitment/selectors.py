"""Reads of the admission pipeline: the board and the funnel numbers for the reports.

Every number is an SQL aggregate over a subtree of today's tree (so a merged or moved
organization's past rolls up under its current ancestors), except the medians, computed
on a bounded list of one year's events so the same code runs on PostgreSQL and SQLite.
"""

import dataclasses
import datetime
import statistics
from collections import defaultdict

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import RowNumber

from members.models import Organization

from .choices import FUNNEL_STEPS, OPEN_STAGES, PIPELINE_STAGES, Stage
from .deadlines import candidacy_deadline
from .models import Candidacy, CandidacyEvent

# --- board -----------------------------------------------------------------------------


@dataclasses.dataclass
class BoardColumn:
    stage: str
    count: int
    cards: list[Candidacy]

    @property
    def label(self) -> str:
        return Stage(self.stage).label


def _stage_date():
    """The date a candidacy entered its current stage; the board shows the oldest first."""
    return Case(
        When(stage=Stage.COURSE_COMPLETED, then=F("certificate__certificate_on")),
        When(stage=Stage.DOSSIER_READY, then=F("dossier_ready_on")),
        When(stage=Stage.CELL_RESOLUTION, then=F("resolution_on")),
        When(stage=Stage.COMMITTEE_APPROVAL, then=F("committee_approval_on")),
        When(stage=Stage.DECISION, then=F("decision_on")),
        When(stage=Stage.ADMITTED, then=F("ceremony_on")),
        default=F("sourced_on"),
    )


def pipeline_board(
    *, candidacies, today: datetime.date, cards_per_stage: int = 20
) -> list[BoardColumn]:
    """One column per open stage: its count and its oldest cards, in two queries.

    ``candidacies`` is an already scoped and filtered queryset (``visible_to``, subtree,
    source group, year). Each card gets ``deadline`` (a ``deadlines.Deadline`` or None)
    and ``is_overdue``, computed in Python on the bounded set of cards.
    """
    open_ones = candidacies.filter(stage__in=OPEN_STAGES)
    counts = open_ones.stage_counts()
    # Rank bare ids first: ranking the rows with every joined column of a card would carry
    # them through the sort of all open candidacies; only the chosen cards are loaded.
    ranked = (
        open_ones.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("stage"),
                order_by=[_stage_date().asc(), F("id").asc()],
            ),
        )
        .filter(rank__lte=cards_per_stage)
        .values("id")
    )
    chosen = (
        Candidacy.objects.filter(id__in=ranked)
        .for_list()
        .annotate(stage_since=_stage_date())
        .order_by(F("stage_since").asc(), "id")
    )
    cards = defaultdict(list)
    for candidacy in chosen:
        candidacy.deadline = candidacy_deadline(candidacy)
        candidacy.is_overdue = bool(candidacy.deadline and candidacy.deadline.is_overdue(today))
        cards[candidacy.stage].append(candidacy)
    return [
        BoardColumn(stage=stage, count=counts.get(stage, 0), cards=cards[stage])
        for stage in PIPELINE_STAGES
        if stage in OPEN_STAGES
    ]


# --- funnel ----------------------------------------------------------------------------


def funnel_stage_counts(*, organization: Organization, on: datetime.date) -> dict[str, int]:
    """Candidacies per stage on date ``on`` in the organization's subtree.

    Definition: a candidacy is at stage S on D when its latest event dated on or before D
    has stage S; candidacies without an event by D (not sourced yet) are not counted.
    Every stage, closed ones included, is a key. One query.
    """
    latest = (
        CandidacyEvent.objects.filter(candidacy=OuterRef("pk"), date__lte=on)
        .order_by("-date", "-id")
        .values("stage")[:1]
    )
    # The candidacies without an event by D fall in the group None, dropped here: filtering
    # them out in SQL would run the subquery twice per candidacy (WHERE and GROUP BY).
    rows = (
        Candidacy.objects.in_subtree(organization)
        .annotate(stage_on=Subquery(latest))
        .order_by()
        .values("stage_on")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Stage.values, 0)
    counts.update({row["stage_on"]: row["n"] for row in rows if row["stage_on"] is not None})
    return counts


def funnel_entries(*, organization: Organization, year: int) -> dict[str, int]:
    """Candidacies that entered each stage in ``year`` (distinct, from the events). One query."""
    rows = (
        CandidacyEvent.objects.in_subtree(organization)
        .in_year(year)
        .order_by()
        .values("stage")
        .annotate(n=Count("candidacy", distinct=True))
    )
    counts = dict.fromkeys(Stage.values, 0)
    counts.update({row["stage"]: row["n"] for row in rows})
    return counts


@dataclasses.dataclass(frozen=True)
class Conversion:
    from_stage: str
    to_stage: str
    entered: int
    converted: int

    @property
    def rate(self) -> float | None:
        return self.converted / self.entered if self.entered else None


def funnel_conversions(*, organization: Organization, year: int) -> list[Conversion]:
    """Conversion of each step of the funnel for the cohort of ``year``. One query.

    Definition: for a step S -> T, ``entered`` counts the candidacies of the subtree with an
    S event dated in ``year``; ``converted`` those of them that have a T event (at any date
    so far). The grassroots committee approval is inside the step resolution -> decision.
    """
    events = CandidacyEvent.objects.filter(candidacy=OuterRef("pk"))
    aggregates = {}
    for i, (from_stage, to_stage) in enumerate(FUNNEL_STEPS):
        entered = Q(Exists(events.filter(stage=from_stage, date__year=year)))
        reached = Q(Exists(events.filter(stage=to_stage)))
        aggregates[f"entered_{i}"] = Count("pk", filter=entered)
        aggregates[f"converted_{i}"] = Count("pk", filter=entered & reached)
    totals = Candidacy.objects.in_subtree(organization).aggregate(**aggregates)
    return [
        Conversion(
            from_stage=from_stage,
            to_stage=to_stage,
            entered=totals[f"entered_{i}"],
            converted=totals[f"converted_{i}"],
        )
        for i, (from_stage, to_stage) in enumerate(FUNNEL_STEPS)
    ]


def funnel_median_days(*, organization: Organization, year: int) -> dict[str, float | None]:
    """Median days spent in each stage, over the stays that ended in ``year``.

    Definition: a stay in stage S runs from a candidacy's first event of S to its next
    event of another stage; it ends in the year of that next event. Stages without a
    finished stay in the year give None. Computed on the events of the candidacies with
    an event in the year (bounded by one year's pipeline), streamed in one query.
    """
    active = CandidacyEvent.objects.in_subtree(organization).in_year(year).values("candidacy_id")
    rows = (
        CandidacyEvent.objects.filter(candidacy_id__in=active)
        .order_by("candidacy_id", "date", "id")
        .values_list("candidacy_id", "stage", "date")
    )
    stays = defaultdict(list)
    current = None
    for candidacy_id, stage, date in rows.iterator(chunk_size=5000):
        if current is not None and current[0] == candidacy_id:
            if stage == current[1]:
                continue
            if date.year == year:
                stays[current[1]].append((date - current[2]).days)
        current = (candidacy_id, stage, date)
    return {
        stage: (statistics.median(stays[stage]) if stays[stage] else None)
        for stage in PIPELINE_STAGES
        if stage != Stage.OFFICIAL
    }
