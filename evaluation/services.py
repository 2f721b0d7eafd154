"""State changes of the evaluation app: rating rounds, exemptions, screening flags, removals.

The shape of ``members.services``: keyword-only arguments and the acting user (``None`` for
system jobs such as the demo seed), one transaction, lock the rows being changed, check the
rule (``evaluation.checks``), change, record the membership event, return the result.
Errors are ``DomainError``, keyed by field where there is one; an actor without write
access to the organization gets ``PermissionDenied``.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members.choices import ACTIVE_STATUSES, CELL_KINDS, GRASSROOTS_KINDS, EventKind, MemberStatus
from members.errors import DomainError
from members.models import Member, MemberPlacement, MembershipEvent, Organization
from members.querysets import can_write
from members.rules import add_months, add_working_days, rules_on
from members.services import membership_end

from . import checks
from .models import (
    REMOVAL_GROUNDS,
    Exemption,
    FlagGround,
    Grade,
    MemberRating,
    NotRatedReason,
    OrganizationRating,
    Removal,
    RemovalForm,
    RemovalGround,
    ScreeningFlag,
)

# --- shared ----------------------------------------------------------------------------


def _check_can_write(actor, organization: Organization) -> None:
    if actor is not None and not can_write(actor, organization):
        raise PermissionDenied(_("You may not change data of this organization."))


def _lock_org(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _lock_member(member: Member) -> Member:
    return (
        Member.objects.select_for_update()
        .select_related("organization", "person")
        .get(pk=member.pk)
    )


def _check_year(year: int) -> None:
    if year > timezone.localdate().year:
        raise DomainError({"year": _("A year that has not started cannot be rated.")})


def _check_not_future(field: str, date: datetime.date) -> None:
    if date > timezone.localdate():
        raise DomainError({field: _("The date cannot be in the future.")})


def _cell_on(member: Member, date: datetime.date, field: str) -> Organization:
    """The member's cell on ``date``: events are recorded where the member was."""
    placement = (
        MemberPlacement.objects.covering(date).filter(member=member).select_related("cell").first()
    )
    if placement is None:
        raise DomainError({field: _("The member was not in a Party cell on this date.")})
    return placement.cell


@dataclasses.dataclass
class _Entry:
    grade: str
    score: int | None
    reason: str
    note: str


def _read_grades(grades: dict, rows: dict, uses_scores: bool) -> dict[int, _Entry]:
    """Validate ``{id: (grade, score, note)}`` against the round's rows; all errors at once.

    R9: a row with a computed not-rated reason takes no grade; NOT_RATED for any other
    reason is OTHER and needs a note. Scores only for rated rows in 100-point years.
    """
    errors = {}
    entries = {}
    for raw_pk, (grade, score, note) in grades.items():
        pk = int(raw_pk)
        note = (note or "").strip()
        row = rows.get(pk)
        if row is None:
            errors[f"grade_{pk}"] = _("This row is not part of the rating round.")
            continue
        if grade not in Grade.values:
            errors[f"grade_{pk}"] = _("Choose a grade.")
            continue
        reason = row.not_rated_reason
        if reason and grade != Grade.NOT_RATED:
            errors[f"grade_{pk}"] = _("%(name)s is not rated this year: %(reason)s.") % {
                "name": row.name,
                "reason": NotRatedReason(reason).label,
            }
            continue
        if grade == Grade.NOT_RATED and not reason:
            reason = NotRatedReason.OTHER
            if not note:
                errors[f"note_{pk}"] = _("Give the reason for not rating in the note.")
                continue
        if score is not None:
            if grade == Grade.NOT_RATED or not uses_scores:
                errors[f"score_{pk}"] = _(
                    "Scores are given only to rated rows in years rated on the 100-point scale."
                )
                continue
            if not 0 <= score <= 100:
                errors[f"score_{pk}"] = _("The score must be between 0 and 100.")
                continue
        entries[pk] = _Entry(grade, score, reason, note)
    if errors:
        raise DomainError(errors)
    # R9: rows that may not be rated are saved NOT_RATED with their reason, asked or not.
    for pk, row in rows.items():
        if row.not_rated_reason and pk not in entries:
            note = row.rating.note if row.rating else ""
            entries[pk] = _Entry(Grade.NOT_RATED, None, row.not_rated_reason, note)
    return entries


_RATING_FIELDS = ["grade", "score", "not_rated_reason", "note", "rated_by", "rated_at"]


