"""A cell's yearly rating of its members: R9, R10, all-or-nothing, scope, corrections."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from evaluation import services
from evaluation.models import Grade, MemberRating, NotRatedReason, ScreeningFlag
from members.errors import DomainError
from members.services import member_transfer

YEAR = 2024
D = datetime.date


def snapshot():
    return {
        "ratings": list(
            MemberRating.objects.order_by("pk").values_list("pk", "grade", "score", "note")
        ),
        "history": MemberRating.history.count(),
        "flags": ScreeningFlag.objects.count(),
    }


def reasons(cell, year=YEAR):
    return {
        row.member.pk: row.not_rated_reason for row in services.rating_round_members(cell, year)
    }


# --- R9 --------------------------------------------------------------------------------


def test_member_admitted_five_months_before_year_end_is_not_rated(tree, make_member, rate):
    recent = make_member(tree.c1, admitted=D(YEAR, 7, 31))
    assert reasons(tree.c1) == {recent.pk: NotRatedReason.ADMITTED_RECENTLY}

    [rating] = rate(tree.c1, {})

    assert (rating.member_id, rating.grade, rating.not_rated_reason) == (
        recent.pk,
        Grade.NOT_RATED,
        NotRatedReason.ADMITTED_RECENTLY,
    )


def test_member_admitted_six_months_before_year_end_is_rated(tree, make_member, rate):
    member = make_member(tree.c1, admitted=D(YEAR, 6, 30))
    assert reasons(tree.c1) == {member.pk: ""}

    [rating] = rate(tree.c1, {member: Grade.GOOD})

    assert rating.grade == Grade.GOOD


def test_grade_for_recently_admitted_member_refused(tree, make_member, rate):
    settled = make_member(tree.c1)
    recent = make_member(tree.c1, admitted=D(YEAR, 7, 31))

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {settled: Grade.GOOD, recent: Grade.GOOD})

    assert list(exc.value.message_dict) == [f"grade_{recent.pk}"]
    assert MemberRating.objects.count() == 0


def test_member_exempt_during_the_year_is_not_rated(tree, make_member, rate, admin_user):
    exempt = make_member(tree.c1)
    exemption = services.exemption_start(
        member=exempt, start_on=D(YEAR, 3, 1), reason="Tuổi cao, sức yếu", actor=admin_user
    )
    services.exemption_end(exemption=exemption, end_on=D(YEAR, 6, 1), actor=admin_user)
    assert reasons(tree.c1) == {exempt.pk: NotRatedReason.EXEMPT}

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {exempt: Grade.EXCELLENT})
    assert f"grade_{exempt.pk}" in exc.value.message_dict

    [rating] = rate(tree.c1, {exempt: Grade.NOT_RATED})
    assert (rating.grade, rating.not_rated_reason) == (Grade.NOT_RATED, NotRatedReason.EXEMPT)


def test_member_exempt_only_in_earlier_years_is_rated(tree, make_member, admin_user):
    member = make_member(tree.c1)
    exemption = services.exemption_start(
        member=member, start_on=D(2021, 3, 1), reason="Ốm dài ngày", actor=admin_user
    )
    services.exemption_end(exemption=exemption, end_on=D(YEAR, 1, 1), actor=admin_user)

    assert reasons(tree.c1) == {member.pk: ""}
    assert reasons(tree.c1, YEAR - 1) == {member.pk: NotRatedReason.EXEMPT}


def test_not_rated_for_another_reason_needs_a_note(tree, make_member, rate):
    member = make_member(tree.c1)

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {member: Grade.NOT_RATED})
    assert list(exc.value.message_dict) == [f"note_{member.pk}"]

    [rating] = rate(tree.c1, {member: (Grade.NOT_RATED, None, "Nghỉ chữa bệnh 8 tháng")})
    assert rating.not_rated_reason == NotRatedReason.OTHER


def test_round_lists_members_in_the_cell_at_year_end(tree, make_member, admin_user):
    stays = make_member(tree.c1)
    leaves = make_member(tree.c1)
    member_transfer(member=leaves, to_cell=tree.c2, on=D(YEAR, 11, 1), actor=admin_user)

    assert list(reasons(tree.c1)) == [stays.pk]
    assert list(reasons(tree.c2)) == [leaves.pk]
    assert set(reasons(tree.c1, YEAR - 1)) == {stays.pk, leaves.pk}


def test_member_of_another_cell_refused(tree, make_member, rate):
    other = make_member(tree.c2)

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {other: Grade.GOOD})

    assert f"grade_{other.pk}" in exc.value.message_dict


def test_future_year_refused(tree, make_member, rate):
    member = make_member(tree.c1)

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {member: Grade.GOOD}, year=timezone.localdate().year + 1)

    assert "year" in exc.value.message_dict


def test_score_refused_before_the_100_point_scale(tree, make_member, rate):
    member = make_member(tree.c1)

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {member: (Grade.GOOD, 85, "")}, year=2024)

    assert list(exc.value.message_dict) == [f"score_{member.pk}"]


def test_score_kept_under_the_100_point_scale(tree, make_member, rate):
    member = make_member(tree.c1)

    with pytest.raises(DomainError):
        rate(tree.c1, {member: (Grade.GOOD, 101, "")}, year=2025)
    [rating] = rate(tree.c1, {member: (Grade.GOOD, 85, "")}, year=2025)

    assert rating.score == 85


# --- R10 -------------------------------------------------------------------------------


def test_two_excellent_of_ten_good_passes(tree, make_members, rate):
    good = make_members(tree.c1, 10)
    excellent = make_members(tree.c1, 2)

    rate(tree.c1, {m: Grade.GOOD for m in good} | {m: Grade.EXCELLENT for m in excellent})

    assert MemberRating.objects.filter(grade=Grade.EXCELLENT).count() == 2
    assert MemberRating.objects.count() == 12


def test_three_excellent_of_ten_good_refused_with_numbers_and_nothing_saved(
    tree, make_members, rate
):
    good = make_members(tree.c1, 10)
    excellent = make_members(tree.c1, 3)
    before = snapshot()

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {m: Grade.GOOD for m in good} | {m: Grade.EXCELLENT for m in excellent})

    [message] = exc.value.messages
    assert all(part in message for part in ("(3)", "20%", "(10)", " 2."))
    assert snapshot() == before == {"ratings": [], "history": 0, "flags": 0}


def test_correction_breaking_the_twenty_percent_rule_leaves_the_round_as_it_was(
    tree, make_members, rate
):
    good = make_members(tree.c1, 10)
    excellent = make_members(tree.c1, 2)
    rate(tree.c1, {m: Grade.GOOD for m in good} | {m: Grade.EXCELLENT for m in excellent})
    before = snapshot()

    with pytest.raises(DomainError) as exc:
        rate(tree.c1, {good[0]: Grade.EXCELLENT, good[1]: Grade.NOT_COMPLETED})

    assert "(3)" in exc.value.messages[0] and "(8)" in exc.value.messages[0]
    assert snapshot() == before


def test_twenty_percent_rule_counts_the_cells_of_a_grassroots_committee_together(
    tree, make_members, rate
):
    c1_good = make_members(tree.c1, 10)
    c1_excellent = make_members(tree.c1, 2)
    rate(tree.c1, {m: Grade.GOOD for m in c1_good} | {m: Grade.EXCELLENT for m in c1_excellent})
    [c2_excellent] = make_members(tree.c2, 1)

    with pytest.raises(DomainError) as exc:
        rate(tree.c2, {c2_excellent: Grade.EXCELLENT})

    assert "(3)" in exc.value.messages[0] and "(10)" in exc.value.messages[0]
    assert not MemberRating.objects.filter(cell=tree.c2).exists()


def test_twenty_percent_rule_does_not_mix_grassroots_organizations(tree, make_members, rate):
    c1_good = make_members(tree.c1, 10)
    c1_excellent = make_members(tree.c1, 2)
    rate(tree.c1, {m: Grade.GOOD for m in c1_good} | {m: Grade.EXCELLENT for m in c1_excellent})
    g2_good = make_members(tree.g2, 5)
    [g2_excellent] = make_members(tree.g2, 1)

    rate(tree.g2, {m: Grade.GOOD for m in g2_good} | {g2_excellent: Grade.EXCELLENT})

    assert MemberRating.objects.filter(cell=tree.g2, grade=Grade.EXCELLENT).count() == 1


def test_one_excellent_without_any_good_refused(tree, make_member, rate):
    member = make_member(tree.g2)

    with pytest.raises(DomainError):
        rate(tree.g2, {member: Grade.EXCELLENT})


# --- scope -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "leader"])
def test_round_refused_to_users_who_may_not_write_on_the_cell(tree, make_member, persona, request):
    member = make_member(tree.c1)
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.rating_round_save_members(
            cell=tree.c1, year=YEAR, grades={member.pk: (Grade.GOOD, None, "")}, actor=actor
        )

    assert MemberRating.objects.count() == 0


@pytest.mark.parametrize("persona", ["cell_staff", "district_staff"])
def test_round_saved_by_staff_of_the_cell_or_above(tree, make_member, persona, request):
    member = make_member(tree.c1)
    actor = request.getfixturevalue(persona)

    services.rating_round_save_members(
        cell=tree.c1, year=YEAR, grades={member.pk: (Grade.GOOD, None, "")}, actor=actor
    )

    assert MemberRating.objects.get().rated_by == actor


# --- corrections and queries -----------------------------------------------------------


def test_correction_keeps_history(tree, make_member, rate, cell_staff):
    member = make_member(tree.c1)
    rate(tree.c1, {member: Grade.GOOD})

    rate(tree.c1, {member: (Grade.COMPLETED, None, "Sửa theo biên bản")}, actor=cell_staff)

    rating = MemberRating.objects.get()
    assert (rating.grade, rating.note, rating.rated_by) == (
        Grade.COMPLETED,
        "Sửa theo biên bản",
        cell_staff,
    )
    history = list(rating.history.order_by("history_date").values_list("grade", "history_type"))
    assert history == [(Grade.GOOD, "+"), (Grade.COMPLETED, "~")]
    assert rating.history.latest().history_user == cell_staff


def test_saving_the_same_grades_again_writes_nothing(tree, make_member, rate):
    member = make_member(tree.c1)
    rate(tree.c1, {member: Grade.GOOD})

    assert rate(tree.c1, {member: Grade.GOOD}) == []
    assert MemberRating.history.count() == 1


def test_round_rows_take_two_queries_whatever_the_cell_size(
    tree, make_members, rate, admin_user, django_assert_num_queries
):
    members = make_members(tree.c1, 3)
    rate(tree.c1, {m: Grade.GOOD for m in members})
    with django_assert_num_queries(2):
        rows = services.rating_round_members(tree.c1, YEAR)
        assert [r.rating.grade for r in rows] == [Grade.GOOD] * 3

    more = make_members(tree.c1, 12)
    services.exemption_start(
        member=more[0], start_on=D(YEAR, 2, 1), reason="Tuổi cao", actor=admin_user
    )
    with django_assert_num_queries(2):
        rows = services.rating_round_members(tree.c1, YEAR)
        assert len([r.member.person.full_name for r in rows if r.rating]) == 3
    assert len(rows) == 15


def test_round_save_query_count_does_not_grow_with_the_cell(
    tree, make_members, admin_user, django_assert_max_num_queries
):
    def save(members):
        grades = {m.pk: (Grade.COMPLETED, None, "") for m in members}
        services.rating_round_save_members(cell=tree.c1, year=YEAR, grades=grades, actor=admin_user)

    small = make_members(tree.c1, 2)
    with django_assert_max_num_queries(12) as small_queries:
        save(small)
    large = make_members(tree.c1, 20)
    with django_assert_max_num_queries(len(small_queries)):
        save(small + large)
