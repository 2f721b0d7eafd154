"""Screening flags: R11 (two years NOT_COMPLETED), overdue probation, staff-recorded grounds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from evaluation import services
from evaluation.models import FlagGround, Grade, ScreeningFlag
from members.choices import MemberStatus
from members.errors import DomainError

D = datetime.date


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.c1)


def flags():
    return list(ScreeningFlag.objects.values_list("member_id", "ground", "year"))


# --- R11 -------------------------------------------------------------------------------


def test_not_completed_two_years_running_raises_a_flag(tree, member, rate):
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2024)

    assert flags() == [(member.pk, FlagGround.NOT_COMPLETED_TWO_YEARS, 2024)]
    assert ScreeningFlag.objects.get().is_open


def test_not_completed_one_year_raises_no_flag(tree, member, rate):
    rate(tree.c1, {member: Grade.COMPLETED}, year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2024)

    assert flags() == []


def test_not_completed_in_years_apart_raises_no_flag(tree, member, rate):
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2022)
    rate(tree.c1, {member: Grade.COMPLETED}, year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2024)

    assert flags() == []


def test_flag_raised_once_when_the_round_is_saved_again(tree, member, make_member, rate):
    other = make_member(tree.c1)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2024)

    rate(tree.c1, {member: Grade.NOT_COMPLETED, other: Grade.GOOD}, year=2024)

    assert len(flags()) == 1


def test_flag_raised_when_the_earlier_year_is_corrected(tree, member, rate):
    rate(tree.c1, {member: Grade.COMPLETED}, year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2024)

    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=2023)

    assert flags() == [(member.pk, FlagGround.NOT_COMPLETED_TWO_YEARS, 2024)]


# --- overdue probation ------------------------------------------------------------------


def test_probation_without_recognition_flagged_after_the_review_deadline(tree, make_member):
    probationary = make_member(
        tree.c1,
        admitted=D(2024, 1, 2),
        status=MemberStatus.PROBATIONARY,
        ceremony_date=D(2024, 1, 10),
    )
    make_member(tree.c1)  # official: never flagged

    # Probation ends 10/01/2025; the cell has 30 working days (Tết included) to review it.
    assert (
        services.flags_raise_probation_not_recognized(organization=tree.p, on=D(2025, 2, 20)) == []
    )
    services.flags_raise_probation_not_recognized(organization=tree.p, on=D(2025, 4, 1))
    services.flags_raise_probation_not_recognized(organization=tree.p, on=D(2025, 5, 1))

    assert flags() == [(probationary.pk, FlagGround.PROBATION_NOT_RECOGNIZED, 2025)]


# --- staff-recorded flags and resolution -----------------------------------------------


def test_staff_records_a_flag_with_its_detail(member, cell_staff):
    flag = services.flag_record(
        member=member, detail="Vi phạm chính sách dân số", actor=cell_staff, on=D(2024, 5, 2)
    )

    assert (flag.ground, flag.year, flag.raised_by, flag.is_open) == (
        FlagGround.STAFF_RECORDED,
        2024,
        cell_staff,
        True,
    )


def test_staff_flag_requires_a_detail(member, cell_staff):
    with pytest.raises(DomainError) as exc:
        services.flag_record(member=member, detail="", actor=cell_staff)

    assert "detail" in exc.value.message_dict
    assert ScreeningFlag.objects.count() == 0


def test_outsider_cannot_record_a_flag(member, outsider):
    with pytest.raises(PermissionDenied):
        services.flag_record(member=member, detail="x", actor=outsider)


def test_flag_resolved_with_the_action_taken(member, cell_staff):
    flag = services.flag_record(member=member, detail="Bỏ sinh hoạt", actor=cell_staff)

    services.flag_resolve(flag=flag, action_taken="Chi bộ đã giúp đỡ, tiến bộ", actor=cell_staff)

    flag.refresh_from_db()
    assert (flag.is_open, flag.action_taken, flag.resolved_by) == (
        False,
        "Chi bộ đã giúp đỡ, tiến bộ",
        cell_staff,
    )
    assert flag.history.count() == 2
    with pytest.raises(DomainError):
        services.flag_resolve(flag=flag, action_taken="lần nữa", actor=cell_staff)


def test_flag_resolution_requires_the_action(member, cell_staff):
    flag = services.flag_record(member=member, detail="Bỏ sinh hoạt", actor=cell_staff)

    with pytest.raises(DomainError) as exc:
        services.flag_resolve(flag=flag, action_taken=" ", actor=cell_staff)

    assert "action_taken" in exc.value.message_dict
    flag.refresh_from_db()
    assert flag.is_open
