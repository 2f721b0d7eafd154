"""The Party's admission rules R1-R4, R7 and R14: each test fails when its rule is broken."""

import datetime

import pytest

from members.choices import EventKind, MemberStatus
from members.errors import DomainError
from members.models import MembershipEvent
from recruitment import checks, services
from recruitment.choices import IntroducerKind, Stage
from recruitment.models import Candidacy
from tests.factories import MemberFactory, PersonFactory
from tests.recruitment.factories import (
    DEFAULT,
    CandidacyFactory,
    Timeline,
    TrainingCourseFactory,
    official_member,
    walk,
)

D = datetime.date
MEETING = DEFAULT.meeting_on  # 05/04/2023


def at_dossier(tree, **person):
    candidacy = CandidacyFactory(cell=tree.c1, person=PersonFactory(**person))
    return walk(candidacy, Stage.DOSSIER_READY)


def resolve(candidacy, on=MEETING, yes=8, total=10):
    return services.candidacy_record_cell_resolution(
        candidacy=candidacy, on=on, yes_votes=yes, eligible_members=total
    )


def errors_of(call, *args, **kwargs) -> dict:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message_dict


# --- R1: age at the cell meeting, in full months -----------------------------------------


def test_resolution_rejected_when_candidate_17_years_11_months_at_meeting(tree):
    candidacy = at_dossier(tree, date_of_birth=D(2005, 5, 5))
    assert "on" in errors_of(resolve, candidacy)
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.DOSSIER_READY


def test_resolution_rejected_the_day_before_the_18th_birthday(tree):
    candidacy = at_dossier(tree, date_of_birth=D(2005, 4, 6))
    assert "on" in errors_of(resolve, candidacy)


def test_resolution_accepted_at_exactly_18_years(tree):
    candidacy = at_dossier(tree, date_of_birth=D(2005, 4, 5))
    assert resolve(candidacy).stage == Stage.CELL_RESOLUTION


def test_resolution_accepted_at_exactly_60_years(tree):
    candidacy = at_dossier(tree, date_of_birth=D(1963, 4, 5))
    assert resolve(candidacy).stage == Stage.CELL_RESOLUTION


def test_resolution_over_60_refused_without_approval(tree):
    candidacy = at_dossier(tree, date_of_birth=D(1963, 3, 5))  # 60 years 1 month
    assert "on" in errors_of(resolve, candidacy)


def test_resolution_over_60_accepted_with_recorded_approval(tree):
    candidacy = at_dossier(tree, date_of_birth=D(1963, 3, 5))
    services.candidacy_record_over_age_approval(
        candidacy=candidacy, number="15-CV/TU", on=D(2023, 3, 20)
    )
    assert resolve(candidacy).stage == Stage.CELL_RESOLUTION


def test_resolution_over_60_refused_when_approval_dated_after_meeting(tree):
    candidacy = at_dossier(tree, date_of_birth=D(1963, 3, 5))
    services.candidacy_record_over_age_approval(
        candidacy=candidacy, number="15-CV/TU", on=MEETING + datetime.timedelta(days=1)
    )
    assert "on" in errors_of(resolve, candidacy)


def test_age_is_counted_in_months_not_years():
    # 17 years 11 months 30 days: a years-only count rounding up would let this pass.
    assert checks.check_age_at_meeting(date_of_birth=D(2005, 4, 6), meeting_on=MEETING)
    assert not checks.check_age_at_meeting(date_of_birth=D(2005, 4, 5), meeting_on=MEETING)


# --- R2: certificate valid 60 months on the meeting date -------------------------------


def with_certificate(tree, certificate_on):
    """A candidacy at DOSSIER_READY whose only certificate is dated ``certificate_on``."""
    candidacy = CandidacyFactory(cell=tree.c1)
    course = TrainingCourseFactory(
        organizer=tree.d1,
        start_on=certificate_on - datetime.timedelta(days=10),
        end_on=certificate_on,
    )
    services.course_record_certificates(
        course=course, certificates=[(candidacy, "GCN-OLD", certificate_on)]
    )
    return walk(candidacy, Stage.DOSSIER_READY)


def test_certificate_exactly_60_months_old_is_valid(tree):
    candidacy = with_certificate(tree, D(2018, 4, 5))
    assert resolve(candidacy).stage == Stage.CELL_RESOLUTION


def test_certificate_60_months_and_one_day_old_is_refused(tree):
    candidacy = with_certificate(tree, D(2018, 4, 4))
    message = errors_of(resolve, candidacy)["on"][0]
    assert "04/04/2018" in message


def test_certificate_predating_the_candidacy_moves_stage_from_sourcing_date(tree):
    candidacy = with_certificate(tree, D(2018, 4, 5))
    event = candidacy.events.get(stage=Stage.COURSE_COMPLETED)
    assert event.date == candidacy.sourced_on


