"""Restructuring services: create, rename, move, merge and dissolve organizations."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from members import services
from members.choices import (
    Closure,
    EventKind,
    OrganizationEventKind,
    Sector,
    TransferKind,
    TransferReason,
)
from members.choices import OrganizationKind as K
from members.errors import DomainError
from members.models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    OrganizationEvent,
    Transfer,
)
from tests.factories import MemberFactory, UserFactory

ON = datetime.date(2021, 3, 1)
JOINED = datetime.date(2010, 3, 2)  # MemberFactory's admission date, where placements start


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the interface language."""
    with translation.override("en"):
        yield


def snapshot():
    """Every row the restructuring services may touch, to prove that nothing changed."""
    return {
        "orgs": list(
            Organization.objects.order_by("pk").values_list(
                "pk", "path", "depth", "numchild", "name", "parent_kind", "closed_on", "closure"
            )
        ),
        "placements": list(
            MemberPlacement.objects.order_by("pk").values_list(
                "pk", "member_id", "cell_id", "start_on", "end_on"
            )
        ),
        "members": list(
            Member.objects.order_by("pk").values_list("pk", "organization_id", "status")
        ),
        "transfers": Transfer.objects.count(),
        "events": MembershipEvent.objects.count(),
        "tree_events": OrganizationEvent.objects.count(),
    }


def _fresh(org):
    return Organization.objects.get(pk=org.pk)


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


def _fresh_user(user):
    return get_user_model().objects.get(pk=user.pk)


# --- create and rename -----------------------------------------------------------------


def test_create_writes_an_established_event(tree, admin_user):
    org = services.organization_create(
        parent=tree.g1,
        code=" C9 ",
        name=" Chi bộ thôn Mới ",
        kind=K.CELL,
        sector=Sector.VILLAGE,
        established_on=ON,
        actor=admin_user,
        decision_number="12-QĐ/HU",
    )

    assert (org.code, org.name) == ("C9", "Chi bộ thôn Mới")
    event = OrganizationEvent.objects.get(organization=org)
    assert event.kind == OrganizationEventKind.ESTABLISHED
    assert event.date == ON
    assert event.other == tree.g1
    assert event.new_value == "Chi bộ thôn Mới"
    assert event.decision_number == "12-QĐ/HU"
    assert event.actor == admin_user


def test_create_refuses_a_duplicate_code_with_nothing_created(tree):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_create(
            parent=tree.g1,
            code="C1",
            name="Trùng mã",
            kind=K.CELL,
            sector=Sector.VILLAGE,
            established_on=ON,
        )

    assert "code" in excinfo.value.message_dict
    assert snapshot() == before


def test_rename_keeps_the_old_name_in_the_event(tree, admin_user):
    org = services.organization_rename(
        organization=tree.c1, name="Chi bộ thôn Phấn Kiến Mới", on=ON, actor=admin_user
    )

    assert _fresh(tree.c1).name == "Chi bộ thôn Phấn Kiến Mới"
    assert org.name == "Chi bộ thôn Phấn Kiến Mới"
    event = OrganizationEvent.objects.get(organization=tree.c1, kind=OrganizationEventKind.RENAMED)
    assert event.old_value == "Chi bộ thôn Phấn Kiến"
    assert event.new_value == "Chi bộ thôn Phấn Kiến Mới"
    assert event.date == ON
    assert event.actor == admin_user


def test_rename_refuses_an_empty_name(tree):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_rename(organization=tree.c1, name="   ", on=ON)

    assert "name" in excinfo.value.message_dict
    assert snapshot() == before


def test_rename_refuses_a_closed_organization(tree):
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2020, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_rename(organization=tree.c2, name="Tên mới", on=ON)

    assert snapshot() == before


# --- move ------------------------------------------------------------------------------