def _write_ratings(
    *, model, year: int, existing: dict, entries: dict, key: str, actor, extra: dict
) -> list:
    """Create or update one rating per entry, with history; unchanged rows are left alone."""
    now = timezone.now()
    to_create, to_update = [], []
    for pk, entry in entries.items():
        values = {
            "grade": entry.grade,
            "score": entry.score,
            "not_rated_reason": entry.reason,
            "note": entry.note,
            **extra,
        }
        rating = existing.get(pk)
        if rating is None:
            to_create.append(model(**{key: pk}, year=year, rated_by=actor, rated_at=now, **values))
        elif any(getattr(rating, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(rating, name, value)
            rating.rated_by, rating.rated_at = actor, now
            to_update.append(rating)
    created = bulk_create_with_history(to_create, model, default_user=actor)
    if to_update:
        bulk_update_with_history(to_update, model, [*_RATING_FIELDS, *extra], default_user=actor)
    return [*created, *to_update]


# --- member rating round ---------------------------------------------------------------


@dataclasses.dataclass
class MemberRoundRow:
    member: Member
    rating: MemberRating | None
    # R9: why the member is not rated this year; "" when they must be rated.
    not_rated_reason: str

    @property
    def name(self) -> str:
        return self.member.person.full_name

    @property
    def must_rate(self) -> bool:
        return not self.not_rated_reason


def rating_round_members(cell: Organization, year: int) -> list[MemberRoundRow]:
    """The rows of a cell's rating round for ``year``, in two queries.

    The members whose placement in ``cell`` covers 31/12 of the year (those who left
    earlier are rated, if at all, where they went), each with their rating for the year and
    R9's reason for not rating them.
    """
    end = checks.year_end(year)
    members = (
        Member.objects.filter(
            Exists(MemberPlacement.objects.covering(end).filter(cell=cell, member=OuterRef("pk")))
        )
        .annotate(
            is_exempt=Exists(Exemption.objects.overlapping_year(year).filter(member=OuterRef("pk")))
        )
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=MemberRating.objects.filter(year=year),
                to_attr="year_ratings",
            )
        )
        .order_by("person__full_name", "pk")
    )
    return [
        MemberRoundRow(
            member=m,
            rating=m.year_ratings[0] if m.year_ratings else None,
            not_rated_reason=checks.member_not_rated_reason(
                admission_decision_date=m.admission_decision_date,
                exempt=m.is_exempt,
                year=year,
            ),
        )
        for m in members
    ]


@transaction.atomic
def rating_round_save_members(
    *,
    cell: Organization,
    year: int,
    grades: dict[int, tuple[str, int | None, str]],
    actor,
    on: datetime.date | None = None,
) -> list[MemberRating]:
    """Save a cell's yearly rating of its members: every row or none (QĐ 132-QĐ/TW 2018).

    ``grades`` maps member id to ``(grade, score or None, note)``; members left out keep
    what they had, except that R9 rows are always saved NOT_RATED with their reason.
    R9: members admitted less than 6 months before 31/12 and members exempt during the
    year are NOT_RATED; a grade for them is refused. R10: afterwards the cell's grassroots
    organization may not have more EXCELLENT than 20% of its GOOD, or the whole save is
    refused with the numbers. R11: a member NOT_COMPLETED two years running gets a
    NOT_COMPLETED_TWO_YEARS screening flag (once). Corrections use this service too; the
    history keeps the old rows. ``on`` is the date of the round (default today), given to
    the flags it raises. Field errors are keyed ``grade_<id>``, ``score_<id>``,
    ``note_<id>``. Returns the ratings written.
    """
    if cell.kind not in CELL_KINDS:
        raise DomainError({"cell": _("Members are rated by their Party cell.")})
    _check_can_write(actor, cell)
    _check_year(year)
    group = checks.excellent_ratio_group(cell, year)
    # Two cells of one grassroots organization saving at once could each pass R10 and
    # together break it; locking the group's row makes their saves take turns.
    _lock_org(group)
    rows = {row.member.pk: row for row in rating_round_members(cell, year)}
    entries = _read_grades(grades, rows, checks.rules_for_year(year).rating_scores)
    existing = {
        r.member_id: r
        for r in MemberRating.objects.select_for_update().filter(member_id__in=entries, year=year)
    }
    written = _write_ratings(
        model=MemberRating,
        year=year,
        existing=existing,
        entries=entries,
        key="member_id",
        actor=actor,
        extra={"cell_id": cell.pk},
    )
    counts = (
        MemberRating.objects.in_year(year)
        .in_subtree(group)
        .aggregate(
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(grade=Grade.GOOD)),
        )
    )
    checks.check_excellent_ratio(**counts, year=year)
    not_completed = [pk for pk, e in entries.items() if e.grade == Grade.NOT_COMPLETED]
    if not_completed:
        _flag_not_completed_runs(
            member_ids=not_completed, year=year, on=on or timezone.localdate(), actor=actor
        )
    return written


