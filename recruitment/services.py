"""State changes of the admission pipeline, one service per step.

Every service takes keyword-only arguments and the acting user (``None`` for system jobs
such as the demo seed), runs in one transaction, locks the candidacy (or member) it
changes, checks that the actor may write on its organization (``PermissionDenied``),
checks the stage and the Party's rules in force on the step's date, changes the rows,
appends a ``CandidacyEvent`` and returns the result. Rule violations are one
``DomainError`` with a dict of form field -> translated message; nothing is saved.

The path: sourced -> course completed -> dossier ready -> cell resolution -> [grassroots
committee approval] -> admission decision -> ceremony (probationary member) -> official
recognition, or struck off; any stage before the ceremony may end as withdrawn or
rejected.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import ACTIVE_STATUSES, CELL_KINDS, EventKind, MemberStatus
from members.errors import DomainError
from members.models import Member, MemberPlacement, MembershipEvent, Organization, Person
from members.querysets import can_write
from members.services import member_register, membership_end

from . import checks
from .choices import (
    BEFORE_RESOLUTION_STAGES,
    PRE_ADMISSION_STAGES,
    CloseOutcome,
    IntroducerKind,
    SourceGroup,
    Stage,
)
from .deadlines import probation_ends_on
from .models import Candidacy, CandidacyEvent, CourseAttendance, Introducer, TrainingCourse

# The removal form written on the REMOVAL event of a member not recognized (R7, R12).
STRUCK_OFF = "STRUCK_OFF"

Errors = dict[str, str]


# --- helpers ---------------------------------------------------------------------------


def _d(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def _check_can_write(actor, organization: Organization) -> None:
    if actor is not None and not can_write(actor, organization):
        raise PermissionDenied(_("You may not change data of this organization."))


def _lock(candidacy: Candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("person", "cell", "certificate")
        .get(pk=candidacy.pk)
    )


def _lock_member(member: Member) -> Member:
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("person", "organization")
        .get(pk=member.pk)
    )


def _check_stage(candidacy: Candidacy, allowed) -> None:
    if candidacy.stage not in allowed:
        raise DomainError(
            _("This step is not possible while the candidacy is at the stage “%(stage)s”.")
            % {"stage": candidacy.get_stage_display()}
        )


def _date_errors(
    on: datetime.date | None,
    *,
    field: str = "on",
    not_before: datetime.date | None = None,
    not_before_what: str = "",
) -> Errors:
    """A step's date is required, not in the future, and not before the previous step."""
    if on is None:
        return {field: _("Enter the date.")}
    if on > timezone.localdate():
        return {field: _("The date cannot be in the future.")}
    if not_before is not None and on < not_before:
        return {
            field: _("The date cannot be before %(what)s (%(date)s).")
            % {"what": not_before_what, "date": _d(not_before)}
        }
    return {}


def _required(value: str, field: str, message: str) -> Errors:
    return {} if (value or "").strip() else {field: message}


