"""Transfers within, into and out of the province, deaths, and the reconciliation identity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from members import services
from members.choices import (
    EVENTS_IN,
    EVENTS_OUT,
    EventKind,
    MemberStatus,
    TransferKind,
    TransferReason,
)
from members.errors import DomainError
from members.models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    Person,
    Transfer,
)
from tests.factories import MemberFactory, PersonFactory

JOINED = datetime.date(2010, 3, 2)  # MemberFactory's admission date, where placements start
ON = datetime.date(2020, 5, 10)


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the interface language."""
    with translation.override("en"):
        yield


def snapshot():
    return {
        "placements": list(
            MemberPlacement.objects.order_by("pk").values_list(
                "pk", "member_id", "cell_id", "start_on", "end_on"
            )
        ),
        "members": list(
            Member.objects.order_by("pk").values_list(
                "pk", "person_id", "organization_id", "status", "ended_on"
            )
        ),
        "people": Person.objects.count(),
        "transfers": Transfer.objects.count(),
        "events": MembershipEvent.objects.count(),
    }


@pytest.fixture
def member(tree):
    return MemberFactory(cell=tree.c1)


def _events(member, on):
    return set(
        MembershipEvent.objects.filter(member=member, date=on).values_list(
            "kind", "organization__code", "is_external"
        )
    )


# --- within the province ---------------------------------------------------------------


def test_transfer_keeps_exactly_one_open_placement_in_the_new_cell(tree, member, district_staff):
    services.member_transfer(member=member, to_cell=tree.c2, on=ON, actor=district_staff)

    old, new = MemberPlacement.objects.filter(member=member).order_by("start_on")
    assert (old.cell, old.start_on, old.end_on) == (tree.c1, JOINED, ON)
    assert (new.cell, new.start_on, new.end_on) == (tree.c2, ON, None)
    assert MemberPlacement.objects.filter(member=member).open().count() == 1


def test_transfer_moves_the_members_organization(tree, member, district_staff):
    services.member_transfer(member=member, to_cell=tree.g2, on=ON, actor=district_staff)

    member.refresh_from_db()
    assert member.organization == tree.g2
    assert member.status == MemberStatus.OFFICIAL


def test_transfer_writes_events_at_both_cells(tree, member, district_staff):
    transfer = services.member_transfer(
        member=member,
        to_cell=tree.c2,
        on=ON,
        actor=district_staff,
        decision_number="45-QĐ/ĐU",
        issuing_committee="Đảng ủy xã Đình Chu",
    )

    assert (transfer.kind, transfer.reason) == (TransferKind.WITHIN, TransferReason.REQUEST)
    assert (transfer.from_cell, transfer.to_cell, transfer.date) == (tree.c1, tree.c2, ON)
    assert _events(member, ON) == {
        (EventKind.TRANSFER_OUT, "C1", False),
        (EventKind.TRANSFER_IN, "C2", False),
    }
    for event in MembershipEvent.objects.filter(member=member, date=ON):
        assert event.transfer == transfer
        assert event.actor == district_staff
        assert (event.decision_number, event.issuing_committee) == (
            "45-QĐ/ĐU",
            "Đảng ủy xã Đình Chu",
        )


def test_second_transfer_closes_the_second_placement(tree, member, admin_user):
    services.member_transfer(member=member, to_cell=tree.c2, on=ON, actor=admin_user)
    later = datetime.date(2022, 1, 3)

    services.member_transfer(member=member, to_cell=tree.c3, on=later, actor=admin_user)

    placements = list(
        MemberPlacement.objects.filter(member=member)
        .order_by("start_on")
        .values_list("cell__code", "start_on", "end_on")
    )
    assert placements == [("C1", JOINED, ON), ("C2", ON, later), ("C3", later, None)]


@pytest.mark.parametrize("code", ["g1", "d1", "p"])
def test_transfer_refuses_a_destination_that_is_not_a_cell(tree, member, code):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer(member=member, to_cell=getattr(tree, code), on=ON)

    assert "to_cell" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_refuses_a_cell_closed_on_that_date(tree, member):
    closed = services.organization_dissolve(organization=tree.c2, on=datetime.date(2019, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer(member=member, to_cell=closed, on=ON)

    assert "to_cell" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_checks_the_destination_as_stored_not_as_passed_in(tree, member):
    # The caller's copy of C2 predates its dissolution, as in a concurrent request: the
    # service must read the destination under lock, as the restructuring services do.
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2019, 1, 1))
    stale_c2 = tree.c2
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_transfer(member=member, to_cell=stale_c2, on=ON)

    assert snapshot() == before