def test_resolution_refused_without_certificate():
    assert checks.check_certificate_valid(certificate_on=None, meeting_on=MEETING)


def test_newer_certificate_replaces_an_expired_one(tree):
    candidacy = with_certificate(tree, D(2017, 1, 5))
    assert errors_of(resolve, candidacy)
    course = TrainingCourseFactory(
        organizer=tree.d1, start_on=D(2023, 3, 13), end_on=D(2023, 3, 17)
    )
    services.course_record_certificates(
        course=course, certificates=[(candidacy, "GCN-NEW", D(2023, 3, 20))]
    )
    assert resolve(Candidacy.objects.get(pk=candidacy.pk)).stage == Stage.CELL_RESOLUTION


# --- R3: introducers ---------------------------------------------------------------------


def at_course(tree, cell=None, **candidacy_fields):
    candidacy = CandidacyFactory(cell=cell or tree.c1, **candidacy_fields)
    return walk(candidacy, Stage.COURSE_COMPLETED)


ALONGSIDE_SINCE = D(2020, 1, 1)


def add_member(candidacy, member, introduced_on=DEFAULT.introduced_on, alongside=ALONGSIDE_SINCE):
    return services.introducer_add(
        candidacy=candidacy,
        kind=IntroducerKind.MEMBER,
        member=member,
        introduced_on=introduced_on,
        alongside_since=alongside,
    )


def mark_ready(candidacy, on=DEFAULT.dossier_on):
    return services.candidacy_mark_dossier_ready(
        candidacy=candidacy,
        on=on,
        has_application=True,
        has_biography=True,
        background_check_done=True,
    )


def test_introducer_probationary_on_introduction_date_refused(tree):
    candidacy = at_course(tree)
    probationary = MemberFactory(
        cell=tree.c1,
        status=MemberStatus.PROBATIONARY,
        admission_decision_date=D(2022, 6, 1),
        ceremony_date=D(2022, 6, 10),
    )
    assert "member" in errors_of(add_member, candidacy, probationary)
    assert not candidacy.introducers.exists()


def test_introducer_official_the_day_after_introduction_refused(tree):
    candidacy = at_course(tree)
    member = official_member(tree.c1, official_date=DEFAULT.introduced_on + datetime.timedelta(1))
    assert "member" in errors_of(add_member, candidacy, member)


def test_introducer_official_on_the_introduction_date_accepted(tree):
    candidacy = at_course(tree)
    member = official_member(tree.c1, official_date=DEFAULT.introduced_on)
    assert add_member(candidacy, member).member == member


def test_introducer_alongside_11_months_refused(tree):
    candidacy = at_course(tree)
    errors = errors_of(
        add_member, candidacy, official_member(tree.c1), alongside=D(2022, 4, 1)
    )  # 11 months before 01/03/2023
    assert "alongside_since" in errors


def test_introducer_alongside_exactly_12_months_accepted(tree):
    candidacy = at_course(tree)
    assert add_member(candidacy, official_member(tree.c1), alongside=D(2022, 3, 1))


def test_introducer_removed_member_refused(tree):
    from members.services import membership_end

    candidacy = at_course(tree)
    member = official_member(tree.c1)
    membership_end(
        member=member, on=D(2022, 1, 1), status=MemberStatus.REMOVED, event_kind=EventKind.REMOVAL
    )
    assert "member" in errors_of(add_member, candidacy, member)


def test_dossier_refused_with_one_member_introducer(tree):
    candidacy = at_course(tree)
    add_member(candidacy, official_member(tree.c1))
    assert "__all__" in errors_of(mark_ready, candidacy)


def test_dossier_refused_when_an_introducer_introduced_after_the_dossier_date(tree):
    candidacy = at_course(tree)
    add_member(candidacy, official_member(tree.c1))
    add_member(candidacy, official_member(tree.c1), introduced_on=D(2023, 3, 15))
    assert "__all__" in errors_of(mark_ready, candidacy, on=D(2023, 3, 10))
    assert mark_ready(candidacy, on=D(2023, 3, 15)).stage == Stage.DOSSIER_READY


def test_youth_union_member_needs_the_youth_union_executive(tree):
    candidacy = at_course(tree, is_youth_union_member=True, has_youth_union=True)
    add_member(candidacy, official_member(tree.c1))
    add_member(candidacy, official_member(tree.c1))
    assert "__all__" in errors_of(mark_ready, candidacy)
    services.introducer_add(
        candidacy=candidacy,
        kind=IntroducerKind.YOUTH_UNION_EXECUTIVE,
        name="BCH Đoàn xã Đình Chu (Bí thư Trần Văn Bình)",
        introduced_on=D(2023, 3, 2),
    )
    assert mark_ready(candidacy).stage == Stage.DOSSIER_READY