def _full_clean(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(error.message_dict) from error


def _log(candidacy: Candidacy, *, stage: str, on: datetime.date, actor, **fields):
    return CandidacyEvent.objects.create(
        candidacy=candidacy, stage=stage, date=on, actor=actor, **fields
    )


def _check_cell(cell: Organization, on: datetime.date, field: str = "cell") -> Errors:
    if cell.kind not in CELL_KINDS:
        return {field: _("Candidates are followed by a Party cell; choose a cell.")}
    if not cell.is_active_on(on):
        return {field: _("This cell is not active on the chosen date.")}
    return {}


# --- candidacies -----------------------------------------------------------------------


@transaction.atomic
def candidacy_create(
    *,
    person: Person,
    cell: Organization,
    sourced_on: datetime.date,
    actor=None,
    source_group: str = SourceGroup.OTHER,
    is_youth_union_member: bool = False,
    has_youth_union: bool = True,
    note: str = "",
) -> Candidacy:
    """Open a candidacy (stage SOURCED) for a person followed by a cell.

    A person has at most one open candidacy. A former member may be sourced again only if
    re-admission is still possible (R14); active members cannot be candidates.
    """
    _check_can_write(actor, cell)
    errors = {**_check_cell(cell, sourced_on), **_date_errors(sourced_on, field="sourced_on")}
    if sourced_on and sourced_on < person.date_of_birth:
        errors["sourced_on"] = _("The date is before the person's date of birth.")
    checks.raise_if_errors(errors)
    if person.pk is None:
        _full_clean(person)
        person.save()
    else:
        person = Person.objects.select_for_update().get(pk=person.pk)
        if Candidacy.objects.open().filter(person=person).exists():
            raise DomainError({"person": _("This person already has an open candidacy.")})
        member = Member.objects.filter(person=person).first()
        if member is not None:
            checks.raise_if_errors(checks.check_readmission(member=member, on=sourced_on))
    candidacy = Candidacy(
        person=person,
        cell=cell,
        sourced_on=sourced_on,
        source_group=source_group,
        is_youth_union_member=is_youth_union_member,
        has_youth_union=has_youth_union,
        note=note,
        stage=Stage.SOURCED,
    )
    _full_clean(candidacy)
    candidacy.save()
    _log(candidacy, stage=Stage.SOURCED, on=sourced_on, actor=actor, note=note)
    return candidacy


# Fields of a candidacy that may be edited directly; the others change through the steps.
EDITABLE_ANYTIME = frozenset({"source_group", "note"})
EDITABLE_BEFORE_RESOLUTION = frozenset({"cell", "is_youth_union_member", "has_youth_union"})


@transaction.atomic
def candidacy_update(*, candidacy: Candidacy, actor=None, fields: dict) -> Candidacy:
    """Edit a candidacy's descriptive data; the edit history keeps the old values.

    The cell and the Youth Union data (which decide R3's variant) may change only before
    the cell's resolution; stage data changes only through the step services.
    """
    unknown = set(fields) - EDITABLE_ANYTIME - EDITABLE_BEFORE_RESOLUTION
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    restricted = fields.keys() & EDITABLE_BEFORE_RESOLUTION
    if any(getattr(candidacy, name) != fields[name] for name in restricted):
        _check_stage(candidacy, BEFORE_RESOLUTION_STAGES)
    new_cell = fields.get("cell")
    if new_cell is not None and new_cell.pk != candidacy.cell_id:
        _check_can_write(actor, new_cell)
        checks.raise_if_errors(_check_cell(new_cell, timezone.localdate()))
    for name, value in fields.items():
        setattr(candidacy, name, value)
    _full_clean(candidacy)
    candidacy.save()
    return candidacy


@transaction.atomic
def candidacy_close(
    *, candidacy: Candidacy, outcome: str, on: datetime.date, reason: str, actor=None
) -> Candidacy:
    """End a candidacy as withdrawn or rejected, with a reason, from any stage before the
    ceremony. After the ceremony a candidacy ends through recognition or striking off;
    only when the member's membership already ended otherwise (death, removal) may it be
    closed here.
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    if outcome not in CloseOutcome.values:
        raise DomainError({"outcome": _("Choose withdrawn or rejected.")})
    if candidacy.stage == Stage.ADMITTED:
        if candidacy.member.status in ACTIVE_STATUSES:
            raise DomainError(
                _(
                    "The candidate has been admitted; the case ends with official recognition "
                    "or striking off."
                )
            )
    else:
        _check_stage(candidacy, PRE_ADMISSION_STAGES)
    last = candidacy.events.aggregate(last=Max("date"))["last"]
    checks.raise_if_errors(
        _date_errors(on, not_before=last, not_before_what=_("the last step")),
        _required(reason, "reason", _("Give the reason.")),
    )
    candidacy.stage = outcome
    candidacy.closed_on = on
    candidacy.closed_reason = reason.strip()
    candidacy.save()
    _log(candidacy, stage=outcome, on=on, actor=actor, note=candidacy.closed_reason)
    return candidacy


# --- course ----------------------------------------------------------------------------


@transaction.atomic
def training_course_create(
    *,
    organizer: Organization,
    name: str,
    start_on: datetime.date,
    end_on: datetime.date,
    actor=None,
    note: str = "",
) -> TrainingCourse:
    """Create a party-awareness course organized by an organization of the actor's scope."""
    _check_can_write(actor, organizer)
    course = TrainingCourse(
        organizer=organizer, name=name.strip(), start_on=start_on, end_on=end_on, note=note
    )
    _full_clean(course)
    course.save()
    return course


def _check_can_enroll(candidacy: Candidacy) -> Errors:
    if candidacy.stage not in BEFORE_RESOLUTION_STAGES:
        return {
            "candidacies": _("%(name)s is at the stage “%(stage)s” and cannot attend a course.")
            % {"name": candidacy.person, "stage": candidacy.get_stage_display()}
        }
    return {}


@transaction.atomic
def course_enroll(*, course: TrainingCourse, candidacies, actor=None) -> list[CourseAttendance]:
    """Enroll candidacies of the actor's scope in a course; already enrolled ones are kept."""
    course = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    locked = list(
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("person", "cell")
        .filter(pk__in=[c.pk for c in candidacies])
        .order_by("pk")
    )
    for candidacy in locked:
        _check_can_write(actor, candidacy.cell)
    checks.raise_if_errors(*(_check_can_enroll(c) for c in locked))
    return [CourseAttendance.objects.get_or_create(course=course, candidacy=c)[0] for c in locked]


@transaction.atomic
def course_record_certificates(
    *,
    course: TrainingCourse,
    certificates: list[tuple[Candidacy, str, datetime.date]],
    actor=None,
) -> list[CourseAttendance]:
    """Record the certificates of a whole class at once: all rows are saved or none.

    ``certificates`` holds (candidacy, certificate number, certificate date). The organizer
    issues them, so the actor writes on the organizer; candidacies not enrolled yet are
    enrolled when the actor may also write on their cell. A candidacy at SOURCED moves to
    COURSE_COMPLETED; a later stage keeps its stage and uses the newer certificate (a
    course taken again because the old certificate expired, R2).
    """
    course = (
        TrainingCourse.objects.select_for_update().select_related("organizer").get(pk=course.pk)
    )
    _check_can_write(actor, course.organizer)
    rows = {c.pk: (number.strip(), on) for c, number, on in certificates}
    if len(rows) != len(certificates):
        raise DomainError({"certificates": _("A candidate appears twice in the list.")})
    locked = list(
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("person", "cell")
        .filter(pk__in=rows)
        .order_by("pk")
    )
    enrolled = {
        a.candidacy_id: a
        for a in CourseAttendance.objects.select_for_update().filter(
            course=course, candidacy_id__in=rows
        )
    }
    for candidacy in locked:
        if candidacy.pk not in enrolled:
            _check_can_write(actor, candidacy.cell)
    numbers = [number for number, _on in rows.values()]
    taken = set(
        CourseAttendance.objects.filter(course=course, certificate_number__in=numbers)
        .exclude(candidacy_id__in=rows)
        .values_list("certificate_number", flat=True)
    )
    problems = []
    for candidacy in locked:
        number, on = rows[candidacy.pk]
        name = candidacy.person.full_name
        if not number or on is None:
            problems.append(_("%(name)s: enter the certificate number and date.") % {"name": name})
            continue
        if numbers.count(number) > 1 or number in taken:
            problems.append(
                _("%(name)s: certificate number %(number)s is already used.")
                % {"name": name, "number": number}
            )
        problems.extend(
            f"{name}: {message}"
            for message in (
                *_check_can_enroll(candidacy).values(),
                *_date_errors(
                    on, not_before=course.end_on, not_before_what=_("the end of the course")
                ).values(),
            )
        )
    if problems:
        raise DomainError({"certificates": sorted(set(problems), key=problems.index)})
    result = []
    for candidacy in locked:
        number, on = rows[candidacy.pk]
        attendance = enrolled.get(candidacy.pk) or CourseAttendance(
            course=course, candidacy=candidacy
        )
        attendance.certificate_number = number
        attendance.certificate_on = on
        attendance.save()
        result.append(attendance)
        current = candidacy.certificate_on
        if current is None or on >= current:
            candidacy.certificate = attendance
        if candidacy.stage == Stage.SOURCED:
            candidacy.stage = Stage.COURSE_COMPLETED
        candidacy.save()
        # A certificate may predate the candidacy (a course taken earlier, still valid for
        # R2); the stage itself is entered no earlier than the sourcing.
        _log(
            candidacy,
            stage=Stage.COURSE_COMPLETED,
            on=max(on, candidacy.sourced_on),
            actor=actor,
            decision_number=number,
            deciding_body=course.organizer.name,
            note=course.name,
        )
    return result


# --- introducers and dossier -----------------------------------------------------------


@transaction.atomic
def introducer_add(
    *,
    candidacy: Candidacy,
    kind: str,
    introduced_on: datetime.date,
    actor=None,
    member: Member | None = None,
    name: str = "",
    alongside_since: datetime.date | None = None,
) -> Introducer:
    """Add an introducer before the cell's resolution (R3).

    A member introducer must be an official member on the introduction date and have
    worked or lived with the candidate for at least 12 months. An executive committee
    introduces only in the variant that admits it (Youth Union members; or, where there
    is no Youth Union, the trade union).
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, BEFORE_RESOLUTION_STAGES)
    combinations = checks.required_introducers(
        is_youth_union_member=candidacy.is_youth_union_member,
        has_youth_union=candidacy.has_youth_union,
    )
    errors = {**_date_errors(introduced_on, field="introduced_on")}
    if kind not in {k for combination in combinations for k in combination}:
        errors["kind"] = _("This kind of introducer does not apply to this candidate.")
    elif kind == IntroducerKind.MEMBER:
        if member is not None:
            member = Member.objects.select_related("person").get(pk=member.pk)
        errors.update(
            checks.check_introducer(
                kind=kind,
                member=member,
                introduced_on=introduced_on,
                alongside_since=alongside_since,
                person_id=candidacy.person_id,
            )
        )
    else:
        errors.update(_required(name, "name", _("Enter the committee and who signed.")))
        member = None
    checks.raise_if_errors(errors)
    introducer = Introducer(
        candidacy=candidacy,
        kind=kind,
        member=member,
        name="" if member else name.strip(),
        introduced_on=introduced_on,
        alongside_since=alongside_since,
    )
    _full_clean(introducer)
    introducer.save()
    return introducer


@transaction.atomic
def introducer_remove(*, introducer: Introducer, actor=None) -> None:
    """Remove an introducer before the cell's resolution (e.g. one who moved away)."""
    candidacy = _lock(introducer.candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, BEFORE_RESOLUTION_STAGES)
    Introducer.objects.filter(pk=introducer.pk, candidacy=candidacy).delete()


@transaction.atomic
def candidacy_record_over_age_approval(
    *, candidacy: Candidacy, number: str, on: datetime.date, actor=None
) -> Candidacy:
    """Record the standing committee's written approval to admit a person over 60 (R1)."""
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, BEFORE_RESOLUTION_STAGES)
    checks.raise_if_errors(
        _required(number, "number", _("Enter the approval number.")), _date_errors(on)
    )
    candidacy.over_age_approval_number = number.strip()
    candidacy.over_age_approval_on = on
    candidacy.save()
    return candidacy


