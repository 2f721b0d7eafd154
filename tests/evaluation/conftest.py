"""Fixtures of the evaluation tests: members in the shared tree, and a rating helper."""

import datetime

import pytest

from evaluation import services
from members.choices import MemberStatus
from tests.factories import MemberFactory

YEAR = 2024
LONG_AGO = datetime.date(2010, 3, 2)


@pytest.fixture
def make_member(tree):
    """``make_member(cell, admitted=..., status=...)``: a member registered in ``cell``."""

    def make(cell, *, admitted=LONG_AGO, status=MemberStatus.OFFICIAL, **fields):
        return MemberFactory(cell=cell, admission_decision_date=admitted, status=status, **fields)

    return make


@pytest.fixture
def make_members(make_member):
    def make(cell, count, **fields):
        return [make_member(cell, **fields) for _ in range(count)]

    return make


@pytest.fixture
def rate(admin_user):
    """``rate(cell, {member: grade}, year=2024)``: a round saved by an administrator.

    A grade may be a ``(grade, score, note)`` tuple.
    """

    def save(cell, grades: dict, *, year=YEAR, actor=admin_user):
        return services.rating_round_save_members(
            cell=cell,
            year=year,
            grades={m.pk: g if isinstance(g, tuple) else (g, None, "") for m, g in grades.items()},
            actor=actor,
        )

    return save