def test_transfer_refuses_a_cell_not_yet_established(tree, member):
    new_cell = services.organization_create(
        parent=tree.g1,
        code="C9",
        name="Chi bộ mới",
        kind="CELL",
        sector="VILLAGE",
        established_on=datetime.date(2021, 1, 1),
    )
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_transfer(member=member, to_cell=new_cell, on=ON)

    assert snapshot() == before


def test_transfer_refuses_the_same_cell(tree, member):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer(member=member, to_cell=tree.c1, on=ON)

    assert "to_cell" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_refuses_a_date_before_the_current_placement_started(tree, member):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer(
            member=member, to_cell=tree.c2, on=JOINED - datetime.timedelta(days=1)
        )

    assert "on" in excinfo.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(
    ("persona", "to_code"),
    [
        ("cell_staff", "c2"),  # may write C1 but not C2
        ("district_staff", "c3"),  # may write C1 but not C3
        ("outsider", "c3"),  # may write C3 but not C1
        ("leader", "c2"),  # reads everything, writes nothing
    ],
)
def test_transfer_without_write_scope_on_either_side_is_denied(
    request, tree, member, persona, to_code
):
    actor = request.getfixturevalue(persona)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.member_transfer(member=member, to_cell=getattr(tree, to_code), on=ON, actor=actor)

    assert snapshot() == before