def _flag_not_completed_runs(*, member_ids, year: int, on: datetime.date, actor) -> None:
    """R11: flag every run of NOT_COMPLETED years that the save completed; idempotent."""
    span = checks.rules_for_year(year).not_completed_years_flag - 1
    years = defaultdict(set)
    for member_id, y in MemberRating.objects.filter(
        member_id__in=member_ids,
        grade=Grade.NOT_COMPLETED,
        year__range=(year - span, year + span),
    ).values_list("member_id", "year"):
        years[member_id].add(y)
    for member_id in member_ids:
        for end in checks.not_completed_runs(years[member_id], year):
            ScreeningFlag.objects.get_or_create(
                member_id=member_id,
                ground=FlagGround.NOT_COMPLETED_TWO_YEARS,
                year=end,
                defaults={"raised_on": on, "raised_by": actor},
            )


# --- organization rating round ---------------------------------------------------------


@dataclasses.dataclass
class OrganizationRoundRow:
    organization: Organization
    rating: OrganizationRating | None
    # R9: why the organization is not rated this year; "" when it must be rated.
    not_rated_reason: str

    @property
    def name(self) -> str:
        return self.organization.name

    @property
    def must_rate(self) -> bool:
        return not self.not_rated_reason


def rating_round_organizations(parent: Organization, year: int) -> list[OrganizationRoundRow]:
    """The grassroots organizations ``parent`` rates for ``year``, in two queries.

    Its ``GRASSROOTS_*`` children active on 31/12 of the year, each with its rating and
    R9's reason for not rating it.
    """
    end = checks.year_end(year)
    orgs = (
        Organization.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, kind__in=GRASSROOTS_KINDS
        )
        .active_on(end)
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=OrganizationRating.objects.filter(year=year),
                to_attr="year_ratings",
            )
        )
    )
    return [
        OrganizationRoundRow(
            organization=org,
            rating=org.year_ratings[0] if org.year_ratings else None,
            not_rated_reason=checks.organization_not_rated_reason(
                established_on=org.established_on, year=year
            ),
        )
        for org in orgs
    ]


@transaction.atomic
def rating_round_save_organizations(
    *,
    parent: Organization,
    year: int,
    grades: dict[int, tuple[str, int | None, str]],
    actor,
) -> list[OrganizationRating]:
    """Save an upper committee's yearly rating of its grassroots organizations, all or none.

    ``grades`` maps organization id to ``(grade, score or None, note)``. R9: organizations
    established less than 6 months before 31/12 are saved NOT_RATED; a grade for them is
    refused. Corrections keep history. Errors keyed as in ``rating_round_save_members``.
    """
    _check_can_write(actor, parent)
    _check_year(year)
    _lock_org(parent)
    rows = {row.organization.pk: row for row in rating_round_organizations(parent, year)}
    entries = _read_grades(grades, rows, checks.rules_for_year(year).rating_scores)
    existing = {
        r.organization_id: r
        for r in OrganizationRating.objects.select_for_update().filter(
            organization_id__in=entries, year=year
        )
    }
    return _write_ratings(
        model=OrganizationRating,
        year=year,
        existing=existing,
        entries=entries,
        key="organization_id",
        actor=actor,
        extra={},
    )


# --- exemptions ------------------------------------------------------------------------


@transaction.atomic
def exemption_start(
    *,
    member: Member,
    start_on: datetime.date,
    reason: str,
    actor,
    decision_number: str = "",
    issuing_committee: str = "",
) -> Exemption:
    """Exempt a member from Party work and activities from ``start_on``.

    Điều lệ Đảng, Điều 7: the cell decides on a member's request (age, health). Exempt
    members are not rated (R9). Writes an EXEMPTION_START event at the member's cell.
    """
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError(_("This member is no longer active."))
    reason = reason.strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the exemption.")})
    _check_not_future("start_on", start_on)
    overlapping = Exemption.objects.filter(member=member).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=start_on)
    )
    if overlapping.exists():
        raise DomainError({"start_on": _("The member is already exempt on or after this date.")})
    event = MembershipEvent.objects.create(
        member=member,
        kind=EventKind.EXEMPTION_START,
        date=start_on,
        organization=_cell_on(member, start_on, "start_on"),
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=reason,
        actor=actor,
    )
    return Exemption.objects.create(
        member=member,
        start_on=start_on,
        reason=reason,
        decision_number=decision_number,
        start_event=event,
    )