def test_move_reparents_the_whole_subtree(tree, admin_user):
    old_c1_path = tree.c1.path

    moved = services.organization_move(
        organization=tree.g1, new_parent=tree.d2, on=ON, actor=admin_user
    )

    assert Organization.objects.get_parent(moved) == tree.d2
    c1, c2 = _fresh(tree.c1), _fresh(tree.c2)
    assert c1.path != old_c1_path
    assert c1.path.startswith(moved.path) and c2.path.startswith(moved.path)
    assert Organization.objects.get_parent(c1) == moved
    assert _codes(Organization.objects.all().in_subtree(_fresh(tree.d2))) == {
        "D2",
        "G3",
        "C3",
        "G1",
        "C1",
        "C2",
    }
    assert _codes(Organization.objects.all().in_subtree(_fresh(tree.d1))) == {"D1", "G2"}
    assert (_fresh(tree.d1).numchild, _fresh(tree.d2).numchild) == (1, 2)


def test_move_writes_a_moved_event_with_the_former_parent(tree, admin_user):
    services.organization_move(
        organization=tree.g1, new_parent=tree.d2, on=ON, actor=admin_user, decision_number="5"
    )

    event = OrganizationEvent.objects.get(organization=tree.g1, kind=OrganizationEventKind.MOVED)
    assert event.other == tree.d1
    assert (event.old_value, event.new_value) == (tree.d1.name, tree.d2.name)
    assert (event.date, event.decision_number, event.actor) == (ON, "5", admin_user)


def test_move_updates_the_denormalized_parent_kind(tree):
    moved = services.organization_move(organization=tree.g2, new_parent=tree.p, on=ON)

    assert moved.parent_kind == K.PROVINCE
    assert _fresh(tree.g2).parent_kind == K.PROVINCE


def test_moved_members_follow_into_the_new_parents_scope(tree, district_staff, outsider):
    member = MemberFactory(cell=tree.c1)

    services.organization_move(organization=tree.g1, new_parent=tree.d2, on=ON)

    assert Member.objects.visible_to(_fresh_user(outsider)).filter(pk=member.pk).exists()
    assert not Member.objects.visible_to(_fresh_user(district_staff)).filter(pk=member.pk).exists()
    assert MembershipEvent.objects.visible_to(_fresh_user(outsider)).filter(member=member).exists()


def test_move_refuses_moving_under_itself(english, tree):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_move(organization=tree.g1, new_parent=tree.c1, on=ON)

    assert "under itself" in excinfo.value.message_dict["new_parent"][0]
    assert snapshot() == before


def test_move_refuses_a_disallowed_parent(tree):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_move(organization=tree.c1, new_parent=tree.d2, on=ON)

    assert "new_parent" in excinfo.value.message_dict
    assert snapshot() == before


def test_move_refuses_the_current_parent(tree):
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_move(organization=tree.c1, new_parent=tree.g1, on=ON)

    assert snapshot() == before


