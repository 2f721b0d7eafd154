"""State changes of the members app: restructuring the tree, transfers, deaths.

Every service takes keyword-only arguments and the acting user (``None`` for system jobs
such as the demo seed), runs in one transaction, locks the rows it changes, checks the
rule, records the event and returns the result. Errors are ``DomainError`` with a
Vietnamese message (through gettext).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .choices import (
    ACTIVE_STATUSES,
    CELL_KINDS,
    GRASSROOTS_KINDS,
    ROOT_KINDS,
    Closure,
    EventKind,
    MemberStatus,
    OrganizationEventKind,
    TransferKind,
    TransferReason,
)
from .errors import DomainError
from .models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    OrganizationEvent,
    Person,
    Transfer,
)
from .querysets import can_write

# --- permissions -----------------------------------------------------------------------


def _check_tree_admin(actor) -> None:
    """Restructuring the tree is for administrators only (DESIGN.md section 1)."""
    if actor is not None and not (
        actor.is_superuser or actor.has_perm("members.change_organization")
    ):
        raise PermissionDenied(_("Only administrators may restructure organizations."))


def _check_can_write(actor, organization: Organization) -> None:
    if actor is not None and not can_write(actor, organization):
        raise PermissionDenied(_("You may not change data of this organization."))


def _full_clean(obj, **kwargs) -> None:
    """Model validation, re-raised as the services' one error type."""
    if isinstance(obj, Organization):
        kwargs.setdefault("exclude", ["path", "depth", "numchild"])
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _lock_org(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _lock_member(member: Member) -> Member:
    return (
        Member.objects.select_for_update()
        .select_related("organization", "person")
        .get(pk=member.pk)
    )


# --- organizations ---------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    parent: Organization | None,
    code: str,
    name: str,
    kind: str,
    sector: str,
    established_on: datetime.date,
    actor=None,
    decision_number: str = "",
) -> Organization:
    """Create an organization under ``parent`` (or a root) on a date.

    The parent-kind table (``ALLOWED_CHILD_KINDS``) decides what may sit where; the parent
    must be active on the founding date.
    """
    _check_tree_admin(actor)
    org = Organization(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        sector=sector,
        established_on=established_on,
        parent_kind=parent.kind if parent else "",
    )
    if parent is None:
        if kind not in ROOT_KINDS:
            raise DomainError({"kind": _("Only a provincial Party organization can be a root.")})
        _full_clean(org)
        org = Organization.objects.add_root(instance=org)
    else:
        parent = _lock_org(parent)
        if not parent.allows_child_kind(kind):
            raise DomainError(
                {
                    "kind": _("A %(child)s cannot be placed under a %(parent)s.")
                    % {"child": org.get_kind_display(), "parent": parent.get_kind_display()}
                }
            )
        if not parent.is_active_on(established_on):
            raise DomainError(
                {"established_on": _("The parent organization is not active on this date.")}
            )
        _full_clean(org)
        org = Organization.objects.add_child(parent, instance=org)
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.ESTABLISHED,
        date=established_on,
        other=parent,
        new_value=org.name,
        decision_number=decision_number,
        actor=actor,
    )
    return org


@transaction.atomic
def organization_rename(
    *,
    organization: Organization,
    name: str,
    on: datetime.date,
    actor=None,
    decision_number: str = "",
) -> Organization:
    """Rename an organization from a date; the old name is kept in the restructuring log."""
    _check_tree_admin(actor)
    org = _lock_org(organization)
    name = name.strip()
    if not name:
        raise DomainError({"name": _("The name cannot be empty.")})
    if not org.is_active_on(on):
        raise DomainError({"on": _("The organization is not active on this date.")})
    old = org.name
    org.name = name
    _full_clean(org)
    org.save(update_fields=["name"])
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.RENAMED,
        date=on,
        old_value=old,
        new_value=name,
        decision_number=decision_number,
        actor=actor,
    )
    return org


def _check_can_hold(destination: Organization, children, has_members: bool) -> None:
    for child in children:
        if not destination.allows_child_kind(child.kind):
            raise DomainError(
                {
                    "destination": _("%(child)s (%(kind)s) cannot be placed under %(dest)s.")
                    % {
                        "child": child.name,
                        "kind": child.get_kind_display(),
                        "dest": destination.name,
                    }
                }
            )
    if has_members and destination.kind not in CELL_KINDS:
        raise DomainError(
            {"destination": _("The organization has members, so the destination must be a cell.")}
        )