def test_trade_union_executive_refused_where_there_is_a_youth_union(tree):
    candidacy = at_course(tree, is_youth_union_member=True, has_youth_union=True)
    errors = errors_of(
        services.introducer_add,
        candidacy=candidacy,
        kind=IntroducerKind.TRADE_UNION_EXECUTIVE,
        name="BCH Công đoàn",
        introduced_on=D(2023, 3, 2),
    )
    assert "kind" in errors


def test_trade_union_executive_and_one_member_where_there_is_no_youth_union(tree):
    candidacy = at_course(tree, has_youth_union=False)
    add_member(candidacy, official_member(tree.c1))
    services.introducer_add(
        candidacy=candidacy,
        kind=IntroducerKind.TRADE_UNION_EXECUTIVE,
        name="BCH Công đoàn cơ sở Công ty May",
        introduced_on=D(2023, 3, 2),
    )
    assert mark_ready(candidacy).stage == Stage.DOSSIER_READY


def test_candidate_cannot_introduce_themselves(tree):
    candidacy = at_course(tree)
    assert checks.check_introducer(
        kind=IntroducerKind.MEMBER,
        member=official_member(tree.c1, person=candidacy.person),
        introduced_on=DEFAULT.introduced_on,
        alongside_since=D(2020, 1, 1),
        person_id=candidacy.person_id,
    )


def test_introducers_rechecked_at_the_meeting(tree):
    """An introducer who stopped being a member before introducing no longer counts."""
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.DOSSIER_READY)
    introducer = candidacy.introducers.first()
    member = introducer.member
    # Correct an error in the records: the member had left before the introduction.
    type(member).objects.filter(pk=member.pk).update(
        status=MemberStatus.REMOVED, ended_on=D(2023, 2, 1)
    )
    assert "__all__" in errors_of(resolve, candidacy)


# --- R4: two thirds of the eligible official members -----------------------------------


@pytest.mark.parametrize(
    ("yes", "total", "passes"),
    [
        (6, 9, True),
        (5, 8, False),
        (2, 3, True),
        (1, 2, False),
        (7, 11, False),
        (8, 12, True),
        (10, 15, True),
        (9, 14, False),
        (3, 3, True),
    ],
)
def test_resolution_two_thirds_threshold(tree, yes, total, passes):
    candidacy = at_dossier(tree)
    if passes:
        assert resolve(candidacy, yes=yes, total=total).stage == Stage.CELL_RESOLUTION
    else:
        assert "yes_votes" in errors_of(resolve, candidacy, yes=yes, total=total)
        assert Candidacy.objects.get(pk=candidacy.pk).resolution_on is None


def test_yes_votes_cannot_exceed_the_denominator(tree):
    candidacy = at_dossier(tree)
    assert "yes_votes" in errors_of(resolve, candidacy, yes=11, total=10)


def test_every_broken_rule_reported_at_once(tree):
    candidacy = at_dossier(tree, date_of_birth=D(2005, 5, 5))
    errors = errors_of(resolve, candidacy, yes=5, total=8)
    assert set(errors) == {"on", "yes_votes"}


# --- R4: the grassroots committee's approval -------------------------------------------


def test_committee_approval_required_under_a_grassroots_committee(tree):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.CELL_RESOLUTION)
    assert candidacy.needs_committee_approval
    with pytest.raises(DomainError):
        services.candidacy_record_decision(
            candidacy=candidacy, number="1-QĐ/HU", on=DEFAULT.decision_on, committee="Huyện ủy"
        )
    services.candidacy_record_committee_approval(candidacy=candidacy, on=DEFAULT.approval_on)
    services.candidacy_record_decision(
        candidacy=candidacy, number="1-QĐ/HU", on=DEFAULT.decision_on, committee="Huyện ủy"
    )
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.DECISION


def test_grassroots_cell_goes_straight_to_the_decision(school_candidacy):
    candidacy = walk(school_candidacy, Stage.CELL_RESOLUTION)
    assert not candidacy.needs_committee_approval
    with pytest.raises(DomainError):
        services.candidacy_record_committee_approval(candidacy=candidacy, on=DEFAULT.approval_on)
    services.candidacy_record_decision(
        candidacy=candidacy, number="1-QĐ/HU", on=DEFAULT.decision_on, committee="Huyện ủy"
    )
    assert Candidacy.objects.get(pk=candidacy.pk).stage == Stage.DECISION


def test_deciding_committee_default_is_the_committee_above_the_grassroots(tree, candidacy):
    assert candidacy.grassroots_organization == tree.g1
    assert candidacy.deciding_committee_default == tree.d1