@transaction.atomic
def exemption_end(
    *,
    exemption: Exemption,
    end_on: datetime.date,
    actor,
    decision_number: str = "",
    issuing_committee: str = "",
) -> Exemption:
    """End an exemption on ``end_on`` (the member is active again from that day).

    Writes an EXEMPTION_END event at the member's cell on that date.
    """
    exemption = (
        Exemption.objects.select_for_update()
        .select_related("member__organization")
        .get(pk=exemption.pk)
    )
    member = exemption.member
    _check_can_write(actor, member.organization)
    if exemption.end_on is not None:
        raise DomainError(_("This exemption has already ended."))
    if end_on <= exemption.start_on:
        raise DomainError({"end_on": _("The end must be after the start of the exemption.")})
    _check_not_future("end_on", end_on)
    exemption.end_event = MembershipEvent.objects.create(
        member=member,
        kind=EventKind.EXEMPTION_END,
        date=end_on,
        organization=_cell_on(member, end_on, "end_on"),
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        actor=actor,
    )
    exemption.end_on = end_on
    exemption.save(update_fields=["end_on", "end_event"])
    return exemption


# --- screening -------------------------------------------------------------------------


@transaction.atomic
def flag_record(
    *, member: Member, detail: str, actor, on: datetime.date | None = None
) -> ScreeningFlag:
    """Record a screening ground staff have seen (HD 02-HD/BTCTW 2021 on rà soát, sàng lọc).

    The flag asks the cell to act; it changes nothing else.
    """
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    detail = detail.strip()
    if not detail:
        raise DomainError({"detail": _("Describe what was found.")})
    on = on or timezone.localdate()
    _check_not_future("on", on)
    flag = ScreeningFlag(
        member=member,
        ground=FlagGround.STAFF_RECORDED,
        detail=detail,
        year=on.year,
        raised_on=on,
        raised_by=actor,
    )
    flag.save()
    return flag


@transaction.atomic
def flag_resolve(
    *, flag: ScreeningFlag, action_taken: str, actor, on: datetime.date | None = None
) -> ScreeningFlag:
    """Close a screening flag with the action the cell took (education, help, a removal)."""
    flag = (
        ScreeningFlag.objects.select_for_update()
        .select_related("member__organization")
        .get(pk=flag.pk)
    )
    _check_can_write(actor, flag.member.organization)
    if not flag.is_open:
        raise DomainError(_("This flag has already been resolved."))
    action_taken = action_taken.strip()
    if not action_taken:
        raise DomainError({"action_taken": _("Describe the action taken.")})
    on = on or timezone.localdate()
    _check_not_future("on", on)
    if on < flag.raised_on:
        raise DomainError({"on": _("The date is before the flag was raised.")})
    flag.action_taken = action_taken
    flag.resolved_on = on
    flag.resolved_by = actor
    flag.save(update_fields=["action_taken", "resolved_on", "resolved_by"])
    return flag


@transaction.atomic
def flags_raise_probation_not_recognized(
    *, organization: Organization, actor=None, on: datetime.date | None = None
) -> list[ScreeningFlag]:
    """Flag probationary members under ``organization`` whose recognition is overdue (R7).

    HD 01-HD/TW 2021, 4: the cell considers recognition within 30 working days after the
    12 months of probation. A member still probationary after that is flagged once per
    probation end year; a system job runs this (the recruitment app may not import this
    one). Returns the new flags.
    """
    _check_can_write(actor, organization)
    on = on or timezone.localdate()
    rules = rules_on(on)
    due = {}
    candidates = (
        Member.objects.in_subtree(organization)
        .filter(
            status=MemberStatus.PROBATIONARY,
            ceremony_date__lte=add_months(on, -rules.probation_months),
        )
        .only("pk", "ceremony_date")
    )
    for member in candidates:
        ends_on = add_months(member.ceremony_date, rules.probation_months)
        if add_working_days(ends_on, rules.recognition_review_due_working_days) < on:
            due[member.pk] = ends_on.year
    flagged = set(
        ScreeningFlag.objects.filter(
            member_id__in=due, ground=FlagGround.PROBATION_NOT_RECOGNIZED
        ).values_list("member_id", "year")
    )
    new = [
        ScreeningFlag(
            member_id=pk,
            ground=FlagGround.PROBATION_NOT_RECOGNIZED,
            year=year,
            raised_on=on,
            raised_by=actor,
        )
        for pk, year in due.items()
        if (pk, year) not in flagged
    ]
    return bulk_create_with_history(new, ScreeningFlag, default_user=actor)