def _move_node(org: Organization, new_parent: Organization) -> Organization:
    Organization.objects.move(org, new_parent, "last-child")
    moved = Organization.objects.get(pk=org.pk)
    moved.parent_kind = new_parent.kind
    moved.save(update_fields=["parent_kind"])
    return moved


@transaction.atomic
def organization_move(
    *,
    organization: Organization,
    new_parent: Organization,
    on: datetime.date,
    actor=None,
    decision_number: str = "",
) -> Organization:
    """Re-parent an organization (with its subtree) on a date.

    Its past events roll up to the new ancestors from then on: reports use today's tree.
    """
    _check_tree_admin(actor)
    org = _lock_org(organization)
    new_parent = _lock_org(new_parent)
    old_parent = org.parent()
    if new_parent.path.startswith(org.path):
        raise DomainError({"new_parent": _("An organization cannot be moved under itself.")})
    if old_parent and old_parent.pk == new_parent.pk:
        raise DomainError({"new_parent": _("The organization is already under this parent.")})
    if not new_parent.allows_child_kind(org.kind):
        raise DomainError(
            {
                "new_parent": _("A %(child)s cannot be placed under a %(parent)s.")
                % {"child": org.get_kind_display(), "parent": new_parent.get_kind_display()}
            }
        )
    if not (org.is_active_on(on) and new_parent.is_active_on(on)):
        raise DomainError({"on": _("Both organizations must be active on this date.")})
    org = _move_node(org, new_parent)
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.MOVED,
        date=on,
        other=old_parent,
        old_value=old_parent.name if old_parent else "",
        new_value=new_parent.name,
        decision_number=decision_number,
        actor=actor,
    )
    return org


def _active_children(org: Organization, on: datetime.date):
    return list(
        Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .select_for_update()
    )


def _relocate(
    *,
    source: Organization,
    destination: Organization,
    on: datetime.date,
    actor,
    reason: str,
    decision_number: str,
) -> None:
    """Move the active children and the members of ``source`` to ``destination`` on ``on``."""
    children = _active_children(source, on)
    placements = list(
        MemberPlacement.objects.select_for_update().filter(cell=source, end_on__isnull=True)
    )
    _check_can_hold(destination, children, bool(placements))
    if not destination.is_active_on(on):
        raise DomainError({"destination": _("The destination is not active on this date.")})
    if destination.path.startswith(source.path):
        raise DomainError(
            {"destination": _("The destination lies inside the organization itself.")}
        )
    for child in children:
        _move_node(child, Organization.objects.get(pk=destination.pk))
    if placements:
        _bulk_transfer(
            placements=placements,
            destination=destination,
            on=on,
            actor=actor,
            reason=reason,
            decision_number=decision_number,
        )


def _bulk_transfer(*, placements, destination, on, actor, reason, decision_number) -> None:
    late = [p for p in placements if p.start_on > on]
    if late:
        raise DomainError({"on": _("Some members joined the organization after this date.")})
    member_ids = [p.member_id for p in placements]
    for p in placements:
        p.end_on = on
    # The *_with_history helpers keep the edit history that plain .update() would skip.
    bulk_update_with_history(placements, MemberPlacement, ["end_on"], default_user=actor)
    bulk_create_with_history(
        [MemberPlacement(member_id=m, cell=destination, start_on=on) for m in member_ids],
        MemberPlacement,
        default_user=actor,
    )
    members = list(Member.objects.select_for_update().filter(pk__in=member_ids))
    for m in members:
        m.organization = destination
    bulk_update_with_history(members, Member, ["organization"], default_user=actor)
    transfers = Transfer.objects.bulk_create(
        [
            Transfer(
                member_id=p.member_id,
                kind=TransferKind.WITHIN,
                reason=reason,
                date=on,
                from_cell_id=p.cell_id,
                to_cell=destination,
                decision_number=decision_number,
                actor=actor,
            )
            for p in placements
        ]
    )
    events = []
    for t in transfers:
        common = dict(
            member_id=t.member_id, date=on, transfer=t, decision_number=decision_number, actor=actor
        )
        events.append(
            MembershipEvent(kind=EventKind.TRANSFER_OUT, organization_id=t.from_cell_id, **common)
        )
        events.append(
            MembershipEvent(kind=EventKind.TRANSFER_IN, organization=destination, **common)
        )
    MembershipEvent.objects.bulk_create(events)


def _same_level(a: str, b: str) -> bool:
    return a == b or {a, b} <= CELL_KINDS or {a, b} <= GRASSROOTS_KINDS