@transaction.atomic
def candidacy_mark_dossier_ready(
    *,
    candidacy: Candidacy,
    on: datetime.date,
    actor=None,
    has_application: bool,
    has_biography: bool,
    background_check_done: bool,
    note: str = "",
) -> Candidacy:
    """The dossier is complete: application, biography, background check and introducers.

    From COURSE_COMPLETED, or again from DOSSIER_READY when the documents are redone after
    12 months (R8). The introducers valid on ``on`` must make an accepted set (R3).
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, {Stage.COURSE_COMPLETED, Stage.DOSSIER_READY})
    missing = _("This document is required.")
    checks.raise_if_errors(
        _date_errors(
            on, not_before=candidacy.certificate_on, not_before_what=_("the course certificate")
        ),
        {} if has_application else {"has_application": missing},
        {} if has_biography else {"has_biography": missing},
        {} if background_check_done else {"background_check_done": missing},
    )
    checks.raise_if_errors(checks.check_introducers(candidacy=candidacy, on=on))
    candidacy.has_application = candidacy.has_biography = True
    candidacy.background_check_done = True
    candidacy.dossier_ready_on = on
    candidacy.stage = Stage.DOSSIER_READY
    candidacy.save()
    _log(candidacy, stage=Stage.DOSSIER_READY, on=on, actor=actor, note=note)
    return candidacy


# --- resolution, approval, decision ----------------------------------------------------


@transaction.atomic
def candidacy_record_cell_resolution(
    *,
    candidacy: Candidacy,
    on: datetime.date,
    yes_votes: int,
    eligible_members: int,
    actor=None,
    note: str = "",
) -> Candidacy:
    """Record the cell's resolution proposing admission (meeting date ``on``).

    Checks, on the meeting date: age in full months (R1), course certificate valid 60
    months (R2), introducers (R3), and at least 2/3 of the eligible official members
    voting yes (R4). Yes votes and the denominator are stored on the candidacy and the
    event. Every broken rule is reported at once; nothing is saved.
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, {Stage.DOSSIER_READY})
    date_errors = _date_errors(
        on, not_before=candidacy.dossier_ready_on, not_before_what=_("the dossier date")
    )
    checks.raise_if_errors(date_errors)
    checks.raise_if_errors(
        checks.check_age_at_meeting(
            date_of_birth=candidacy.person.date_of_birth,
            meeting_on=on,
            over_age_approval_on=candidacy.over_age_approval_on,
        ),
        checks.check_certificate_valid(certificate_on=candidacy.certificate_on, meeting_on=on),
        checks.check_introducers(candidacy=candidacy, on=on),
        checks.check_resolution_quorum(
            yes_votes=yes_votes, eligible_members=eligible_members, meeting_on=on
        ),
    )
    candidacy.resolution_on = on
    candidacy.resolution_yes_votes = yes_votes
    candidacy.resolution_eligible = eligible_members
    candidacy.stage = Stage.CELL_RESOLUTION
    candidacy.save()
    _log(
        candidacy,
        stage=Stage.CELL_RESOLUTION,
        on=on,
        actor=actor,
        deciding_body=candidacy.cell.name,
        yes_votes=yes_votes,
        denominator=eligible_members,
        note=note,
    )
    return candidacy