def test_transfer_refuses_an_ended_member(tree, member):
    services.member_record_death(member=member, on=datetime.date(2019, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_transfer(member=member, to_cell=tree.c2, on=ON)

    assert snapshot() == before


# --- out of and into the province ------------------------------------------------------


def test_transfer_out_ends_the_membership(tree, member, district_staff):
    transfer = services.member_transfer_out(
        member=member,
        on=ON,
        destination=" Đảng bộ tỉnh Phú Thọ ",
        actor=district_staff,
        decision_number="9-QĐ",
    )

    member.refresh_from_db()
    assert (member.status, member.ended_on) == (MemberStatus.TRANSFERRED_OUT, ON)
    assert member.organization == tree.c1
    assert not MemberPlacement.objects.filter(member=member).open().exists()
    assert MemberPlacement.objects.get(member=member).end_on == ON
    assert (transfer.kind, transfer.from_cell, transfer.to_cell) == (
        TransferKind.OUT_OF_PROVINCE,
        tree.c1,
        None,
    )
    assert transfer.outside_organization == "Đảng bộ tỉnh Phú Thọ"
    event = MembershipEvent.objects.get(member=member, date=ON)
    assert (event.kind, event.organization, event.is_external) == (
        EventKind.TRANSFER_OUT,
        tree.c1,
        True,
    )
    assert (event.transfer, event.decision_number, event.actor) == (
        transfer,
        "9-QĐ",
        district_staff,
    )


def test_transfer_out_refuses_a_missing_destination(tree, member):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer_out(member=member, on=ON, destination="  ")

    assert "destination" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_out_by_outsider_is_denied_with_nothing_written(tree, member, outsider):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.member_transfer_out(
            member=member, on=ON, destination="Đảng bộ tỉnh Phú Thọ", actor=outsider
        )

    assert snapshot() == before


def test_transfer_out_refuses_an_ended_member(tree, member):
    services.member_transfer_out(member=member, on=ON, destination="Đảng bộ tỉnh Phú Thọ")
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_transfer_out(
            member=member, on=datetime.date(2021, 1, 1), destination="Đảng bộ tỉnh Hà Nam"
        )

    assert snapshot() == before


def test_transfer_in_creates_a_member_without_an_admission_event(tree, outsider):
    person = PersonFactory.build(full_name="Lê Thị Hoa", national_id="001190000001")

    transfer = services.member_transfer_in(
        person=person,
        to_cell=tree.c3,
        on=ON,
        origin="Đảng bộ tỉnh Phú Thọ",
        actor=outsider,
        admission_decision_date=datetime.date(2012, 9, 2),
    )

    member = Member.objects.get(person__national_id="001190000001")
    assert (member.status, member.organization, member.ended_on) == (
        MemberStatus.OFFICIAL,
        tree.c3,
        None,
    )
    placement = MemberPlacement.objects.get(member=member)
    assert (placement.cell, placement.start_on, placement.end_on) == (tree.c3, ON, None)
    assert (transfer.kind, transfer.from_cell, transfer.to_cell) == (
        TransferKind.IN_FROM_OUTSIDE,
        None,
        tree.c3,
    )
    assert transfer.outside_organization == "Đảng bộ tỉnh Phú Thọ"
    assert list(MembershipEvent.objects.filter(member=member).values_list("kind", flat=True)) == [
        EventKind.TRANSFER_IN
    ]
    assert MembershipEvent.objects.get(member=member).is_external


def test_transfer_in_requires_the_admission_date_of_a_new_member(tree):
    person = PersonFactory.build(national_id="001190000002")
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer_in(person=person, to_cell=tree.c3, on=ON, origin="Tỉnh Phú Thọ")

    assert "admission_decision_date" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_in_brings_back_a_member_who_left(tree, member):
    left_on = datetime.date(2015, 6, 1)
    services.member_transfer_out(member=member, on=left_on, destination="Tỉnh Phú Thọ")

    services.member_transfer_in(person=member.person, to_cell=tree.c3, on=ON, origin="Tỉnh Phú Thọ")

    assert Member.objects.filter(person=member.person).count() == 1
    member.refresh_from_db()
    assert (member.status, member.ended_on, member.organization) == (
        MemberStatus.OFFICIAL,
        None,
        tree.c3,
    )
    placements = list(
        MemberPlacement.objects.filter(member=member)
        .order_by("start_on")
        .values_list("cell__code", "start_on", "end_on")
    )
    assert placements == [("C1", JOINED, left_on), ("C3", ON, None)]
    assert _events(member, ON) == {(EventKind.TRANSFER_IN, "C3", True)}
    assert not MembershipEvent.objects.filter(member=member, date=ON, kind=EventKind.ADMISSION)


def test_transfer_in_refuses_a_return_dated_before_leaving(tree, member):
    services.member_transfer_out(member=member, on=ON, destination="Tỉnh Phú Thọ")
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer_in(
            person=member.person,
            to_cell=tree.c3,
            on=ON - datetime.timedelta(days=1),
            origin="Tỉnh Phú Thọ",
        )

    assert "on" in excinfo.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize("ended", [False, True])
def test_transfer_in_refuses_an_active_or_deceased_member(tree, member, ended):
    if ended:
        services.member_record_death(member=member, on=datetime.date(2019, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_transfer_in(
            person=member.person, to_cell=tree.c3, on=ON, origin="Tỉnh Phú Thọ"
        )

    assert "person" in excinfo.value.message_dict
    assert snapshot() == before


def test_transfer_in_refuses_a_destination_that_is_not_a_cell(tree):
    person = PersonFactory.build(national_id="001190000003")
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_transfer_in(
            person=person,
            to_cell=tree.g3,
            on=ON,
            origin="Tỉnh Phú Thọ",
            admission_decision_date=datetime.date(2012, 9, 2),
        )

    assert snapshot() == before


def test_transfer_in_by_staff_of_another_branch_is_denied(tree, district_staff):
    person = PersonFactory.build(national_id="001190000004")
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.member_transfer_in(
            person=person,
            to_cell=tree.c3,
            on=ON,
            origin="Tỉnh Phú Thọ",
            actor=district_staff,
            admission_decision_date=datetime.date(2012, 9, 2),
        )

    assert snapshot() == before


# --- death -----------------------------------------------------------------------------


def test_death_ends_the_membership_with_a_death_event(tree, member, cell_staff):
    died = datetime.date(2023, 2, 14)

    event = services.member_record_death(member=member, on=died, actor=cell_staff, note="Bệnh")

    member.refresh_from_db()
    assert (member.status, member.ended_on) == (MemberStatus.DECEASED, died)
    assert not MemberPlacement.objects.filter(member=member).open().exists()
    assert MemberPlacement.objects.get(member=member).end_on == died
    assert (event.kind, event.date, event.organization) == (EventKind.DEATH, died, tree.c1)
    assert (event.actor, event.note, event.is_external) == (cell_staff, "Bệnh", False)


def test_death_before_birth_is_refused(english, tree, member):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.member_record_death(
            member=member, on=member.person.date_of_birth - datetime.timedelta(days=1)
        )

    assert excinfo.value.message_dict["on"] == ["The date of death is before the date of birth."]
    assert snapshot() == before


def test_death_by_outsider_is_denied(tree, member, outsider):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.member_record_death(member=member, on=ON, actor=outsider)

    assert snapshot() == before


def test_death_of_an_ended_member_is_refused(tree, member):
    services.member_record_death(member=member, on=ON)
    before = snapshot()

    with pytest.raises(DomainError):
        services.member_record_death(member=member, on=ON + datetime.timedelta(days=1))

    assert snapshot() == before


# --- reconciliation --------------------------------------------------------------------

YEAR = 2021


def balance(org, year):
    """(members at the start, ins, outs, members at the end) of ``org``'s subtree in ``year``."""
    org = Organization.objects.get(pk=org.pk)  # today's path, after any move
    placements = MemberPlacement.objects.in_subtree(org)
    events = MembershipEvent.objects.in_subtree(org).in_year(year)
    return (
        placements.covering(datetime.date(year - 1, 12, 31)).count(),
        events.filter(kind__in=EVENTS_IN).count(),
        events.filter(kind__in=EVENTS_OUT).count(),
        placements.covering(datetime.date(year, 12, 31)).count(),
    )


@pytest.fixture
def history(tree):
    """A small year of history in 2021, with events on both year boundaries."""
    d = datetime.date
    m = {
        name: MemberFactory(cell=cell)
        for name, cell in [
            ("a", tree.c1),
            ("b", tree.c1),
            ("c", tree.c1),
            ("d", tree.c2),
            ("e", tree.c3),
            ("f", tree.c3),
            ("g", tree.g2),
            ("h", tree.c2),
        ]
    }
    # The last day of the year before: counts in 2020, not in 2021.
    services.member_transfer(member=m["h"], to_cell=tree.c3, on=d(2020, 12, 31))
    # The first day of the year, across districts.
    services.member_transfer(member=m["f"], to_cell=tree.c2, on=d(YEAR, 1, 1))
    services.member_transfer(member=m["a"], to_cell=tree.c2, on=d(YEAR, 2, 1))
    services.member_transfer(member=m["b"], to_cell=tree.c3, on=d(YEAR, 3, 1))
    MemberFactory(cell=tree.g2, admission_decision_date=d(YEAR, 4, 1))
    # C1 (with member c left) merges into C2.
    services.organization_merge(source=tree.c1, target=tree.c2, on=d(YEAR, 6, 1))
    services.member_record_death(member=m["d"], on=d(YEAR, 8, 1))
    services.member_transfer_out(member=m["g"], on=d(YEAR, 9, 1), destination="Tỉnh Phú Thọ")
    services.member_transfer_in(
        person=PersonFactory(),
        to_cell=tree.c3,
        on=d(YEAR, 10, 1),
        origin="Tỉnh Tuyên Quang",
        admission_decision_date=d(2001, 5, 19),
    )
    # G2 moves to the province: reports roll its history up under today's tree.
    services.organization_move(organization=tree.g2, new_parent=tree.p, on=d(YEAR, 11, 1))
    # The last day of the year, across districts.
    services.member_transfer(member=m["e"], to_cell=tree.g2, on=d(YEAR, 12, 31))
    return m


def test_reconciliation_holds_for_the_province(tree, history):
    start, ins, outs, end = balance(tree.p, YEAR)

    # Internal moves add one in and one out each (f, a, b, the merger of c, e);
    # from outside the province: one admission and one transfer in; one death, one out.
    assert (start, ins, outs, end) == (8, 7, 7, 8)
    assert start + ins - outs == end


@pytest.mark.parametrize("code", ["d1", "d2", "g1", "g2", "g3", "c1", "c2", "c3"])
def test_reconciliation_holds_for_every_subtree(tree, history, code):
    start, ins, outs, end = balance(getattr(tree, code), YEAR)

    assert start + ins - outs == end


def test_reconciliation_counts_for_a_district_after_moves_and_a_merger(tree, history):
    # D1 today: G1 (C1 closed, C2). G2 has moved to the province.
    # Start: a, b, c in C1; d, and h until 31/12/2020 left, in C2  -> 4.
    # In: f (1/1), a (C1->C2, internal to D1 and counted both ways), c by the merger.
    # Out: a and c leave C1, b leaves for D2, d dies.
    # End: a, c, f in C2.
    assert balance(tree.d1, YEAR) == (4, 3, 4, 3)
    assert balance(tree.g2, YEAR) == (1, 2, 1, 2)


def test_reconciliation_holds_in_the_year_before_for_the_boundary_transfer(tree, history):
    for org in (tree.p, tree.c2, tree.c3):
        start, ins, outs, end = balance(org, YEAR - 1)
        assert start + ins - outs == end
    assert balance(tree.c3, YEAR - 1) == (2, 1, 0, 3)
