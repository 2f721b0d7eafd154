"""The parent-kind table and the tree querysets (subtree, active on a date, grassroots, cells)."""

import datetime
import itertools

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from members import services
from members.choices import OrganizationKind as K
from members.choices import Sector
from members.errors import DomainError
from members.models import Organization, OrganizationEvent

# The table of DESIGN.md section 3 written out again, so that a change to
# members.choices.ALLOWED_CHILD_KINDS has to be a deliberate change here too.
EXPECTED_CHILDREN = {
    K.PROVINCE: {K.UPPER, K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL},
    K.UPPER: {K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL},
    K.GRASSROOTS_COMMITTEE: {K.SUB_COMMITTEE, K.CELL},
    K.SUB_COMMITTEE: {K.CELL},
    K.GRASSROOTS_CELL: set(),
    K.CELL: set(),
}
ALLOWED_PAIRS = [(p, c) for p, children in EXPECTED_CHILDREN.items() for c in sorted(children)]
DISALLOWED_PAIRS = [
    (p, c) for p, c in itertools.product(K.values, K.values) if c not in EXPECTED_CHILDREN[p]
]
ON = datetime.date(2015, 6, 1)


@pytest.fixture
def english():
    """Messages in their English msgids, whatever the interface language."""
    with translation.override("en"):
        yield


def _parent_of_kind(tree, kind):
    if kind == K.SUB_COMMITTEE:
        return services.organization_create(
            parent=tree.g1,
            code="SUB",
            name="Đảng bộ bộ phận",
            kind=K.SUB_COMMITTEE,
            sector=Sector.OTHER,
            established_on=datetime.date(2001, 1, 1),
        )
    return {
        K.PROVINCE: tree.p,
        K.UPPER: tree.d1,
        K.GRASSROOTS_COMMITTEE: tree.g1,
        K.GRASSROOTS_CELL: tree.g2,
        K.CELL: tree.c1,
    }[kind]


def _create(parent, kind, code="NEW", established_on=ON):
    return services.organization_create(
        parent=parent,
        code=code,
        name=f"Tổ chức {code}",
        kind=kind,
        sector=Sector.OTHER,
        established_on=established_on,
    )


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


# --- the parent-kind table -------------------------------------------------------------


@pytest.mark.parametrize(("parent_kind", "kind"), ALLOWED_PAIRS)
def test_allowed_child_kind_is_created_under_parent(tree, parent_kind, kind):
    parent = _parent_of_kind(tree, parent_kind)

    org = _create(parent, kind)

    org.refresh_from_db()
    assert org.kind == kind
    assert org.parent_kind == parent_kind
    assert Organization.objects.get_parent(org) == parent
    assert org.path.startswith(parent.path)
    assert org.depth == parent.depth + 1


@pytest.mark.parametrize(("parent_kind", "kind"), DISALLOWED_PAIRS)
def test_disallowed_child_kind_is_refused_and_nothing_created(tree, parent_kind, kind):
    parent = _parent_of_kind(tree, parent_kind)
    orgs_before = Organization.objects.count()
    events_before = OrganizationEvent.objects.count()

    with pytest.raises(DomainError) as excinfo:
        _create(parent, kind)

    assert "kind" in excinfo.value.message_dict
    assert not Organization.objects.filter(code="NEW").exists()
    assert Organization.objects.count() == orgs_before
    assert OrganizationEvent.objects.count() == events_before


@pytest.mark.parametrize("kind", [k for k in K.values if k != K.PROVINCE])
def test_root_other_than_province_is_refused(db, kind):
    with pytest.raises(DomainError) as excinfo:
        _create(None, kind)

    assert "kind" in excinfo.value.message_dict
    assert Organization.objects.count() == 0


def test_province_is_created_as_root(db):
    org = _create(None, K.PROVINCE)

    org.refresh_from_db()
    assert org.is_root()
    assert org.depth == 1
    assert org.parent_kind == ""


@pytest.mark.parametrize(
    ("parent_code", "kind"),
    [("D1", K.CELL), ("C1", K.CELL), ("G1", K.UPPER), ("P", K.SUB_COMMITTEE), ("G2", K.CELL)],
)
def test_database_refuses_disallowed_pair_when_bypassing_the_service(tree, parent_code, kind):
    parent = Organization.objects.get(code=parent_code)
    bad = Organization(
        code="BAD",
        name="Bad",
        kind=kind,
        parent_kind=parent.kind,
        sector=Sector.OTHER,
        established_on=ON,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.add_child(parent, instance=bad)

    assert not Organization.objects.filter(code="BAD").exists()


def test_database_refuses_a_cell_as_root_when_bypassing_the_service(db):
    bad = Organization(code="BAD", name="Bad", kind=K.CELL, established_on=ON)

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.add_root(instance=bad)

    assert not Organization.objects.exists()


def test_child_refused_when_parent_not_yet_established(tree):
    with pytest.raises(DomainError) as excinfo:
        _create(tree.g1, K.CELL, established_on=datetime.date(1999, 12, 31))

    assert "established_on" in excinfo.value.message_dict
    assert not Organization.objects.filter(code="NEW").exists()


def test_child_refused_when_parent_closed_on_that_date(tree):
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2010, 1, 1))
    services.organization_dissolve(organization=tree.c1, on=datetime.date(2010, 1, 1))
    services.organization_dissolve(organization=tree.g1, on=datetime.date(2012, 1, 1))

    with pytest.raises(DomainError) as excinfo:
        _create(tree.g1, K.CELL, established_on=datetime.date(2012, 1, 1))

    assert "established_on" in excinfo.value.message_dict
    assert not Organization.objects.filter(code="NEW").exists()