@transaction.atomic
def candidacy_record_committee_approval(
    *, candidacy: Candidacy, on: datetime.date, actor=None, number: str = "", note: str = ""
) -> Candidacy:
    """Record the grassroots committee's approval of the cell's resolution (R4).

    Only where the grassroots organization above the cell is a committee
    (GRASSROOTS_COMMITTEE); a grassroots cell's resolution goes straight to the decision.
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, {Stage.CELL_RESOLUTION})
    if not candidacy.needs_committee_approval:
        raise DomainError(
            _("The cell is a grassroots cell: no committee approval is needed before the decision.")
        )
    checks.raise_if_errors(
        _date_errors(
            on, not_before=candidacy.resolution_on, not_before_what=_("the cell's resolution")
        )
    )
    candidacy.committee_approval_on = on
    candidacy.committee_approval_number = number.strip()
    candidacy.stage = Stage.COMMITTEE_APPROVAL
    candidacy.save()
    _log(
        candidacy,
        stage=Stage.COMMITTEE_APPROVAL,
        on=on,
        actor=actor,
        decision_number=candidacy.committee_approval_number,
        deciding_body=candidacy.grassroots_organization.name,
        note=note,
    )
    return candidacy


@transaction.atomic
def candidacy_record_decision(
    *,
    candidacy: Candidacy,
    number: str,
    on: datetime.date,
    committee: str,
    actor=None,
    note: str = "",
) -> Candidacy:
    """Record the admission decision (number, date, deciding committee).

    After the grassroots committee's approval where one is needed, else after the cell's
    resolution. The 60-working-day deadline (R5) is shown on the due list, not enforced.
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, {Stage.CELL_RESOLUTION, Stage.COMMITTEE_APPROVAL})
    if candidacy.stage == Stage.CELL_RESOLUTION and candidacy.needs_committee_approval:
        raise DomainError(_("Record the grassroots committee's approval first."))
    if candidacy.stage == Stage.COMMITTEE_APPROVAL:
        previous, what = candidacy.committee_approval_on, _("the committee's approval")
    else:
        previous, what = candidacy.resolution_on, _("the cell's resolution")
    checks.raise_if_errors(
        _required(number, "number", _("Enter the decision number.")),
        _required(committee, "committee", _("Enter the deciding committee.")),
        _date_errors(on, not_before=previous, not_before_what=what),
    )
    candidacy.decision_number = number.strip()
    candidacy.decision_on = on
    candidacy.decision_committee = committee.strip()
    candidacy.stage = Stage.DECISION
    candidacy.save()
    _log(
        candidacy,
        stage=Stage.DECISION,
        on=on,
        actor=actor,
        decision_number=candidacy.decision_number,
        deciding_body=candidacy.decision_committee,
        note=note,
    )
    return candidacy


