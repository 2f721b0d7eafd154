"""The whole path through the services: stages, events, members, scope, forbidden steps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict

from members.choices import EventKind, MemberStatus
from members.errors import DomainError
from members.models import Member, MemberPlacement, MembershipEvent
from recruitment import services
from recruitment.choices import CloseOutcome, Stage
from recruitment.models import (
    Candidacy,
    CandidacyEvent,
    CourseAttendance,
    Introducer,
    TrainingCourse,
)
from tests.recruitment.factories import (
    DEFAULT,
    CandidacyFactory,
    TrainingCourseFactory,
    add_member_introducers,
    official_member,
    walk,
)

D = datetime.date


def snapshot():
    """Everything a pipeline step may write, to prove a refused step wrote nothing."""
    return {
        "candidacies": [model_to_dict(c) for c in Candidacy.objects.order_by("pk")],
        "events": CandidacyEvent.objects.count(),
        "attendances": [model_to_dict(a) for a in CourseAttendance.objects.order_by("pk")],
        "introducers": Introducer.objects.count(),
        "members": [model_to_dict(m) for m in Member.objects.order_by("pk")],
        "placements": [model_to_dict(p) for p in MemberPlacement.objects.order_by("pk")],
        "membership_events": MembershipEvent.objects.count(),
    }


def test_full_path_from_sourced_to_official(tree, district_staff):
    candidacy = CandidacyFactory(cell=tree.c1, actor=district_staff)
    candidacy = walk(candidacy, Stage.ADMITTED, actor=district_staff)
    member = candidacy.member
    assert member.status == MemberStatus.PROBATIONARY
    assert member.organization == tree.c1
    assert member.admission_decision_date == DEFAULT.decision_on
    assert member.ceremony_date == DEFAULT.ceremony_on
    placement = member.placements.get()
    assert (placement.cell, placement.start_on, placement.end_on) == (
        tree.c1,
        DEFAULT.decision_on,
        None,
    )
    admission = member.events.get(kind=EventKind.ADMISSION)
    assert admission.date == DEFAULT.decision_on
    assert admission.decision_number == candidacy.decision_number
    assert admission.actor == district_staff

    services.member_recognize_official(
        member=member,
        resolution_on=D(2024, 5, 24),
        decision_number="88-QĐ/HU",
        decision_on=D(2024, 6, 3),
        committee="Ban Thường vụ Huyện ủy Lập Thạch",
        actor=district_staff,
    )
    member.refresh_from_db()
    candidacy.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == D(2024, 5, 19)
    assert candidacy.stage == Stage.OFFICIAL
    assert candidacy.official_on == D(2024, 5, 19)
    assert list(candidacy.events.values_list("stage", flat=True)) == [
        Stage.SOURCED,
        Stage.COURSE_COMPLETED,
        Stage.DOSSIER_READY,
        Stage.CELL_RESOLUTION,
        Stage.COMMITTEE_APPROVAL,
        Stage.DECISION,
        Stage.ADMITTED,
        Stage.OFFICIAL,
    ]
    assert set(candidacy.events.values_list("actor", flat=True)) == {district_staff.pk}
    recognition = member.events.get(kind=EventKind.OFFICIAL_RECOGNITION)
    assert (recognition.date, recognition.decision_number) == (D(2024, 5, 19), "88-QĐ/HU")


def test_resolution_event_stores_votes_and_denominator(candidacy):
    candidacy = walk(candidacy, Stage.CELL_RESOLUTION, votes=(6, 9))
    assert (candidacy.resolution_yes_votes, candidacy.resolution_eligible) == (6, 9)
    event = candidacy.events.get(stage=Stage.CELL_RESOLUTION)
    assert (event.yes_votes, event.denominator, event.date) == (6, 9, DEFAULT.meeting_on)


def test_candidacy_create_writes_sourced_event(tree, cell_staff):
    candidacy = CandidacyFactory(cell=tree.c1, actor=cell_staff)
    event = candidacy.events.get()
    assert (event.stage, event.date, event.actor) == (Stage.SOURCED, DEFAULT.sourced_on, cell_staff)


def test_second_open_candidacy_for_a_person_refused(candidacy, tree):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.candidacy_create(person=candidacy.person, cell=tree.c2, sourced_on=D(2023, 2, 1))
    assert "person" in error.value.message_dict
    assert snapshot() == before


def test_new_candidacy_allowed_after_the_previous_was_withdrawn(candidacy, tree):
    services.candidacy_close(
        candidacy=candidacy, outcome=CloseOutcome.WITHDRAWN, on=D(2023, 2, 1), reason="Đi học xa"
    )
    again = services.candidacy_create(
        person=candidacy.person, cell=tree.c2, sourced_on=D(2023, 9, 1)
    )
    assert again.stage == Stage.SOURCED


def test_active_member_cannot_become_a_candidate(tree):
    member = official_member(tree.c1)
    with pytest.raises(DomainError) as error:
        services.candidacy_create(person=member.person, cell=tree.c1, sourced_on=D(2023, 1, 1))
    assert "person" in error.value.message_dict


def test_candidacy_must_be_in_a_cell(tree):
    from tests.factories import PersonFactory

    with pytest.raises(DomainError) as error:
        services.candidacy_create(person=PersonFactory(), cell=tree.g1, sourced_on=D(2023, 1, 1))
    assert "cell" in error.value.message_dict


def test_future_step_date_refused(candidacy):
    candidacy = walk(candidacy, Stage.COURSE_COMPLETED)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(DomainError) as error:
        services.candidacy_mark_dossier_ready(
            candidacy=candidacy,
            on=tomorrow,
            has_application=True,
            has_biography=True,
            background_check_done=True,
        )
    assert "on" in error.value.message_dict


def test_dossier_ready_requires_every_document(candidacy):
    candidacy = walk(candidacy, Stage.COURSE_COMPLETED)
    add_member_introducers(candidacy)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.candidacy_mark_dossier_ready(
            candidacy=candidacy,
            on=DEFAULT.dossier_on,
            has_application=True,
            has_biography=False,
            background_check_done=False,
        )
    assert set(error.value.message_dict) == {"has_biography", "background_check_done"}
    assert snapshot() == before


def test_course_certificates_recorded_for_the_whole_class(tree, district_staff):
    course = TrainingCourseFactory(organizer=tree.d1, actor=district_staff)
    a, b = CandidacyFactory(cell=tree.c1), CandidacyFactory(cell=tree.g2)
    services.course_record_certificates(
        course=course,
        certificates=[(a, "01/GCN", D(2023, 2, 15)), (b, "02/GCN", D(2023, 2, 15))],
        actor=district_staff,
    )
    for c in (a, b):
        c.refresh_from_db()
        assert c.stage == Stage.COURSE_COMPLETED
        assert c.certificate.course == course
        assert c.events.filter(stage=Stage.COURSE_COMPLETED).count() == 1


def test_course_certificates_all_or_nothing(tree, district_staff):
    course = TrainingCourseFactory(organizer=tree.d1, actor=district_staff)
    a, b = CandidacyFactory(cell=tree.c1), CandidacyFactory(cell=tree.g2)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.course_record_certificates(
            course=course,
            # The second certificate is dated before the course ended.
            certificates=[(a, "01/GCN", D(2023, 2, 15)), (b, "02/GCN", D(2023, 2, 5))],
            actor=district_staff,
        )
    assert "certificates" in error.value.message_dict
    assert snapshot() == before


def test_course_certificate_numbers_unique_in_the_batch(tree, district_staff):
    course = TrainingCourseFactory(organizer=tree.d1)
    a, b = CandidacyFactory(cell=tree.c1), CandidacyFactory(cell=tree.c2)
    with pytest.raises(DomainError):
        services.course_record_certificates(
            course=course,
            certificates=[(a, "01/GCN", D(2023, 2, 15)), (b, "01/GCN", D(2023, 2, 15))],
            actor=district_staff,
        )


def test_ceremony_creates_probationary_member_with_placement_and_event(candidacy):
    candidacy = walk(candidacy, Stage.DECISION)
    before_members = Member.objects.count()
    member = services.candidacy_hold_ceremony(candidacy=candidacy, on=DEFAULT.ceremony_on)
    assert Member.objects.count() == before_members + 1
    assert member.person == candidacy.person
    assert member.status == MemberStatus.PROBATIONARY
    assert member.probation_ends_on == D(2024, 5, 19)
    assert member.placements.get().start_on == DEFAULT.decision_on
    assert member.events.get().kind == EventKind.ADMISSION


def test_ceremony_before_decision_refused(candidacy):
    candidacy = walk(candidacy, Stage.DECISION)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.candidacy_hold_ceremony(
            candidacy=candidacy, on=DEFAULT.decision_on - datetime.timedelta(days=1)
        )
    assert "on" in error.value.message_dict
    assert snapshot() == before


def test_decision_before_approval_date_refused(candidacy):
    candidacy = walk(candidacy, Stage.COMMITTEE_APPROVAL)
    with pytest.raises(DomainError) as error:
        services.candidacy_record_decision(
            candidacy=candidacy,
            number="1-QĐ/HU",
            on=DEFAULT.approval_on - datetime.timedelta(days=1),
            committee="Huyện ủy",
        )
    assert "on" in error.value.message_dict


def test_decision_requires_number_and_committee(candidacy):
    candidacy = walk(candidacy, Stage.COMMITTEE_APPROVAL)
    with pytest.raises(DomainError) as error:
        services.candidacy_record_decision(
            candidacy=candidacy, number=" ", on=DEFAULT.decision_on, committee=""
        )
    assert set(error.value.message_dict) == {"number", "committee"}


def test_strike_off_when_not_recognized(candidacy):
    candidacy = walk(candidacy, Stage.ADMITTED)
    member = candidacy.member
    event = services.member_strike_off_not_recognized(
        member=member,
        on=D(2024, 6, 10),
        decision_number="90-QĐ/HU",
        committee="Ban Thường vụ Huyện ủy",
        reason="Không đủ tư cách đảng viên chính thức",
    )
    member.refresh_from_db()
    candidacy.refresh_from_db()
    assert (event.kind, event.subkind, event.date) == (
        EventKind.REMOVAL,
        services.STRUCK_OFF,
        D(2024, 6, 10),
    )
    assert member.status == MemberStatus.REMOVED
    assert member.ended_on == D(2024, 6, 10)
    assert member.placements.get().end_on == D(2024, 6, 10)
    assert candidacy.stage == Stage.STRUCK_OFF
    assert candidacy.events.filter(stage=Stage.STRUCK_OFF).exists()


def test_strike_off_before_probation_ends_refused(candidacy):
    candidacy = walk(candidacy, Stage.ADMITTED)
    before = snapshot()
    with pytest.raises(DomainError):
        services.member_strike_off_not_recognized(
            member=candidacy.member,
            on=D(2024, 5, 18),
            decision_number="90-QĐ/HU",
            committee="Huyện ủy",
        )
    assert snapshot() == before


def test_close_writes_event_and_frees_the_person(candidacy):
    candidacy = walk(candidacy, Stage.DOSSIER_READY)
    services.candidacy_close(
        candidacy=candidacy,
        outcome=CloseOutcome.REJECTED,
        on=D(2023, 4, 1),
        reason="Thẩm tra lý lịch không đạt",
    )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.REJECTED
    assert candidacy.closed_reason == "Thẩm tra lý lịch không đạt"
    assert candidacy.events.last().stage == Stage.REJECTED


def test_close_requires_a_reason_and_a_date_after_the_last_step(candidacy):
    candidacy = walk(candidacy, Stage.DOSSIER_READY)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        services.candidacy_close(
            candidacy=candidacy, outcome=CloseOutcome.WITHDRAWN, on=D(2023, 3, 1), reason=" "
        )
    assert set(error.value.message_dict) == {"on", "reason"}
    assert snapshot() == before


def test_admitted_candidacy_cannot_be_withdrawn(candidacy):
    candidacy = walk(candidacy, Stage.ADMITTED)
    before = snapshot()
    with pytest.raises(DomainError):
        services.candidacy_close(
            candidacy=candidacy, outcome=CloseOutcome.WITHDRAWN, on=D(2023, 6, 1), reason="x"
        )
    assert snapshot() == before


def test_candidacy_update_cell_refused_after_resolution(candidacy, tree):
    candidacy = walk(candidacy, Stage.CELL_RESOLUTION)
    with pytest.raises(DomainError):
        services.candidacy_update(candidacy=candidacy, fields={"cell": tree.c2})
    services.candidacy_update(candidacy=candidacy, fields={"note": "Ghi chú"})
    candidacy.refresh_from_db()
    assert (candidacy.cell, candidacy.note) == (tree.c1, "Ghi chú")


def test_candidacy_update_keeps_history(candidacy):
    services.candidacy_update(candidacy=candidacy, fields={"source_group": "TEACHER"})
    assert candidacy.history.count() == 2


# --- forbidden transitions -------------------------------------------------------------


def _resolution(c):
    services.candidacy_record_cell_resolution(
        candidacy=c, on=DEFAULT.meeting_on, yes_votes=8, eligible_members=10
    )


def _approval(c):
    services.candidacy_record_committee_approval(candidacy=c, on=DEFAULT.approval_on)


def _decision(c):
    services.candidacy_record_decision(
        candidacy=c, number="1-QĐ/HU", on=DEFAULT.decision_on, committee="Huyện ủy"
    )


def _ceremony(c):
    services.candidacy_hold_ceremony(candidacy=c, on=DEFAULT.ceremony_on)


def _dossier(c):
    services.candidacy_mark_dossier_ready(
        candidacy=c,
        on=DEFAULT.dossier_on,
        has_application=True,
        has_biography=True,
        background_check_done=True,
    )


def _introducer(c):
    from recruitment.choices import IntroducerKind

    services.introducer_add(
        candidacy=c,
        kind=IntroducerKind.MEMBER,
        member=Member.objects.get(organization__code="C2"),
        introduced_on=DEFAULT.introduced_on,
        alongside_since=D(2020, 1, 1),
    )


def _close(c):
    services.candidacy_close(
        candidacy=c, outcome=CloseOutcome.WITHDRAWN, on=DEFAULT.ceremony_on, reason="x"
    )


def _certificate(c):
    services.course_record_certificates(
        course=TrainingCourse.objects.get(name="Lớp kiểm tra"),
        certificates=[(c, "99/GCN", DEFAULT.certificate_on)],
    )


def _prepare(tree):
    """Rows a step needs that are not part of what it may write."""
    official_member(tree.c2)
    TrainingCourseFactory(organizer=tree.d1, name="Lớp kiểm tra")


@pytest.mark.parametrize(
    ("stage", "step"),
    [
        (Stage.SOURCED, _dossier),
        (Stage.SOURCED, _resolution),
        (Stage.COURSE_COMPLETED, _resolution),
        (Stage.DOSSIER_READY, _approval),
        (Stage.DOSSIER_READY, _decision),
        (Stage.CELL_RESOLUTION, _decision),  # C1 is under a grassroots committee
        (Stage.CELL_RESOLUTION, _ceremony),
        (Stage.CELL_RESOLUTION, _dossier),
        (Stage.CELL_RESOLUTION, _introducer),
        (Stage.CELL_RESOLUTION, _certificate),
        (Stage.COMMITTEE_APPROVAL, _approval),
        (Stage.COMMITTEE_APPROVAL, _resolution),
        (Stage.DECISION, _decision),
        (Stage.ADMITTED, _ceremony),
        (Stage.ADMITTED, _close),
    ],
)
def test_forbidden_transition_raises_and_changes_nothing(tree, candidacy, stage, step):
    candidacy = walk(candidacy, stage)
    _prepare(tree)
    before = snapshot()
    with pytest.raises(DomainError):
        step(candidacy)
    assert snapshot() == before


@pytest.mark.parametrize("step", [_dossier, _resolution, _decision, _ceremony, _close])
def test_closed_candidacy_accepts_no_step(tree, candidacy, step):
    _prepare(tree)
    services.candidacy_close(
        candidacy=candidacy, outcome=CloseOutcome.WITHDRAWN, on=D(2023, 1, 20), reason="x"
    )
    before = snapshot()
    with pytest.raises(DomainError):
        step(Candidacy.objects.get(pk=candidacy.pk))
    assert snapshot() == before


def test_recognizing_an_official_member_refused(candidacy):
    candidacy = walk(candidacy, Stage.ADMITTED)
    kwargs = dict(
        member=candidacy.member,
        resolution_on=D(2024, 5, 24),
        decision_number="1",
        decision_on=D(2024, 6, 3),
        committee="Huyện ủy",
    )
    services.member_recognize_official(**kwargs)
    before = snapshot()
    with pytest.raises(DomainError):
        services.member_recognize_official(**kwargs)
    assert snapshot() == before


# --- scope -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step", [_dossier, _resolution, _approval, _decision, _ceremony, _close, _introducer]
)
def test_outsider_gets_permission_denied(tree, candidacy, outsider, step):
    candidacy = walk(candidacy, Stage.COURSE_COMPLETED)
    _prepare(tree)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        _as(step, outsider)(candidacy)
    assert snapshot() == before


def _as(step, actor):
    """Run ``step`` with ``actor`` by patching the services it calls."""

    def run(candidacy):
        import functools
        from unittest import mock

        names = [
            "candidacy_mark_dossier_ready",
            "candidacy_record_cell_resolution",
            "candidacy_record_committee_approval",
            "candidacy_record_decision",
            "candidacy_hold_ceremony",
            "candidacy_close",
            "introducer_add",
        ]
        patches = [
            mock.patch.object(
                services, name, functools.partial(getattr(services, name), actor=actor)
            )
            for name in names
        ]
        for p in patches:
            p.start()
        try:
            step(candidacy)
        finally:
            for p in patches:
                p.stop()

    return run


def test_leader_cannot_write(candidacy, leader):
    with pytest.raises(PermissionDenied):
        services.candidacy_close(
            candidacy=candidacy,
            outcome=CloseOutcome.WITHDRAWN,
            on=D(2023, 2, 1),
            reason="x",
            actor=leader,
        )


def test_cell_staff_writes_in_own_cell_only(tree, cell_staff):
    CandidacyFactory(cell=tree.c1, actor=cell_staff)
    with pytest.raises(PermissionDenied):
        CandidacyFactory(cell=tree.c2, actor=cell_staff)


def test_outsider_cannot_recognize_a_member(candidacy, outsider):
    candidacy = walk(candidacy, Stage.ADMITTED)
    with pytest.raises(PermissionDenied):
        services.member_recognize_official(
            member=candidacy.member,
            resolution_on=D(2024, 5, 24),
            decision_number="1",
            decision_on=D(2024, 6, 3),
            committee="Huyện ủy",
            actor=outsider,
        )


def test_outsider_cannot_record_certificates_of_another_branch_course(tree, outsider):
    course = TrainingCourseFactory(organizer=tree.d1)
    c = CandidacyFactory(cell=tree.c3)
    with pytest.raises(PermissionDenied):
        services.course_record_certificates(
            course=course, certificates=[(c, "1", D(2023, 2, 15))], actor=outsider
        )


# --- events are append-only ------------------------------------------------------------


def test_candidacy_events_are_append_only(candidacy):
    event = candidacy.events.get()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# --- enrolment and introducers -----------------------------------------------------------


def test_cell_staff_enrolls_own_candidates_in_a_district_course(tree, cell_staff):
    course = TrainingCourseFactory(organizer=tree.d1)
    mine = CandidacyFactory(cell=tree.c1)
    services.course_enroll(course=course, candidacies=[mine], actor=cell_staff)
    services.course_enroll(course=course, candidacies=[mine], actor=cell_staff)
    assert CourseAttendance.objects.filter(course=course, candidacy=mine).count() == 1
    with pytest.raises(PermissionDenied):
        services.course_enroll(
            course=course, candidacies=[CandidacyFactory(cell=tree.c2)], actor=cell_staff
        )


def test_enrolled_candidates_get_certificates_from_the_organizer(tree, cell_staff, district_staff):
    course = TrainingCourseFactory(organizer=tree.d1)
    mine = CandidacyFactory(cell=tree.c1)
    services.course_enroll(course=course, candidacies=[mine], actor=cell_staff)
    with pytest.raises(PermissionDenied):
        services.course_record_certificates(
            course=course, certificates=[(mine, "1", D(2023, 2, 15))], actor=cell_staff
        )
    services.course_record_certificates(
        course=course, certificates=[(mine, "1", D(2023, 2, 15))], actor=district_staff
    )
    mine.refresh_from_db()
    assert mine.certificate.certificate_number == "1"


def test_introducer_removed_before_the_resolution(candidacy):
    candidacy = walk(candidacy, Stage.COURSE_COMPLETED)
    first, _second = add_member_introducers(candidacy)
    services.introducer_remove(introducer=first)
    assert candidacy.introducers.count() == 1
    assert first.history.count() == 2  # created, deleted


def test_introducer_cannot_be_removed_after_the_resolution(candidacy):
    candidacy = walk(candidacy, Stage.CELL_RESOLUTION)
    with pytest.raises(DomainError):
        services.introducer_remove(introducer=candidacy.introducers.first())
    assert candidacy.introducers.count() == 2