@transaction.atomic
def organization_merge(
    *,
    source: Organization,
    target: Organization,
    on: datetime.date,
    actor=None,
    decision_number: str = "",
) -> Organization:
    """Merge ``source`` into ``target`` on ``on``.

    Active children of the source are re-parented under the target and its members are
    transferred to it (events written); the source is closed as merged with the target as
    its successor and stays in the tree so its history still adds up.
    """
    _check_tree_admin(actor)
    if source.pk == target.pk:
        raise DomainError({"target": _("An organization cannot be merged into itself.")})
    source = _lock_org(source)
    target = _lock_org(target)
    if not source.is_active_on(on):
        raise DomainError({"on": _("The organization is not active on this date.")})
    if not _same_level(source.kind, target.kind):
        raise DomainError(
            {"target": _("An organization can only be merged into one of the same level.")}
        )
    if on <= source.established_on:
        raise DomainError({"on": _("The date must be after the organization was established.")})
    _relocate(
        source=source,
        destination=target,
        on=on,
        actor=actor,
        reason=TransferReason.MERGER,
        decision_number=decision_number,
    )
    source.refresh_from_db()
    source.closed_on, source.closure, source.successor = on, Closure.MERGED, target
    source.save(update_fields=["closed_on", "closure", "successor"])
    OrganizationEvent.objects.bulk_create(
        [
            OrganizationEvent(
                organization=source,
                kind=OrganizationEventKind.MERGED_INTO,
                date=on,
                other=target,
                decision_number=decision_number,
                actor=actor,
            ),
            OrganizationEvent(
                organization=target,
                kind=OrganizationEventKind.ABSORBED,
                date=on,
                other=source,
                decision_number=decision_number,
                actor=actor,
            ),
        ]
    )
    source.refresh_from_db()
    return source


@transaction.atomic
def organization_dissolve(
    *,
    organization: Organization,
    on: datetime.date,
    actor=None,
    destination: Organization | None = None,
    decision_number: str = "",
) -> Organization:
    """Dissolve an organization on ``on``.

    Allowed only when it has no active members or children, or with a ``destination`` that
    takes them (members are transferred, children re-parented). Otherwise nothing changes.
    """
    _check_tree_admin(actor)
    org = _lock_org(organization)
    if not org.is_active_on(on):
        raise DomainError({"on": _("The organization is not active on this date.")})
    if on <= org.established_on:
        raise DomainError({"on": _("The date must be after the organization was established.")})
    if destination is None:
        has_children = bool(_active_children(org, on))
        has_members = MemberPlacement.objects.filter(cell=org, end_on__isnull=True).exists()
        if has_children or has_members:
            raise DomainError(
                {
                    "destination": _(
                        "The organization still has active members or subordinate organizations; "
                        "choose where they go."
                    )
                }
            )
    else:
        if destination.pk == org.pk:
            raise DomainError({"destination": _("The destination must be another organization.")})
        _relocate(
            source=org,
            destination=_lock_org(destination),
            on=on,
            actor=actor,
            reason=TransferReason.DISSOLUTION,
            decision_number=decision_number,
        )
    org.refresh_from_db()
    org.closed_on, org.closure = on, Closure.DISSOLVED
    org.save(update_fields=["closed_on", "closure"])
    OrganizationEvent.objects.create(
        organization=org,
        kind=OrganizationEventKind.DISSOLVED,
        date=on,
        other=destination,
        decision_number=decision_number,
        actor=actor,
    )
    org.refresh_from_db()
    return org


# --- members ---------------------------------------------------------------------------


def _check_active_cell(cell: Organization, on: datetime.date, field: str = "cell") -> None:
    if cell.kind not in CELL_KINDS:
        raise DomainError({field: _("Members can only be placed in a Party cell.")})
    if not cell.is_active_on(on):
        raise DomainError({field: _("This cell is not active on the chosen date.")})