# --- ceremony and membership -----------------------------------------------------------


def _readmit(*, member: Member, candidacy: Candidacy, ceremony_on: datetime.date, actor) -> Member:
    """Re-admit a former member (R14): probationary again, a new placement and event."""
    member = _lock_member(member)
    checks.raise_if_errors(checks.check_readmission(member=member, on=ceremony_on))
    decision_on = candidacy.decision_on
    if member.ended_on and decision_on < member.ended_on:
        raise DomainError(
            _("The decision is dated before the earlier membership ended (%(date)s).")
            % {"date": _d(member.ended_on)}
        )
    member.status = MemberStatus.PROBATIONARY
    member.ended_on = None
    member.official_date = None
    member.organization = candidacy.cell
    member.admission_decision_number = candidacy.decision_number
    member.admission_decision_date = decision_on
    member.admission_committee = candidacy.decision_committee
    member.ceremony_date = ceremony_on
    _full_clean(member)
    member.save()
    MemberPlacement.objects.create(member=member, cell=candidacy.cell, start_on=decision_on)
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.ADMISSION,
        date=decision_on,
        organization=candidacy.cell,
        decision_number=candidacy.decision_number,
        issuing_committee=candidacy.decision_committee,
        note=_("Re-admission"),
        actor=actor,
    )
    return member


