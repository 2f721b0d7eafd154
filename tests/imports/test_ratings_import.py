"""Importing a year's member ratings: R9 not-rated cases, R10 ratio, R11 flags."""

import datetime

import pytest
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from evaluation.models import FlagGround, Grade, MemberRating, NotRatedReason, ScreeningFlag
from evaluation.services import exemption_start
from imports.models import ImportStatus
from tests.factories import MemberFactory

from .sheets import confirm, label, problems, upload, vi, workbook

YEAR = 2023


@pytest.fixture
def members(tree):
    return [MemberFactory(cell=tree.c1) for _ in range(6)]


def rating_row(member, grade="Hoàn thành tốt nhiệm vụ", **values):
    row = {
        "national_id": member.person.national_id,
        "full_name": member.person.full_name,
        "year": YEAR,
        "grade": grade,
    }
    row.update(values)
    return row


def _grade(grade):
    from django.utils import translation

    with translation.override("vi"):
        return str(grade.label)


def test_ratings_are_written_in_the_members_cell_with_history(district_staff, members, tree):
    rows = [rating_row(m, _grade(Grade.GOOD)) for m in members]
    job = confirm(upload(district_staff, "ratings", workbook("ratings", rows)), district_staff)
    assert (job.status, job.to_create) == (ImportStatus.DONE, 6), job.errors
    rating = MemberRating.objects.get(member=members[0])
    assert (rating.year, rating.grade, rating.cell, rating.rated_by) == (
        YEAR,
        Grade.GOOD,
        tree.c1,
        district_staff,
    )
    record = get_history_model_for_model(MemberRating).objects.filter(member=members[0]).get()
    assert record.history_change_reason == f"import #{job.pk}"

    again = upload(district_staff, "ratings", workbook("ratings", rows))
    assert (again.status, again.unchanged) == (ImportStatus.DONE, 6)


def test_members_admitted_recently_or_exempt_are_not_rated(district_staff, tree):
    recent = MemberFactory(cell=tree.c1, admission_decision_date=datetime.date(YEAR, 9, 1))
    exempt = MemberFactory(cell=tree.c1)
    exemption_start(
        member=exempt, start_on=datetime.date(YEAR, 3, 1), reason="Tuổi cao", actor=None
    )
    other = MemberFactory(cell=tree.c1)
    rows = [
        rating_row(recent, _grade(Grade.GOOD)),
        rating_row(exempt, _grade(Grade.NOT_RATED)),
        rating_row(other, _grade(Grade.NOT_RATED)),
    ]
    job = upload(district_staff, "ratings", workbook("ratings", rows))
    assert problems(job) == [
        (
            2,
            label("ratings", "grade"),
            vi(
                "%(name)s is not rated this year: %(reason)s.",
                name=recent.person.full_name,
                reason=vi(NotRatedReason.ADMITTED_RECENTLY.label),
            ),
        ),
        (4, label("ratings", "note"), vi("Give the reason for not rating in the note.")),
    ]


def test_scores_only_in_years_on_the_100_point_scale(district_staff, members):
    job = upload(district_staff, "ratings", workbook("ratings", [rating_row(members[0], score=90)]))
    assert [(r, c) for r, c, _m in problems(job)] == [(2, label("ratings", "score"))]


def test_unknown_member_wrong_name_future_year_and_cell_are_errors(district_staff, members):
    rows = [
        rating_row(members[0], national_id="099999999999"),
        rating_row(members[1], full_name="Người Khác"),
        rating_row(members[2], year=timezone.localdate().year + 1),
        rating_row(members[3], cell_code="C2"),
        rating_row(members[4], grade="Xuất sắc lắm"),
    ]
    job = upload(district_staff, "ratings", workbook("ratings", rows))
    assert [(r, c) for r, c, _m in problems(job)] == [
        (2, label("ratings", "national_id")),
        (3, label("ratings", "full_name")),
        (4, label("ratings", "year")),
        (5, label("ratings", "cell_code")),
        (6, label("ratings", "grade")),
    ]


def test_a_member_outside_the_scope_is_an_error(outsider, members):
    job = upload(outsider, "ratings", workbook("ratings", [rating_row(members[0])]))
    assert [(r, c) for r, c, _m in problems(job)] == [(2, label("ratings", "national_id"))]


def test_too_many_excellent_ratings_are_refused_r10(district_staff, members):
    rows = [rating_row(m, _grade(Grade.EXCELLENT)) for m in members[:2]]
    rows += [rating_row(m, _grade(Grade.GOOD)) for m in members[2:]]
    job = upload(district_staff, "ratings", workbook("ratings", rows))
    assert job.status == ImportStatus.INVALID
    [(row, column, message)] = problems(job)
    assert (row, column) == (None, label("ratings", "grade"))
    prefix = vi(
        "%(organization)s, %(year)d: %(problem)s",
        organization="Đảng bộ xã Đình Chu",
        year=YEAR,
        problem="",
    )
    assert message.startswith(prefix)
    assert "(2)" in message and "(4)" in message
    assert not MemberRating.objects.exists()


def test_two_years_not_completed_raise_a_screening_flag_r11(district_staff, members):
    member = members[0]
    rows = [
        rating_row(member, _grade(Grade.NOT_COMPLETED), year=YEAR - 1),
        rating_row(member, _grade(Grade.NOT_COMPLETED)),
    ]
    job = confirm(upload(district_staff, "ratings", workbook("ratings", rows)), district_staff)
    assert job.status == ImportStatus.DONE, job.errors
    flag = ScreeningFlag.objects.get(member=member)
    assert (flag.ground, flag.year) == (FlagGround.NOT_COMPLETED_TWO_YEARS, YEAR)
