"""Deadlines of the admission pipeline (R5-R8) and the due list of a user's scope.

Deadlines in working days skip weekends and Vietnamese public holidays, Tết included
(``members.rules.add_working_days``). Each parameter comes from the rule set in force on
the date the period starts.
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from members.choices import MemberStatus, OrganizationKind
from members.models import Member, Organization
from members.rules import RULE_SETS, add_months, add_working_days, rules_on

from .choices import DueKind, Stage
from .models import Candidacy, grassroots_in_chain
from .querysets import ancestor_paths

DECISION_PENDING_STAGES = (Stage.CELL_RESOLUTION, Stage.COMMITTEE_APPROVAL)


def decision_due_on(resolution_on: datetime.date) -> datetime.date:
    """R5 (HD 01-HD/TW 2021, 3.3): the decision within 60 working days of the resolution."""
    return add_working_days(resolution_on, rules_on(resolution_on).decision_due_working_days)


def ceremony_due_on(decision_on: datetime.date) -> datetime.date:
    """R6 (HD 01-HD/TW 2021, 3.4): the ceremony within 30 working days of the decision."""
    return add_working_days(decision_on, rules_on(decision_on).ceremony_due_working_days)


def probation_ends_on(ceremony_on: datetime.date) -> datetime.date:
    """R6 (Điều lệ Đảng, Điều 5): probation lasts 12 months from the ceremony date.

    This is also the official date of a member who is recognized (R7).
    """
    return add_months(ceremony_on, rules_on(ceremony_on).probation_months)


def recognition_review_due_on(probation_end: datetime.date) -> datetime.date:
    """R7 (HD 01-HD/TW 2021, 4): the cell reviews within 30 working days after probation."""
    return add_working_days(
        probation_end, rules_on(probation_end).recognition_review_due_working_days
    )


def recognition_decision_due_on(review_on: datetime.date) -> datetime.date:
    """R7: the committee decides within 30 working days of the cell's review."""
    return add_working_days(review_on, rules_on(review_on).recognition_decision_due_working_days)


def dossier_expires_on(dossier_ready_on: datetime.date) -> datetime.date:
    """R8 (HD 01-HD/TW 2021, 3.2): after 12 months without a cell resolution, redo it."""
    return add_months(dossier_ready_on, rules_on(dossier_ready_on).dossier_validity_months)


@dataclasses.dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: datetime.date

    def is_overdue(self, today: datetime.date) -> bool:
        return today > self.due_on

    @property
    def label(self) -> str:
        return DueKind(self.kind).label


def candidacy_deadline(candidacy: Candidacy) -> Deadline | None:
    """The next deadline of an open candidacy from its stored dates; no query.

    Per-row helper for the board's cards (overdue cards are marked).
    """
    stage = candidacy.stage
    if stage == Stage.DOSSIER_READY and candidacy.dossier_ready_on:
        return Deadline(DueKind.DOSSIER_EXPIRY, dossier_expires_on(candidacy.dossier_ready_on))
    if stage in DECISION_PENDING_STAGES and candidacy.resolution_on:
        return Deadline(DueKind.DECISION, decision_due_on(candidacy.resolution_on))
    if stage == Stage.DECISION and candidacy.decision_on:
        return Deadline(DueKind.CEREMONY, ceremony_due_on(candidacy.decision_on))
    if stage == Stage.ADMITTED and candidacy.ceremony_on:
        return Deadline(
            DueKind.RECOGNITION, recognition_review_due_on(probation_ends_on(candidacy.ceremony_on))
        )
    return None


@dataclasses.dataclass(frozen=True)
class DueItem:
    """One thing due in a scope: what, by when, for whom, and who must act."""

    kind: str
    due_on: datetime.date
    organization: Organization
    candidacy: Candidacy | None
    member: Member | None
    overdue: bool

    @property
    def label(self) -> str:
        return DueKind(self.kind).label

    @property
    def person(self):
        return self.member.person if self.member else self.candidacy.person


def _min_calendar_days(working_days: int) -> int:
    # ``n`` working days span at least this many calendar days (weekends, no holidays).
    return working_days // 5 * 7 + working_days % 5


