"""An upper committee's yearly rating of its grassroots organizations (R9 for organizations)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from evaluation import services
from evaluation.models import Grade, NotRatedReason, OrganizationRating
from members.choices import OrganizationKind as K
from members.errors import DomainError
from tests.factories import OrganizationFactory

YEAR = 2024


def save(parent, grades, actor, year=YEAR):
    return services.rating_round_save_organizations(
        parent=parent,
        year=year,
        grades={o.pk: (g, None, "") for o, g in grades.items()},
        actor=actor,
    )


def young_grassroots(parent, established_on):
    return OrganizationFactory(parent=parent, kind=K.GRASSROOTS_CELL, established_on=established_on)


def test_round_lists_the_grassroots_organizations_of_the_committee(tree):
    rows = services.rating_round_organizations(tree.d1, YEAR)

    assert [r.organization for r in rows] == [tree.g1, tree.g2]
    assert all(r.must_rate for r in rows)


def test_organization_younger_than_six_months_is_not_rated(tree, district_staff):
    young = young_grassroots(tree.d1, datetime.date(YEAR, 7, 1))

    save(tree.d1, {tree.g1: Grade.GOOD, tree.g2: Grade.EXCELLENT}, district_staff)

    rating = OrganizationRating.objects.get(organization=young)
    assert (rating.grade, rating.not_rated_reason) == (
        Grade.NOT_RATED,
        NotRatedReason.ESTABLISHED_RECENTLY,
    )
    assert OrganizationRating.objects.count() == 3


def test_organization_six_months_old_is_rated(tree, district_staff):
    settled = young_grassroots(tree.d1, datetime.date(YEAR, 6, 30))

    save(tree.d1, {settled: Grade.GOOD}, district_staff)

    assert OrganizationRating.objects.get(organization=settled).grade == Grade.GOOD


def test_grade_for_young_organization_refused_and_nothing_saved(tree, district_staff):
    young = young_grassroots(tree.d1, datetime.date(YEAR, 9, 1))

    with pytest.raises(DomainError) as exc:
        save(tree.d1, {tree.g1: Grade.GOOD, young: Grade.GOOD}, district_staff)

    assert list(exc.value.message_dict) == [f"grade_{young.pk}"]
    assert OrganizationRating.objects.count() == 0


def test_organization_established_after_the_year_is_not_in_the_round(tree):
    young_grassroots(tree.d1, datetime.date(YEAR + 1, 2, 1))

    assert len(services.rating_round_organizations(tree.d1, YEAR)) == 2


def test_cell_is_not_rated_by_the_upper_committee(tree, district_staff):
    with pytest.raises(DomainError) as exc:
        save(tree.d1, {tree.c1: Grade.GOOD}, district_staff)

    assert f"grade_{tree.c1.pk}" in exc.value.message_dict


@pytest.mark.parametrize("persona", ["outsider", "cell_staff", "leader"])
def test_organization_round_refused_without_write_access_to_the_committee(tree, persona, request):
    with pytest.raises(PermissionDenied):
        save(tree.d1, {tree.g1: Grade.GOOD}, request.getfixturevalue(persona))

    assert OrganizationRating.objects.count() == 0


def test_organization_rating_correction_keeps_history(tree, district_staff):
    save(tree.d1, {tree.g1: Grade.GOOD}, district_staff)
    save(tree.d1, {tree.g1: Grade.EXCELLENT}, district_staff)

    rating = OrganizationRating.objects.get()
    assert rating.grade == Grade.EXCELLENT
    assert list(rating.history.order_by("history_date").values_list("grade", flat=True)) == [
        Grade.GOOD,
        Grade.EXCELLENT,
    ]