# --- R7: official exactly 12 months after the ceremony --------------------------------


def admitted_member(tree, t=DEFAULT):
    return walk(CandidacyFactory(cell=tree.c1, sourced_on=t.sourced_on), Stage.ADMITTED, t).member


def test_official_date_exactly_12_months_after_ceremony_even_with_late_decision(tree):
    member = admitted_member(tree)  # ceremony 19/05/2023
    services.member_recognize_official(
        member=member,
        resolution_on=D(2024, 9, 2),
        decision_number="150-QĐ/HU",
        decision_on=D(2024, 10, 15),  # months late
        committee="Ban Thường vụ Huyện ủy",
    )
    member.refresh_from_db()
    assert member.official_date == D(2024, 5, 19)
    event = MembershipEvent.objects.get(member=member, kind=EventKind.OFFICIAL_RECOGNITION)
    assert event.date == D(2024, 5, 19)


def test_official_date_of_a_ceremony_on_31_january_falls_on_month_end(tree):
    t = Timeline().shifted(-120)  # ceremony 19/01/2023
    t = Timeline(**{**t.__dict__, "ceremony_on": D(2023, 1, 31)})
    member = admitted_member(tree, t)
    services.member_recognize_official(
        member=member,
        resolution_on=D(2024, 2, 1),
        decision_number="1",
        decision_on=D(2024, 2, 20),
        committee="Huyện ủy",
    )
    member.refresh_from_db()
    assert member.official_date == D(2024, 1, 31)


def test_recognition_review_before_probation_ends_refused(tree):
    member = admitted_member(tree)
    errors = errors_of(
        services.member_recognize_official,
        member=member,
        resolution_on=D(2024, 5, 18),
        decision_number="1",
        decision_on=D(2024, 6, 3),
        committee="Huyện ủy",
    )
    assert "resolution_on" in errors
    member.refresh_from_db()
    assert (member.status, member.official_date) == (MemberStatus.PROBATIONARY, None)


def test_recognition_decision_before_the_review_refused(tree):
    member = admitted_member(tree)
    errors = errors_of(
        services.member_recognize_official,
        member=member,
        resolution_on=D(2024, 5, 24),
        decision_number="1",
        decision_on=D(2024, 5, 23),
        committee="Huyện ủy",
    )
    assert "decision_on" in errors


# --- R14: re-admission only once ----------------------------------------------------------


def strike_off(member, on):
    services.member_strike_off_not_recognized(
        member=member, on=on, decision_number="9-QĐ/HU", committee="Huyện ủy"
    )


def test_readmission_allowed_once_and_the_second_refused(tree):
    first = Timeline().shifted(-3 * 365)  # ceremony in 2020
    member = admitted_member(tree, first)
    strike_off(member, first.probation_end + datetime.timedelta(days=30))

    second = Timeline()
    candidacy = CandidacyFactory(cell=tree.c2, person=member.person, sourced_on=second.sourced_on)
    candidacy = walk(candidacy, Stage.ADMITTED, second)
    member.refresh_from_db()
    assert candidacy.member == member
    assert member.status == MemberStatus.PROBATIONARY
    assert member.official_date is None
    assert member.ceremony_date == second.ceremony_on
    assert member.organization == tree.c2
    assert member.events.filter(kind=EventKind.ADMISSION).count() == 2
    assert member.placements.filter(end_on__isnull=True).get().start_on == second.decision_on

    strike_off(member, second.probation_end + datetime.timedelta(days=30))
    with pytest.raises(DomainError) as error:
        CandidacyFactory(cell=tree.c1, person=member.person, sourced_on=D(2024, 9, 1))
    assert "person" in error.value.message_dict


def test_readmission_refused_at_the_ceremony_when_already_readmitted(tree):
    first = Timeline().shifted(-3 * 365)
    member = admitted_member(tree, first)
    strike_off(member, first.probation_end + datetime.timedelta(days=30))
    candidacy = walk(
        CandidacyFactory(cell=tree.c2, person=member.person), Stage.DECISION, Timeline()
    )
    # A second admission found in the old paper records after the candidacy was opened.
    MembershipEvent.objects.create(
        member=member, kind=EventKind.ADMISSION, date=D(2008, 1, 1), organization=tree.c1
    )
    with pytest.raises(DomainError):
        services.candidacy_hold_ceremony(candidacy=candidacy, on=DEFAULT.ceremony_on)
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED


def test_deceased_person_cannot_be_readmitted(tree):
    from members.services import member_record_death

    member = official_member(tree.c1)
    member_record_death(member=member, on=D(2022, 1, 1))
    assert checks.check_readmission(member=member, on=D(2023, 1, 1))