def test_move_refuses_a_closed_new_parent(tree):
    services.organization_dissolve(organization=tree.c3, on=datetime.date(2020, 1, 1))
    services.organization_dissolve(organization=tree.g3, on=datetime.date(2020, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_move(organization=tree.c1, new_parent=tree.g3, on=ON)

    assert "on" in excinfo.value.message_dict
    assert snapshot() == before


# --- merge -----------------------------------------------------------------------------


@pytest.fixture
def c1_members(tree):
    return [MemberFactory(cell=tree.c1), MemberFactory(cell=tree.c1)]


def test_merge_moves_members_to_target_and_closes_source(tree, c1_members, admin_user):
    source = services.organization_merge(
        source=tree.c1, target=tree.c2, on=ON, actor=admin_user, decision_number="7-QĐ"
    )

    assert (source.closed_on, source.closure, source.successor) == (ON, Closure.MERGED, tree.c2)
    for member in c1_members:
        member.refresh_from_db()
        assert member.organization == tree.c2
        old, new = MemberPlacement.objects.filter(member=member).order_by("start_on")
        assert (old.cell, old.start_on, old.end_on) == (tree.c1, JOINED, ON)
        assert (new.cell, new.start_on, new.end_on) == (tree.c2, ON, None)
        assert MemberPlacement.objects.filter(member=member).open().count() == 1


def test_merge_records_a_merger_transfer_and_events_at_both_cells(tree, c1_members, admin_user):
    services.organization_merge(
        source=tree.c1, target=tree.c2, on=ON, actor=admin_user, decision_number="7-QĐ"
    )

    for member in c1_members:
        transfer = Transfer.objects.get(member=member)
        assert transfer.kind == TransferKind.WITHIN
        assert transfer.reason == TransferReason.MERGER
        assert (transfer.from_cell, transfer.to_cell, transfer.date) == (tree.c1, tree.c2, ON)
        events = {
            (e.kind, e.organization_id): e
            for e in MembershipEvent.objects.filter(member=member, date=ON)
        }
        assert set(events) == {
            (EventKind.TRANSFER_OUT, tree.c1.pk),
            (EventKind.TRANSFER_IN, tree.c2.pk),
        }
        for event in events.values():
            assert event.transfer == transfer
            assert event.decision_number == "7-QĐ"
            assert event.actor == admin_user
            assert not event.is_external


def test_merge_writes_merged_into_and_absorbed_events(tree):
    services.organization_merge(source=tree.c1, target=tree.c2, on=ON, decision_number="7-QĐ")

    merged = OrganizationEvent.objects.get(
        organization=tree.c1, kind=OrganizationEventKind.MERGED_INTO
    )
    absorbed = OrganizationEvent.objects.get(
        organization=tree.c2, kind=OrganizationEventKind.ABSORBED
    )
    assert (merged.other, merged.date) == (tree.c2, ON)
    assert (absorbed.other, absorbed.date) == (tree.c1, ON)


def test_merged_source_stays_in_the_tree_and_is_inactive_from_the_date(tree, c1_members):
    services.organization_merge(source=tree.c1, target=tree.c2, on=ON)

    assert "C1" in _codes(Organization.objects.all().in_subtree(tree.g1))
    assert Organization.objects.get_parent(_fresh(tree.c1)) == tree.g1
    assert "C1" in _codes(Organization.objects.all().active_on(ON - datetime.timedelta(days=1)))
    assert "C1" not in _codes(Organization.objects.all().active_on(ON))
    assert "C1" not in _codes(Organization.objects.all().active())
    # Its history still adds up under its parent.
    assert MembershipEvent.objects.in_subtree(tree.g1).filter(organization=tree.c1).count() == 4


def test_merge_of_upper_committees_reparents_the_children(tree, admin_user, outsider):
    member = MemberFactory(cell=tree.c1)

    source = services.organization_merge(source=tree.d1, target=tree.d2, on=ON, actor=admin_user)

    assert (source.closure, source.successor) == (Closure.MERGED, tree.d2)
    assert Organization.objects.get_parent(_fresh(tree.g1)) == tree.d2
    assert Organization.objects.get_parent(_fresh(tree.g2)) == tree.d2
    assert _codes(Organization.objects.all().in_subtree(_fresh(tree.d2))) == {
        "D2",
        "G3",
        "C3",
        "G1",
        "C1",
        "C2",
        "G2",
    }
    # Members stay in their cells: the cells moved, so no membership event is written.
    member.refresh_from_db()
    assert member.organization == tree.c1
    assert not Transfer.objects.exists()
    assert Member.objects.visible_to(_fresh_user(outsider)).filter(pk=member.pk).exists()


def test_merge_leaves_closed_children_with_the_closed_source(tree):
    services.organization_dissolve(organization=tree.g2, on=datetime.date(2019, 1, 1))

    services.organization_merge(source=tree.d1, target=tree.d2, on=ON)

    assert Organization.objects.get_parent(_fresh(tree.g2)) == tree.d1
    assert Organization.objects.get_parent(_fresh(tree.g1)) == tree.d2


def test_merge_into_itself_is_refused_with_nothing_changed(tree, c1_members):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_merge(source=tree.c1, target=tree.c1, on=ON)

    assert "target" in excinfo.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("g1", "g2"),  # a grassroots cell cannot hold G1's cells
        ("c1", "g3"),  # members must land in a cell
        ("g1", "d2"),  # an upper committee cannot hold cells
        ("d1", "c3"),  # a cell cannot hold grassroots organizations
        ("g1", "c1"),  # into its own descendant
    ],
)
def test_merge_into_incompatible_target_is_refused_with_nothing_changed(
    tree, c1_members, source, target
):
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_merge(
            source=getattr(tree, source), target=getattr(tree, target), on=ON
        )

    assert snapshot() == before


def test_merge_into_a_closed_target_is_refused_with_nothing_changed(tree, c1_members):
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2020, 1, 1))
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_merge(source=tree.c1, target=tree.c2, on=ON)

    assert snapshot() == before


