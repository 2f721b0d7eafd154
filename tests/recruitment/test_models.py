"""Database constraints, scoping querysets and the admin of the recruitment app."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from recruitment.choices import IntroducerKind, Stage
from recruitment.models import Candidacy, CourseAttendance, Introducer
from tests.recruitment.factories import CandidacyFactory, TrainingCourseFactory, walk

D = datetime.date


def integrity_error(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        call()


# --- constraints -------------------------------------------------------------------------


def test_one_open_candidacy_per_person_in_the_database(candidacy, tree):
    integrity_error(
        lambda: Candidacy.objects.create(
            person=candidacy.person, cell=tree.c2, sourced_on=D(2023, 2, 1)
        )
    )


def test_closed_candidacies_do_not_block_a_new_one(candidacy, tree):
    Candidacy.objects.filter(pk=candidacy.pk).update(
        stage=Stage.WITHDRAWN, closed_on=D(2023, 2, 1), closed_reason="x"
    )
    Candidacy.objects.create(person=candidacy.person, cell=tree.c2, sourced_on=D(2023, 3, 1))


def test_yes_votes_above_denominator_refused_by_the_database(candidacy):
    integrity_error(
        lambda: Candidacy.objects.filter(pk=candidacy.pk).update(
            resolution_yes_votes=10, resolution_eligible=9
        )
    )


def test_zero_denominator_refused_by_the_database(candidacy):
    integrity_error(
        lambda: Candidacy.objects.filter(pk=candidacy.pk).update(
            resolution_yes_votes=0, resolution_eligible=0
        )
    )


def test_admitted_without_member_refused_by_the_database(candidacy):
    integrity_error(lambda: Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.ADMITTED))


def test_closed_without_reason_refused_by_the_database(candidacy):
    integrity_error(
        lambda: Candidacy.objects.filter(pk=candidacy.pk).update(
            stage=Stage.REJECTED, closed_on=D(2023, 2, 1)
        )
    )


def test_course_attendance_unique_per_course_and_candidacy(candidacy, tree):
    course = TrainingCourseFactory(organizer=tree.d1)
    CourseAttendance.objects.create(course=course, candidacy=candidacy)
    integrity_error(lambda: CourseAttendance.objects.create(course=course, candidacy=candidacy))


def test_certificate_needs_number_and_date(candidacy, tree):
    course = TrainingCourseFactory(organizer=tree.d1)
    integrity_error(
        lambda: CourseAttendance.objects.create(
            course=course, candidacy=candidacy, certificate_number="1"
        )
    )


def test_member_introducer_needs_a_member(candidacy):
    integrity_error(
        lambda: Introducer.objects.create(
            candidacy=candidacy, kind=IntroducerKind.MEMBER, introduced_on=D(2023, 3, 1)
        )
    )


def test_course_cannot_end_before_it_starts(tree):
    from members.errors import DomainError

    with pytest.raises(DomainError) as error:
        TrainingCourseFactory(organizer=tree.d1, start_on=D(2023, 3, 1), end_on=D(2023, 2, 1))
    assert error.value.messages


def test_candidacy_history_is_kept(candidacy):
    walk(candidacy, Stage.COURSE_COMPLETED)
    assert candidacy.history.count() >= 2


# --- scope -------------------------------------------------------------------------------


def test_candidacies_visible_to_personas(tree, district_staff, cell_staff, leader, outsider):
    c1 = CandidacyFactory(cell=tree.c1)
    c2 = CandidacyFactory(cell=tree.c2)
    c3 = CandidacyFactory(cell=tree.c3)
    assert set(Candidacy.objects.visible_to(district_staff)) == {c1, c2}
    assert set(Candidacy.objects.visible_to(cell_staff)) == {c1}
    assert set(Candidacy.objects.visible_to(leader)) == {c1, c2, c3}
    assert set(Candidacy.objects.visible_to(outsider)) == {c3}
    assert set(Candidacy.objects.writable_by(leader)) == set()
    assert set(Candidacy.objects.in_subtree(tree.g1)) == {c1, c2}


def test_candidacy_search_ignores_accents(tree):
    from tests.factories import PersonFactory

    c = CandidacyFactory(cell=tree.c1, person=PersonFactory(full_name="Trần Thị Đào"))
    CandidacyFactory(cell=tree.c1)
    assert list(Candidacy.objects.search("tran thi dao")) == [c]


def test_open_and_at_stage(candidacy, tree):
    other = walk(CandidacyFactory(cell=tree.c2), Stage.COURSE_COMPLETED)
    assert set(Candidacy.objects.open()) == {candidacy, other}
    assert list(Candidacy.objects.at_stage(Stage.COURSE_COMPLETED)) == [other]
    assert Candidacy.objects.stage_counts() == {Stage.SOURCED: 1, Stage.COURSE_COMPLETED: 1}


def test_courses_visible_in_scope_and_above(tree, cell_staff, outsider):
    from recruitment.models import TrainingCourse

    district = TrainingCourseFactory(organizer=tree.d1)
    commune = TrainingCourseFactory(organizer=tree.g1)
    other = TrainingCourseFactory(organizer=tree.d2)
    province = TrainingCourseFactory(organizer=tree.p)
    assert set(TrainingCourse.objects.visible_to(cell_staff)) == {district, commune, province}
    assert set(TrainingCourse.objects.visible_to(outsider)) == {other, province}


# --- admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client_logged(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_candidacy_pages(admin_client_logged, candidacy, django_assert_max_num_queries):
    walk(candidacy, Stage.COURSE_COMPLETED)
    for _ in range(5):
        CandidacyFactory(cell=candidacy.cell)
    url = reverse("admin:recruitment_candidacy_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client_logged.get(url, {"q": "nguyen van"})
    assert response.status_code == 200
    assert candidacy.person.full_name in response.content.decode()
    change = reverse("admin:recruitment_candidacy_change", args=[candidacy.pk])
    assert admin_client_logged.get(change).status_code == 200
    add = reverse("admin:recruitment_candidacy_add")
    assert admin_client_logged.get(add).status_code == 403


def test_admin_edits_only_descriptive_fields_through_the_service(admin_client_logged, candidacy):
    change = reverse("admin:recruitment_candidacy_change", args=[candidacy.pk])
    response = admin_client_logged.post(
        change,
        {
            "source_group": "TEACHER",
            "note": "Sửa",
            "stage": Stage.OFFICIAL,
            "introducers-TOTAL_FORMS": "0",
            "introducers-INITIAL_FORMS": "0",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    candidacy.refresh_from_db()
    assert (candidacy.source_group, candidacy.note, candidacy.stage) == (
        "TEACHER",
        "Sửa",
        Stage.SOURCED,
    )


def test_admin_event_and_course_pages(admin_client_logged, candidacy, tree):
    TrainingCourseFactory(organizer=tree.d1)
    for name in ("candidacyevent", "trainingcourse"):
        url = reverse(f"admin:recruitment_{name}_changelist")
        assert admin_client_logged.get(url).status_code == 200
    event = candidacy.events.get()
    url = reverse("admin:recruitment_candidacyevent_change", args=[event.pk])
    assert admin_client_logged.get(url).status_code == 200
    assert admin_client_logged.post(url, {"note": "x"}).status_code == 403