@transaction.atomic
def member_register(
    *,
    person: Person,
    cell: Organization,
    status: str,
    admission_decision_date: datetime.date,
    actor=None,
    placed_on: datetime.date | None = None,
    **member_fields,
) -> Member:
    """Enter an existing member from the records, with their admission event and placement.

    For members admitted in the application use the recruitment services instead; this is
    for people admitted before the application existed. The placement starts on
    ``placed_on`` (default: the admission decision date). When the member joined this cell
    later than the admission, the membership here starts with a transfer-in event on that
    date instead of an admission event, so reconciliation holds for every year.
    """
    _check_can_write(actor, cell)
    if status not in ACTIVE_STATUSES:
        raise DomainError({"status": _("A new member must be probationary or official.")})
    placed_on = placed_on or admission_decision_date
    cell = _lock_org(cell)
    _check_active_cell(cell, placed_on)
    if admission_decision_date <= person.date_of_birth:
        raise DomainError(
            {"admission_decision_date": _("The admission date must be after the date of birth.")}
        )
    if person.pk is None:
        _full_clean(person)
        person.save()
    elif Member.objects.filter(person=person).exists():
        raise DomainError({"person": _("This person is already registered as a member.")})
    member = Member(
        person=person,
        organization=cell,
        status=status,
        admission_decision_date=admission_decision_date,
        **member_fields,
    )
    _full_clean(member)
    member.save()
    MemberPlacement.objects.create(member=member, cell=cell, start_on=placed_on)
    if placed_on == admission_decision_date:
        MembershipEvent.objects.create(
            member=member,
            kind=EventKind.ADMISSION,
            date=admission_decision_date,
            organization=cell,
            decision_number=member.admission_decision_number,
            issuing_committee=member.admission_committee,
            actor=actor,
        )
    else:
        # Admitted elsewhere, known here only from the date they joined this cell: the
        # membership starts here as a transfer in, so every year's counts still reconcile.
        MembershipEvent.objects.create(
            member=member,
            kind=EventKind.TRANSFER_IN,
            date=placed_on,
            organization=cell,
            is_external=True,
            note=_("Registered from earlier records"),
            actor=actor,
        )
    return member


@transaction.atomic
def member_update(
    *, member: Member, actor=None, person_fields: dict, member_fields: dict
) -> Member:
    """Edit a member's personal and party data; the edit history keeps the old values."""
    member = _lock_member(member)
    _check_can_write(actor, member.organization)
    person = member.person
    for name, value in person_fields.items():
        setattr(person, name, value)
    for name, value in member_fields.items():
        setattr(member, name, value)
    _full_clean(person)
    _full_clean(member)
    person.save()
    member.save()
    return member


def _current_placement(member: Member) -> MemberPlacement:
    placement = (
        MemberPlacement.objects.select_for_update()
        .filter(member=member, end_on__isnull=True)
        .first()
    )
    if placement is None:
        raise DomainError(_("This member has no current placement."))
    return placement


def _check_after_placement(placement: MemberPlacement, on: datetime.date) -> None:
    if on < placement.start_on:
        raise DomainError(
            {
                "on": _("The date is before the member joined the current cell (%(date)s).")
                % {"date": placement.start_on.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_cell: Organization,
    on: datetime.date,
    actor=None,
    decision_number: str = "",
    issuing_committee: str = "",
    note: str = "",
) -> Transfer:
    """Transfer a member to another cell of the province on a date.

    Closes the current placement, opens the next, and writes a transfer-out event at the old
    cell and a transfer-in event at the new one. The actor must be able to write on both.
    """
    member = _lock_member(member)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError(_("Only active members can be transferred."))
    placement = _current_placement(member)
    _check_can_write(actor, placement.cell)
    _check_can_write(actor, to_cell)
    to_cell = _lock_org(to_cell)
    _check_active_cell(to_cell, on, "to_cell")
    if to_cell.pk == placement.cell_id:
        raise DomainError({"to_cell": _("The member is already in this cell.")})
    _check_after_placement(placement, on)
    placement.end_on = on
    placement.save(update_fields=["end_on"])
    MemberPlacement.objects.create(member=member, cell=to_cell, start_on=on)
    member.organization = to_cell
    member.save(update_fields=["organization"])
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.WITHIN,
        date=on,
        from_cell=placement.cell,
        to_cell=to_cell,
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=note,
        actor=actor,
    )
    common = dict(
        member=member,
        date=on,
        transfer=transfer,
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        actor=actor,
        note=note,
    )
    MembershipEvent.objects.create(
        kind=EventKind.TRANSFER_OUT, organization=placement.cell, **common
    )
    MembershipEvent.objects.create(kind=EventKind.TRANSFER_IN, organization=to_cell, **common)
    return transfer


@transaction.atomic
def membership_end(
    *,
    member: Member,
    on: datetime.date,
    status: str,
    event_kind: str,
    actor=None,
    subkind: str = "",
    decision_number: str = "",
    issuing_committee: str = "",
    note: str = "",
    transfer: Transfer | None = None,
    is_external: bool = False,
) -> MembershipEvent:
    """End a membership on a date: close the placement, set the ended status, write the event.

    Used by deaths, transfers out of the province and (in the evaluation app) removals.
    """
    member = _lock_member(member)
    if member.status not in ACTIVE_STATUSES:
        raise DomainError(_("This member is no longer active."))
    placement = _current_placement(member)
    _check_can_write(actor, placement.cell)
    _check_after_placement(placement, on)
    placement.end_on = on
    placement.save(update_fields=["end_on"])
    member.status = status
    member.ended_on = on
    member.save(update_fields=["status", "ended_on"])
    return MembershipEvent.objects.create(
        member=member,
        kind=event_kind,
        subkind=subkind,
        date=on,
        organization=placement.cell,
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=note,
        transfer=transfer,
        is_external=is_external,
        actor=actor,
    )


def member_record_death(
    *, member: Member, on: datetime.date, actor=None, note: str = ""
) -> MembershipEvent:
    """Record a member's death (từ trần): ends the placement and writes a death event."""
    if on < member.person.date_of_birth:
        raise DomainError({"on": _("The date of death is before the date of birth.")})
    return membership_end(
        member=member,
        on=on,
        status=MemberStatus.DECEASED,
        event_kind=EventKind.DEATH,
        actor=actor,
        note=note,
    )


@transaction.atomic
def member_transfer_out(
    *,
    member: Member,
    on: datetime.date,
    destination: str,
    actor=None,
    decision_number: str = "",
    issuing_committee: str = "",
    note: str = "",
) -> Transfer:
    """Transfer a member out of the province: the membership here ends, history stays."""
    if not destination.strip():
        raise DomainError({"destination": _("Name the Party organization the member moves to.")})
    member = _lock_member(member)
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.OUT_OF_PROVINCE,
        date=on,
        from_cell=member.organization,
        outside_organization=destination.strip(),
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=note,
        actor=actor,
    )
    membership_end(
        member=member,
        on=on,
        status=MemberStatus.TRANSFERRED_OUT,
        event_kind=EventKind.TRANSFER_OUT,
        actor=actor,
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=note,
        transfer=transfer,
        is_external=True,
    )
    return transfer


