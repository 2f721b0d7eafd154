"""Scope: ``visible_to(user)`` for every persona and model, and the read/write helpers."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from members.choices import StaffRole
from members.models import Member, MemberPlacement, MembershipEvent, Organization
from members.querysets import can_read, can_write, has_write_role
from tests.factories import MemberFactory, UserFactory, assign

ALL = {"P", "D1", "D2", "G1", "G2", "G3", "C1", "C2", "C3"}
# Organizations each persona sees; the cells among them are where it sees members.
VISIBLE = {
    "superuser": ALL,
    "leader": ALL,
    "district_staff": {"D1", "G1", "C1", "C2", "G2"},
    "cell_staff": {"C1"},
    "outsider": {"D2", "G3", "C3"},
    "nobody": set(),
    "two_assignments": {"C2", "D2", "G3", "C3"},
}
CELLS = {"C1", "C2", "G2", "C3"}


@pytest.fixture
def superuser(admin_user):
    return admin_user


@pytest.fixture
def nobody(db):
    return UserFactory(username="nobody")


@pytest.fixture
def two_assignments(tree):
    user = UserFactory(username="two")
    assign(user, tree.c2, StaffRole.STAFF)
    assign(user, tree.d2, StaffRole.LEADER)
    return user


@pytest.fixture
def members(tree):
    """One member in every cell: the ADMISSION event and the placement are in that cell."""
    return SimpleNamespace(
        c1=MemberFactory(cell=tree.c1),
        c2=MemberFactory(cell=tree.c2),
        g2=MemberFactory(cell=tree.g2),
        c3=MemberFactory(cell=tree.c3),
    )


def _fresh(user):
    # A new instance, as in a new request: the scope cache lives on the user object.
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", VISIBLE)
def test_organizations_visible_to_persona(request, tree, persona):
    user = request.getfixturevalue(persona)

    visible = Organization.objects.all().visible_to(user)

    assert set(visible.values_list("code", flat=True)) == VISIBLE[persona]


@pytest.mark.parametrize("persona", VISIBLE)
def test_members_visible_to_persona(request, members, persona):
    user = request.getfixturevalue(persona)

    visible = Member.objects.visible_to(user)

    assert set(visible.values_list("organization__code", flat=True)) == VISIBLE[persona] & CELLS


@pytest.mark.parametrize("persona", VISIBLE)
def test_placements_visible_to_persona(request, members, persona):
    user = request.getfixturevalue(persona)

    visible = MemberPlacement.objects.visible_to(user)

    assert set(visible.values_list("cell__code", flat=True)) == VISIBLE[persona] & CELLS


@pytest.mark.parametrize("persona", VISIBLE)
def test_membership_events_visible_to_persona(request, members, persona):
    user = request.getfixturevalue(persona)

    visible = MembershipEvent.objects.visible_to(user)

    assert set(visible.values_list("organization__code", flat=True)) == VISIBLE[persona] & CELLS


def test_member_out_of_scope_is_not_found_through_visible_to(members, outsider):
    assert not Member.objects.visible_to(outsider).filter(pk=members.c1.pk).exists()
    assert Member.objects.visible_to(outsider).filter(pk=members.c3.pk).exists()


def test_anonymous_user_sees_nothing(members):
    anonymous = AnonymousUser()

    assert not Organization.objects.all().visible_to(anonymous).exists()
    assert not Member.objects.visible_to(anonymous).exists()


def test_deactivated_staff_sees_nothing(members, district_staff):
    district_staff.is_active = False
    district_staff.save()

    user = _fresh(district_staff)

    assert not Organization.objects.all().visible_to(user).exists()
    assert not Member.objects.visible_to(user).exists()
    assert not can_read(user, members.c1.organization)


def test_nested_assignments_do_not_duplicate_rows(tree, members):
    user = UserFactory(username="nested")
    assign(user, tree.d1, StaffRole.STAFF)
    assign(user, tree.g1, StaffRole.STAFF)

    codes = list(Member.objects.visible_to(user).values_list("organization__code", flat=True))

    assert sorted(codes) == ["C1", "C2", "G2"]


# --- query counts ----------------------------------------------------------------------


def test_visible_to_costs_one_query_for_the_scope(
    members, district_staff, django_assert_num_queries
):
    user = _fresh(district_staff)

    with django_assert_num_queries(2):
        rows = list(Member.objects.visible_to(user))
    assert len(rows) == 3

    # The scope is cached on the user: later lists in the same request cost one query each.
    with django_assert_num_queries(3):
        list(Organization.objects.all().visible_to(user))
        list(MemberPlacement.objects.visible_to(user))
        list(MembershipEvent.objects.visible_to(user))


def test_visible_to_for_superuser_needs_no_scope_query(
    members, admin_user, django_assert_num_queries
):
    user = _fresh(admin_user)

    with django_assert_num_queries(1):
        rows = list(Member.objects.visible_to(user))
    assert len(rows) == 4


def test_visible_to_query_count_does_not_grow_with_assignments(
    tree, members, django_assert_num_queries
):
    user = UserFactory(username="many")
    for org in (tree.c1, tree.c2, tree.g2, tree.c3):
        assign(user, org, StaffRole.STAFF)
    user = _fresh(user)

    with django_assert_num_queries(2):
        rows = list(Member.objects.visible_to(user))
    assert len(rows) == 4


# --- read and write helpers ------------------------------------------------------------


def test_leader_can_read_everything_but_write_nothing(tree, leader):
    assert can_read(leader, tree.c3)
    assert can_read(leader, tree.p)
    assert not can_write(leader, tree.c1)
    assert not can_write(leader, tree.p)
    assert not has_write_role(leader)


def test_district_staff_reads_and_writes_its_subtree_only(tree, district_staff):
    assert can_read(district_staff, tree.d1)
    assert can_write(district_staff, tree.c2)
    assert can_write(district_staff, tree.g2)
    assert not can_read(district_staff, tree.c3)
    assert not can_write(district_staff, tree.c3)
    assert not can_read(district_staff, tree.p)
    assert not can_write(district_staff, tree.p)
    assert has_write_role(district_staff)


def test_cell_staff_cannot_write_a_sibling_cell_or_its_parent(tree, cell_staff):
    assert can_write(cell_staff, tree.c1)
    assert not can_write(cell_staff, tree.c2)
    assert not can_write(cell_staff, tree.g1)
    assert not can_read(cell_staff, tree.g1)


def test_outsider_cannot_read_or_write_the_other_branch(tree, outsider):
    assert can_write(outsider, tree.c3)
    assert not can_read(outsider, tree.c1)
    assert not can_write(outsider, tree.c1)


def test_superuser_can_read_and_write_everywhere(tree, superuser):
    assert can_read(superuser, tree.c3)
    assert can_write(superuser, tree.p)
    assert has_write_role(superuser)


def test_user_without_assignment_can_do_nothing(tree, nobody):
    assert not can_read(nobody, tree.p)
    assert not can_read(nobody, tree.c1)
    assert not can_write(nobody, tree.c1)
    assert not has_write_role(nobody)


def test_write_scope_comes_from_staff_roles_only(tree):
    user = UserFactory(username="mixed")
    assign(user, tree.p, StaffRole.LEADER)
    assign(user, tree.c1, StaffRole.STAFF)

    assert can_read(user, tree.c3)
    assert not can_write(user, tree.c3)
    assert can_write(user, tree.c1)
    assert has_write_role(user)