@transaction.atomic
def candidacy_hold_ceremony(
    *, candidacy: Candidacy, on: datetime.date, actor=None, note: str = ""
) -> Member:
    """Record the admission ceremony: the person becomes a probationary member.

    Creates the ``Member`` (or re-admits a former one, R14: only once, probation again),
    with a placement in the cell from the decision date and an ADMISSION event dated by the
    decision (DESIGN.md section 5 counts admissions by decision date). Probation runs 12
    months from the ceremony (R6). The 30-working-day deadline is on the due list.
    """
    candidacy = _lock(candidacy)
    _check_can_write(actor, candidacy.cell)
    _check_stage(candidacy, {Stage.DECISION})
    checks.raise_if_errors(
        _date_errors(on, not_before=candidacy.decision_on, not_before_what=_("the decision"))
    )
    errors = _check_cell(candidacy.cell, candidacy.decision_on)
    checks.raise_if_errors(errors)
    existing = Member.objects.filter(person=candidacy.person).first()
    if existing is None:
        member = member_register(
            person=candidacy.person,
            cell=candidacy.cell,
            status=MemberStatus.PROBATIONARY,
            admission_decision_date=candidacy.decision_on,
            actor=actor,
            admission_decision_number=candidacy.decision_number,
            admission_committee=candidacy.decision_committee,
            ceremony_date=on,
        )
    else:
        member = _readmit(member=existing, candidacy=candidacy, ceremony_on=on, actor=actor)
    candidacy.ceremony_on = on
    candidacy.member = member
    candidacy.stage = Stage.ADMITTED
    candidacy.save()
    _log(
        candidacy,
        stage=Stage.ADMITTED,
        on=on,
        actor=actor,
        decision_number=candidacy.decision_number,
        deciding_body=candidacy.decision_committee,
        note=note,
    )
    return member


def _probation_errors(member: Member) -> Errors:
    if member.status != MemberStatus.PROBATIONARY:
        return {NON_FIELD_ERRORS: _("Only a probationary member can be reviewed.")}
    if member.ceremony_date is None:
        return {NON_FIELD_ERRORS: _("The member's admission ceremony date is not recorded.")}
    return {}