@transaction.atomic
def member_transfer_in(
    *,
    person: Person,
    to_cell: Organization,
    on: datetime.date,
    origin: str,
    actor=None,
    status: str = MemberStatus.OFFICIAL,
    admission_decision_date: datetime.date | None = None,
    decision_number: str = "",
    issuing_committee: str = "",
    note: str = "",
    **member_fields,
) -> Transfer:
    """Receive a member from outside the province into a cell.

    A person who left the province earlier gets their member record back; a new person gets
    a member record (without an admission event: they were admitted elsewhere).
    """
    _check_can_write(actor, to_cell)
    to_cell = _lock_org(to_cell)
    _check_active_cell(to_cell, on, "to_cell")
    if not origin.strip():
        raise DomainError({"origin": _("Name the Party organization the member comes from.")})
    if status not in ACTIVE_STATUSES:
        raise DomainError(
            {"status": _("A member transferred in must be probationary or official.")}
        )
    if person.pk is None:
        _full_clean(person)
        person.save()
    member = Member.objects.select_for_update().filter(person=person).first()
    if member is not None:
        if member.status != MemberStatus.TRANSFERRED_OUT:
            raise DomainError(
                {"person": _("This person is already a member here or cannot return.")}
            )
        if member.ended_on and on < member.ended_on:
            raise DomainError({"on": _("The date is before the member left the province.")})
        member.status = status
        member.ended_on = None
        member.organization = to_cell
        member.save(update_fields=["status", "ended_on", "organization"])
    else:
        if admission_decision_date is None:
            raise DomainError({"admission_decision_date": _("Enter the admission decision date.")})
        member = Member(
            person=person,
            organization=to_cell,
            status=status,
            admission_decision_date=admission_decision_date,
            **member_fields,
        )
        _full_clean(member)
        member.save()
    MemberPlacement.objects.create(member=member, cell=to_cell, start_on=on)
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.IN_FROM_OUTSIDE,
        date=on,
        to_cell=to_cell,
        outside_organization=origin.strip(),
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        note=note,
        actor=actor,
    )
    MembershipEvent.objects.create(
        member=member,
        kind=EventKind.TRANSFER_IN,
        date=on,
        organization=to_cell,
        transfer=transfer,
        decision_number=decision_number,
        issuing_committee=issuing_committee,
        is_external=True,
        note=note,
        actor=actor,
    )
    return transfer