# --- removals --------------------------------------------------------------------------


@transaction.atomic
def member_remove(
    *,
    member: Member,
    form: str,
    ground: str,
    decision_number: str,
    decision_date: datetime.date | None,
    deciding_committee: str,
    actor,
    ground_detail: str = "",
    note: str = "",
) -> Removal:
    """Remove a member from the Party: strike off, expel, or let leave at own request (R12).

    Điều lệ Đảng, Điều 8 and 35-36; QĐ 24-QĐ/TW 2021, 4. Form, ground, decision number,
    decision date and deciding committee are all required (each missing one is an error on
    its field; nothing is written). The ground must fit the form; striking off for
    unrecognized probation is for probationary members only. Leaving at one's own request
    is refused while the member has an unresolved screening flag
    (``checks.own_request_blockers``). Side effects: the placement ends on the decision
    date, the member becomes REMOVED, a REMOVAL event (``subkind`` = form) is written at
    their cell, the ``Removal`` row links it, and open flags are resolved by the removal.
    """
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError(_("This member is no longer active."))
    decision_number = (decision_number or "").strip()
    deciding_committee = (deciding_committee or "").strip()
    ground_detail = (ground_detail or "").strip()
    errors = {}
    if form not in RemovalForm.values:
        errors["form"] = _("Choose the form of removal.")
    if not ground:
        errors["ground"] = _("Choose the ground for the removal.")
    elif form in RemovalForm.values and ground not in REMOVAL_GROUNDS[form]:
        errors["ground"] = _("This ground does not apply to this form of removal.")
    elif (
        ground == RemovalGround.PROBATION_NOT_RECOGNIZED
        and member.status != MemberStatus.PROBATIONARY
    ):
        errors["ground"] = _("Only a probationary member can be struck off on this ground.")
    elif ground == RemovalGround.OTHER and not ground_detail:
        errors["ground_detail"] = _("Describe the ground.")
    if not decision_number:
        errors["decision_number"] = _("Enter the decision number.")
    if not deciding_committee:
        errors["deciding_committee"] = _("Enter the deciding committee.")
    if decision_date is None:
        errors["decision_date"] = _("Enter the decision date.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("The date cannot be in the future.")
    else:
        placement = MemberPlacement.objects.open().filter(member=member).first()
        if placement is not None and decision_date < placement.start_on:
            errors["decision_date"] = _(
                "The date is before the member joined the current cell (%(date)s)."
            ) % {"date": placement.start_on.strftime("%d/%m/%Y")}
    if form == RemovalForm.LEFT_AT_OWN_REQUEST:
        blockers = checks.own_request_blockers(member)
        if blockers:
            errors["form"] = _(
                "Only members without violations may leave at their own request; this member "
                "has unresolved screening flags: %(grounds)s."
            ) % {"grounds": ", ".join(str(f.get_ground_display()) for f in blockers)}
    if errors:
        raise DomainError(errors)
    event = membership_end(
        member=member,
        on=decision_date,
        status=MemberStatus.REMOVED,
        event_kind=EventKind.REMOVAL,
        actor=actor,
        subkind=form,
        decision_number=decision_number,
        issuing_committee=deciding_committee,
        note=note,
    )
    removal = Removal.objects.create(
        member=member,
        form=form,
        ground=ground,
        ground_detail=ground_detail,
        decision_number=decision_number,
        decision_date=decision_date,
        deciding_committee=deciding_committee,
        event=event,
        recorded_by=actor,
    )
    action = _("Removed from the Party (%(form)s), decision %(number)s of %(committee)s.") % {
        "form": removal.get_form_display(),
        "number": decision_number,
        "committee": deciding_committee,
    }
    for flag in ScreeningFlag.objects.select_for_update().filter(member=member).open():
        flag.action_taken = action
        flag.resolved_on = max(flag.raised_on, decision_date)
        flag.resolved_by = actor
        flag.save(update_fields=["action_taken", "resolved_on", "resolved_by"])
    return removal