def _open_candidacy_of(member: Member) -> Candidacy | None:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .filter(member=member, stage=Stage.ADMITTED)
        .first()
    )


@transaction.atomic
def member_recognize_official(
    *,
    member: Member,
    resolution_on: datetime.date,
    decision_number: str,
    decision_on: datetime.date,
    committee: str,
    actor=None,
    note: str = "",
) -> Member:
    """Recognize a probationary member as official (R7).

    The cell's review (``resolution_on``) comes after probation ends, the committee's
    decision after the review. The member is official from the exact end of the 12 months
    after the ceremony, even when the decision comes late (Điều lệ Đảng, Điều 5; HD
    01-HD/TW 2021, 4). Writes an OFFICIAL_RECOGNITION event dated by that official date
    and closes the member's candidacy as OFFICIAL.
    """
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    checks.raise_if_errors(_probation_errors(member))
    official_on = probation_ends_on(member.ceremony_date)
    checks.raise_if_errors(
        _date_errors(
            resolution_on,
            field="resolution_on",
            not_before=official_on,
            not_before_what=_("the end of probation"),
        ),
        _date_errors(
            decision_on,
            field="decision_on",
            not_before=resolution_on,
            not_before_what=_("the cell's review"),
        ),
        _required(decision_number, "decision_number", _("Enter the decision number.")),
        _required(committee, "committee", _("Enter the deciding committee.")),
    )
    member.status = MemberStatus.OFFICIAL
    member.official_date = official_on
    member.save(update_fields=["status", "official_date"])
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.OFFICIAL_RECOGNITION,
        date=official_on,
        organization=member.organization,
        decision_number=decision_number.strip(),
        issuing_committee=committee.strip(),
        note=note,
        actor=actor,
    )
    candidacy = _open_candidacy_of(member)
    if candidacy is not None:
        candidacy.official_on = official_on
        candidacy.recognition_resolution_on = resolution_on
        candidacy.recognition_decision_number = decision_number.strip()
        candidacy.recognition_decision_on = decision_on
        candidacy.stage = Stage.OFFICIAL
        candidacy.save()
        _log(
            candidacy,
            stage=Stage.OFFICIAL,
            on=official_on,
            actor=actor,
            decision_number=decision_number.strip(),
            deciding_body=committee.strip(),
            note=note,
        )
    return member


@transaction.atomic
def member_strike_off_not_recognized(
    *,
    member: Member,
    on: datetime.date,
    decision_number: str,
    committee: str,
    actor=None,
    reason: str = "",
) -> MembershipEvent:
    """Strike off a probationary member who does not qualify after probation (R7, R12).

    Ends the membership on ``on`` (status REMOVED, a REMOVAL event with the form
    STRUCK_OFF, decision number and committee) and closes the candidacy as STRUCK_OFF.
    """
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    checks.raise_if_errors(_probation_errors(member))
    checks.raise_if_errors(
        _date_errors(
            on,
            not_before=probation_ends_on(member.ceremony_date),
            not_before_what=_("the end of probation"),
        ),
        _required(decision_number, "decision_number", _("Enter the decision number.")),
        _required(committee, "committee", _("Enter the deciding committee.")),
    )
    reason = reason.strip() or _("Not recognized as an official member after probation.")
    event = membership_end(
        member=member,
        on=on,
        status=MemberStatus.REMOVED,
        event_kind=EventKind.REMOVAL,
        subkind=STRUCK_OFF,
        decision_number=decision_number.strip(),
        issuing_committee=committee.strip(),
        note=reason,
        actor=actor,
    )
    candidacy = _open_candidacy_of(member)
    if candidacy is not None:
        candidacy.stage = Stage.STRUCK_OFF
        candidacy.closed_on = on
        candidacy.closed_reason = reason
        candidacy.save()
        _log(
            candidacy,
            stage=Stage.STRUCK_OFF,
            on=on,
            actor=actor,
            decision_number=decision_number.strip(),
            deciding_body=committee.strip(),
            note=reason,
        )
    return event