def _min_param(name: str) -> int:
    return min(getattr(rule_set, name) for rule_set in RULE_SETS)


def _responsible_for_decision(candidacy: Candidacy, orgs_by_path: dict) -> Organization:
    """The grassroots committee while its approval is pending, else the committee above."""
    chain = [orgs_by_path[p] for p in ancestor_paths(candidacy.cell.path) if p in orgs_by_path]
    grassroots = grassroots_in_chain(chain)
    if grassroots is None:
        return candidacy.cell
    if (
        candidacy.stage == Stage.CELL_RESOLUTION
        and grassroots.kind == OrganizationKind.GRASSROOTS_COMMITTEE
    ):
        return grassroots
    index = chain.index(grassroots)
    return chain[index - 1] if index > 0 else grassroots


def due_list(
    *,
    user,
    today: datetime.date | None = None,
    horizon_days: int = 30,
    organization: Organization | None = None,
) -> list[DueItem]:
    """What is overdue or due within ``horizon_days`` in the user's scope, soonest first.

    Kinds: dossier older than 12 months (R8), decision due (R5), ceremony due (R6),
    recognition review due (R7). SQL first keeps only rows whose start date makes the due
    date possibly within the horizon (a working-day period spans at least its weekdays
    plus weekends); the exact due dates, holidays included, are then computed on that
    bounded set. A handful of queries, whatever the size of the scope.
    """
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=horizon_days)

    def latest_start(days: int) -> datetime.date:
        return until - datetime.timedelta(days=days)

    decision_start = latest_start(_min_calendar_days(_min_param("decision_due_working_days")))
    ceremony_start = latest_start(_min_calendar_days(_min_param("ceremony_due_working_days")))
    # A 12-month period is at least 365 days.
    dossier_start = latest_start(_min_param("dossier_validity_months") // 12 * 365)
    ceremony_for_review = latest_start(
        _min_param("probation_months") // 12 * 365
        + _min_calendar_days(_min_param("recognition_review_due_working_days"))
    )

    candidacies = Candidacy.objects.visible_to(user).select_related("person", "cell")
    members = Member.objects.visible_to(user).select_related("person", "organization")
    if organization is not None:
        candidacies = candidacies.in_subtree(organization)
        members = members.in_subtree(organization)
    candidacies = list(
        candidacies.filter(
            Q(stage=Stage.DOSSIER_READY, dossier_ready_on__lte=dossier_start)
            | Q(stage__in=DECISION_PENDING_STAGES, resolution_on__lte=decision_start)
            | Q(stage=Stage.DECISION, decision_on__lte=ceremony_start)
        )
    )
    members = list(
        members.filter(
            status=MemberStatus.PROBATIONARY, ceremony_date__lte=ceremony_for_review
        ).prefetch_related(
            Prefetch(
                "candidacies",
                queryset=Candidacy.objects.filter(stage=Stage.ADMITTED),
                to_attr="open_candidacies",
            )
        )
    )
    orgs_by_path = {}
    pending = [c for c in candidacies if c.stage in DECISION_PENDING_STAGES]
    if pending:
        paths = {p for c in pending for p in ancestor_paths(c.cell.path)}
        orgs_by_path = {o.path: o for o in Organization.objects.filter(path__in=paths)}

    items = []
    for c in candidacies:
        deadline = candidacy_deadline(c)
        if deadline is None or deadline.due_on > until:
            continue
        responsible = c.cell
        if deadline.kind == DueKind.DECISION:
            responsible = _responsible_for_decision(c, orgs_by_path)
        items.append(
            DueItem(
                kind=deadline.kind,
                due_on=deadline.due_on,
                organization=responsible,
                candidacy=c,
                member=None,
                overdue=deadline.is_overdue(today),
            )
        )
    for m in members:
        due_on = recognition_review_due_on(probation_ends_on(m.ceremony_date))
        if due_on > until:
            continue
        items.append(
            DueItem(
                kind=DueKind.RECOGNITION,
                due_on=due_on,
                organization=m.organization,
                candidacy=m.open_candidacies[0] if m.open_candidacies else None,
                member=m,
                overdue=today > due_on,
            )
        )
    items.sort(key=lambda item: (item.due_on, item.kind, item.person.search_name))
    return items