def test_disallowed_child_message_names_both_kinds(english, tree):
    with pytest.raises(DomainError) as excinfo:
        _create(tree.d1, K.CELL)

    message = excinfo.value.message_dict["kind"][0]
    assert str(K.CELL.label) in message
    assert str(K.UPPER.label) in message


# --- querysets -------------------------------------------------------------------------


def test_in_subtree_returns_the_organization_and_all_descendants(tree):
    assert _codes(Organization.objects.all().in_subtree(tree.d1)) == {"D1", "G1", "C1", "C2", "G2"}
    assert _codes(Organization.objects.all().in_subtree(tree.g3)) == {"G3", "C3"}
    assert _codes(Organization.objects.all().in_subtree(tree.c1)) == {"C1"}
    assert Organization.objects.all().in_subtree(tree.p).count() == 9


def test_in_subtree_does_not_include_siblings_whose_path_sorts_nearby(tree):
    # D1 and D2 are siblings: neither subtree may leak into the other.
    assert not _codes(Organization.objects.all().in_subtree(tree.d1)) & {"D2", "G3", "C3"}
    assert not _codes(Organization.objects.all().in_subtree(tree.d2)) & {"D1", "G1", "C1"}


def test_active_on_includes_the_founding_day_and_excludes_the_day_before(tree):
    new = _create(tree.g1, K.CELL, established_on=datetime.date(2010, 5, 1))

    assert new not in Organization.objects.all().active_on(datetime.date(2010, 4, 30))
    assert new in Organization.objects.all().active_on(datetime.date(2010, 5, 1))


def test_active_on_excludes_the_closing_day_and_includes_the_day_before(tree):
    closed_on = datetime.date(2020, 6, 1)
    services.organization_dissolve(organization=tree.c2, on=closed_on)

    assert tree.c2 in Organization.objects.all().active_on(datetime.date(2020, 5, 31))
    assert tree.c2 not in Organization.objects.all().active_on(closed_on)
    assert tree.c2 not in Organization.objects.all().active_on(datetime.date(2024, 1, 1))
    assert Organization.objects.all().active_on(closed_on).count() == 8


def test_is_active_on_agrees_with_active_on(tree):
    services.organization_dissolve(organization=tree.c2, on=datetime.date(2020, 6, 1))
    tree.c2.refresh_from_db()
    for day in (
        datetime.date(1999, 12, 31),
        datetime.date(2000, 1, 1),
        datetime.date(2020, 5, 31),
        datetime.date(2020, 6, 1),
    ):
        in_queryset = Organization.objects.all().active_on(day).filter(pk=tree.c2.pk).exists()
        assert tree.c2.is_active_on(day) is in_queryset, day


def test_grassroots_returns_grassroots_committees_and_grassroots_cells(tree):
    assert _codes(Organization.objects.all().grassroots()) == {"G1", "G2", "G3"}


def test_cells_returns_the_kinds_members_attach_to(tree):
    assert _codes(Organization.objects.all().cells()) == {"C1", "C2", "G2", "C3"}


def test_organization_manager_exposes_the_queryset_methods(tree, district_staff):
    # DESIGN.md section 7: user-facing reads start from Organization.objects.visible_to(user).
    assert _codes(Organization.objects.in_subtree(tree.g3)) == {"G3", "C3"}
    assert _codes(Organization.objects.grassroots()) == {"G1", "G2", "G3"}
    assert _codes(Organization.objects.cells()) == {"C1", "C2", "G2", "C3"}
    assert Organization.objects.active_on(ON).count() == 9
    assert _codes(Organization.objects.visible_to(district_staff)) == {"D1", "G1", "C1", "C2", "G2"}


def test_querysets_chain_subtree_grassroots_and_active_on(tree):
    services.organization_dissolve(organization=tree.g2, on=datetime.date(2020, 1, 1))
    active = Organization.objects.all().in_subtree(tree.d1).active_on(datetime.date(2021, 1, 1))

    assert _codes(active.grassroots()) == {"G1"}
    assert _codes(active.cells()) == {"C1", "C2"}