def test_merge_refused_when_a_member_joined_after_the_date(tree, c1_members):
    MemberFactory(cell=tree.c1, admission_decision_date=ON + datetime.timedelta(days=1))
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_merge(source=tree.c1, target=tree.c2, on=ON)

    assert "on" in excinfo.value.message_dict
    assert snapshot() == before


def test_merge_of_an_already_closed_source_is_refused(tree):
    services.organization_merge(source=tree.c1, target=tree.c2, on=ON)
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_merge(
            source=tree.c1, target=tree.c3, on=ON + datetime.timedelta(days=30)
        )

    assert snapshot() == before


# --- dissolve --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["c1", "g1", "d1"])
def test_dissolve_non_empty_without_destination_is_refused_with_nothing_changed(
    tree, c1_members, code
):
    before = snapshot()

    with pytest.raises(DomainError) as excinfo:
        services.organization_dissolve(organization=getattr(tree, code), on=ON)

    assert "destination" in excinfo.value.message_dict
    assert snapshot() == before
    assert _fresh(getattr(tree, code)).closed_on is None
    assert MemberPlacement.objects.filter(cell=tree.c1).open().count() == 2


def test_dissolve_with_destination_moves_members_and_closes(tree, c1_members, admin_user):
    org = services.organization_dissolve(
        organization=tree.c1, on=ON, destination=tree.c2, actor=admin_user
    )

    assert (org.closed_on, org.closure, org.successor) == (ON, Closure.DISSOLVED, None)
    for member in c1_members:
        member.refresh_from_db()
        assert member.organization == tree.c2
        assert MemberPlacement.objects.get(member=member, end_on__isnull=True).cell == tree.c2
        transfer = Transfer.objects.get(member=member)
        assert transfer.reason == TransferReason.DISSOLUTION
        assert set(
            MembershipEvent.objects.filter(member=member, date=ON).values_list(
                "kind", "organization__code"
            )
        ) == {(EventKind.TRANSFER_OUT, "C1"), (EventKind.TRANSFER_IN, "C2")}
    event = OrganizationEvent.objects.get(
        organization=tree.c1, kind=OrganizationEventKind.DISSOLVED
    )
    assert (event.date, event.other, event.actor) == (ON, tree.c2, admin_user)


def test_dissolve_committee_with_destination_reparents_its_cells(tree, c1_members):
    services.organization_dissolve(organization=tree.g1, on=ON, destination=tree.g3)

    assert Organization.objects.get_parent(_fresh(tree.c1)) == tree.g3
    assert Organization.objects.get_parent(_fresh(tree.c2)) == tree.g3
    assert _fresh(tree.g1).closure == Closure.DISSOLVED
    # The cells moved, their members did not.
    assert not Transfer.objects.exists()


def test_dissolve_with_members_and_a_non_cell_destination_is_refused(tree, c1_members):
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_dissolve(organization=tree.c1, on=ON, destination=tree.g3)

    assert snapshot() == before


def test_dissolve_into_itself_is_refused(tree, c1_members):
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_dissolve(organization=tree.c1, on=ON, destination=tree.c1)

    assert snapshot() == before


def test_dissolve_of_an_empty_organization_works(tree, admin_user):
    org = services.organization_dissolve(organization=tree.c2, on=ON, actor=admin_user)

    assert (org.closed_on, org.closure, org.successor) == (ON, Closure.DISSOLVED, None)
    event = OrganizationEvent.objects.get(
        organization=tree.c2, kind=OrganizationEventKind.DISSOLVED
    )
    assert (event.date, event.other) == (ON, None)


def test_dissolve_ignores_members_who_already_left(tree):
    member = MemberFactory(cell=tree.c2)
    services.member_record_death(member=member, on=datetime.date(2019, 5, 5))

    org = services.organization_dissolve(organization=tree.c2, on=ON)

    assert org.closure == Closure.DISSOLVED


def test_dissolve_of_a_committee_whose_cells_are_all_closed_works(tree):
    services.organization_dissolve(organization=tree.c1, on=datetime.date(2020, 1, 1))
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2020, 1, 1))

    org = services.organization_dissolve(organization=tree.g1, on=ON)

    assert org.closure == Closure.DISSOLVED
    assert Organization.objects.get_parent(_fresh(tree.c1)) == tree.g1


