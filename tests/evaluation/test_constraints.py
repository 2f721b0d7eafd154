"""Database constraints of the evaluation models: the last guard behind the services."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from evaluation import services
from evaluation.models import (
    FlagGround,
    Grade,
    MemberRating,
    NotRatedReason,
    OrganizationRating,
    ScreeningFlag,
)


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.c1)


def rating(member, **fields):
    return MemberRating(member=member, year=2024, cell=member.organization, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"grade": Grade.NOT_RATED},
        {"grade": Grade.GOOD, "not_rated_reason": NotRatedReason.EXEMPT},
        {"grade": Grade.NOT_RATED, "not_rated_reason": NotRatedReason.OTHER},
        {"grade": Grade.NOT_RATED, "not_rated_reason": NotRatedReason.ESTABLISHED_RECENTLY},
        {"grade": Grade.GOOD, "score": 101},
        {"grade": Grade.NOT_RATED, "not_rated_reason": NotRatedReason.EXEMPT, "score": 50},
    ],
)
def test_member_rating_check_constraints(member, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        rating(member, **fields).save()


def test_one_rating_per_member_and_year(member):
    rating(member, grade=Grade.GOOD).save()

    with pytest.raises(IntegrityError), transaction.atomic():
        rating(member, grade=Grade.COMPLETED).save()


def test_organization_rating_reason_must_fit_organizations(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationRating.objects.create(
            organization=tree.g1,
            year=2024,
            grade=Grade.NOT_RATED,
            not_rated_reason=NotRatedReason.ADMITTED_RECENTLY,
        )


def test_rule_flag_once_per_member_and_year(member):
    common = {"member": member, "ground": FlagGround.NOT_COMPLETED_TWO_YEARS, "year": 2024}
    ScreeningFlag.objects.create(raised_on=datetime.date(2025, 1, 5), **common)

    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningFlag.objects.create(raised_on=datetime.date(2025, 1, 6), **common)


def test_flag_resolved_only_with_an_action(member, admin_user):
    flag = services.flag_record(member=member, detail="x", actor=admin_user)
    flag.resolved_on = flag.raised_on

    with pytest.raises(IntegrityError), transaction.atomic():
        flag.save()
