"""Metrics of DESIGN.md section 5: members on a date, admissions, removals, reconciliation."""

import datetime

import pytest

from evaluation.models import RemovalForm
from members.choices import OrganizationKind as K
from members.models import MemberPlacement, Organization
from reports import metrics
from tests.factories import MemberFactory, OrganizationFactory

D = datetime.date
YEARS = [2019, 2020, 2021, 2022]


def numbers(r):
    return (
        r.start,
        r.admitted,
        r.transferred_in,
        r.transferred_out,
        r.removed,
        r.deceased,
        r.end,
    )


def test_members_on_counts_placements_covering_the_date(tree, history):
    assert metrics.members_on(tree.p, D(2020, 12, 31)) == 5
    assert metrics.members_on(tree.c1, D(2021, 5, 31)) == 3  # B, C and F
    assert metrics.members_on(tree.c1, D(2021, 6, 1)) == 2  # B left that day
    assert metrics.members_on(tree.p, D(2021, 12, 31)) == 4


def test_admissions_and_removals_in_year(tree, history):
    assert metrics.admissions_in_year(tree.p, 2019) == 5
    assert metrics.admissions_in_year(tree.d2, 2019) == 1
    assert metrics.admissions_in_year(tree.p, 2021) == 1
    assert metrics.removals_in_year(tree.p, 2021) == {RemovalForm.STRUCK_OFF: 1}
    assert metrics.removals_in_year(tree.d2, 2021) == {}


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        # start, admitted, in, out, removed, deceased, end
        ("p", (5, 1, 3, 3, 1, 1, 4)),
        ("d1", (4, 1, 3, 2, 1, 1, 4)),
        ("d2", (1, 0, 0, 1, 0, 0, 0)),
        ("c1", (3, 1, 1, 2, 1, 0, 2)),
        ("c2", (1, 0, 2, 0, 0, 1, 2)),
    ],
)
def test_reconciliation_of_2021(tree, history, org, expected):
    r = metrics.reconciliation(getattr(tree, org), 2021)

    assert numbers(r) == expected
    assert r.balanced


def test_reconciliation_holds_for_every_organization_and_year(tree, history):
    for org in Organization.objects.all():
        for year in YEARS:
            assert metrics.reconciliation(org, year).balanced, (org.code, year)


def test_reconciliation_detects_a_tampered_placement(tree, history):
    # F's placement now starts a year late: F is no member on 31/12/2021, yet admitted then.
    MemberPlacement.objects.filter(member=history.f).update(start_on=D(2022, 2, 1))

    r2021 = metrics.reconciliation(tree.c1, 2021)
    r2022 = metrics.reconciliation(tree.p, 2022)

    assert (r2021.expected_end, r2021.end, r2021.difference) == (2, 1, -1)
    assert (r2022.balanced, r2022.difference) == (False, 1)
    assert metrics.reconciliation(tree.d2, 2021).balanced


def test_reconciliation_table_matches_reconciliation(tree, history):
    orgs = list(Organization.objects.all())

    table = metrics.reconciliation_table(orgs, YEARS)

    assert len(table) == len(orgs) * len(YEARS)
    for org in orgs:
        for year in YEARS:
            assert table[(org.pk, year)] == metrics.reconciliation(org, year), (org.code, year)


def test_reconciliation_table_of_years_apart_and_a_subtree(tree, history):
    table = metrics.reconciliation_table([tree.d1, tree.c1], [2019, 2021])

    assert numbers(table[(tree.c1.pk, 2021)]) == (3, 1, 1, 2, 1, 0, 2)
    assert numbers(table[(tree.d1.pk, 2019)]) == (0, 4, 0, 0, 0, 0, 4)


def test_reconciliation_table_finds_the_tampered_placement(tree, history):
    MemberPlacement.objects.filter(member=history.f).update(start_on=D(2022, 2, 1))

    table = metrics.reconciliation_table(list(Organization.objects.all()), YEARS)

    bad = sorted((r.organization.code, r.year) for r in table.values() if not r.balanced)
    assert bad == [(code, y) for code in ["C1", "D1", "G1", "P"] for y in (2021, 2022)]


def test_reconciliation_table_query_count_does_not_grow(tree, history, django_assert_num_queries):
    orgs = list(Organization.objects.all())
    with django_assert_num_queries(2):
        metrics.reconciliation_table(orgs, YEARS)

    for i in range(6):
        cell = OrganizationFactory(parent=tree.g3, kind=K.CELL)
        MemberFactory(cell=cell, admission_decision_date=D(2010 + i, 1, 5))
    orgs = list(Organization.objects.all())
    with django_assert_num_queries(2):
        table = metrics.reconciliation_table(orgs, range(2005, 2026))
    assert all(r.balanced for r in table.values())
    assert len(table) == len(orgs) * 21