def test_dissolved_organization_stays_in_the_tree_and_is_excluded_by_active_on(tree):
    services.organization_dissolve(organization=tree.c2, on=ON)

    assert "C2" in _codes(Organization.objects.all().in_subtree(tree.g1))
    assert "C2" in _codes(Organization.objects.all().active_on(ON - datetime.timedelta(days=1)))
    assert "C2" not in _codes(Organization.objects.all().active_on(ON))
    assert "C2" not in _codes(Organization.objects.all().active_on(datetime.date(2030, 1, 1)))


def test_dissolve_on_the_founding_day_is_refused(tree):
    new = services.organization_create(
        parent=tree.g1, code="C9", name="C9", kind=K.CELL, sector=Sector.VILLAGE, established_on=ON
    )
    before = snapshot()

    with pytest.raises(DomainError):
        services.organization_dissolve(organization=new, on=ON)

    assert snapshot() == before


# --- permissions -----------------------------------------------------------------------


def _calls(tree):
    return {
        "create": lambda actor: services.organization_create(
            parent=tree.g1,
            code="C9",
            name="C9",
            kind=K.CELL,
            sector=Sector.VILLAGE,
            established_on=ON,
            actor=actor,
        ),
        "rename": lambda actor: services.organization_rename(
            organization=tree.c1, name="Tên mới", on=ON, actor=actor
        ),
        "move": lambda actor: services.organization_move(
            organization=tree.g2, new_parent=tree.d2, on=ON, actor=actor
        ),
        "merge": lambda actor: services.organization_merge(
            source=tree.c1, target=tree.c2, on=ON, actor=actor
        ),
        "dissolve": lambda actor: services.organization_dissolve(
            organization=tree.c2, on=ON, actor=actor
        ),
    }


@pytest.mark.parametrize("persona", ["district_staff", "leader", "cell_staff"])
@pytest.mark.parametrize("service", ["create", "rename", "move", "merge", "dissolve"])
def test_restructuring_by_staff_or_leader_is_denied_with_nothing_changed(
    request, tree, c1_members, persona, service
):
    actor = request.getfixturevalue(persona)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        _calls(tree)[service](actor)

    assert snapshot() == before


@pytest.mark.parametrize("service", ["create", "rename", "move", "merge", "dissolve"])
def test_restructuring_allowed_to_user_with_change_organization_permission(
    tree, c1_members, service
):
    user = UserFactory(username="treeadmin", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_organization"))
    user = _fresh_user(user)

    _calls(tree)[service](user)

    assert OrganizationEvent.objects.filter(actor=user).exists()


# --- edit history ----------------------------------------------------------------------


def test_rename_is_kept_in_the_edit_history(tree):
    services.organization_rename(organization=tree.c1, name="Tên mới", on=ON)

    assert tree.c1.history.first().name == "Tên mới"


def test_merge_is_kept_in_the_edit_history(tree, c1_members):
    # DESIGN.md section 3: the history of edits to every domain row is kept.
    services.organization_merge(source=tree.c1, target=tree.c2, on=ON)

    latest = tree.c1.history.first()
    assert (latest.closed_on, latest.closure, latest.successor_id) == (
        ON,
        Closure.MERGED,
        tree.c2.pk,
    )
    for member in c1_members:
        assert member.history.first().organization_id == tree.c2.pk


def test_dissolve_is_kept_in_the_edit_history(tree):
    services.organization_dissolve(organization=tree.c2, on=ON)

    latest = tree.c2.history.first()
    assert (latest.closed_on, latest.closure) == (ON, Closure.DISSOLVED)


# --- cost ------------------------------------------------------------------------------


def test_merge_query_count_does_not_grow_with_members(tree):
    for _ in range(2):
        MemberFactory(cell=tree.c1)
    for _ in range(6):
        MemberFactory(cell=tree.c3)

    with CaptureQueriesContext(connection) as small:
        services.organization_merge(source=tree.c1, target=tree.c2, on=ON)
    with CaptureQueriesContext(connection) as large:
        services.organization_merge(source=tree.c3, target=tree.g2, on=ON)

    assert MemberPlacement.objects.filter(cell=tree.g2).open().count() == 6
    assert len(large) == len(small)
