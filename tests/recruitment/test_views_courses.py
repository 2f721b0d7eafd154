"""Party-awareness courses: list, create, detail, enrollment and the class's certificates."""

import datetime

import pytest
from django.urls import reverse

from recruitment.choices import Stage
from recruitment.models import CourseAttendance, TrainingCourse
from tests.recruitment.factories import CandidacyFactory, TrainingCourseFactory, walk

D = datetime.date
LIST = reverse("recruitment:courses")
CREATE = reverse("recruitment:course_create")


def _url(name, course):
    return reverse(f"recruitment:{name}", args=[course.pk])


@pytest.fixture
def course(tree):
    return TrainingCourseFactory(organizer=tree.g1, name="Lớp bồi dưỡng khóa 1/2023")


@pytest.fixture
def enrolled(tree, course):
    """Two candidacies of C1 and C2 enrolled in the course."""
    a = CandidacyFactory(cell=tree.c1)
    b = CandidacyFactory(cell=tree.c2)
    for candidacy in (a, b):
        CourseAttendance.objects.create(course=course, candidacy=candidacy)
    return a, b


def _attendances(course):
    return list(CourseAttendance.objects.filter(course=course).order_by("pk"))


def certificates_data(rows):
    data = {}
    for attendance, number, on in rows:
        data[f"certificates-number_{attendance.pk}"] = number
        data[f"certificates-on_{attendance.pk}"] = on
    return data


# --- list and create -------------------------------------------------------------------


def test_list_shows_courses_of_the_scope_and_above_with_counts(
    client, tree, course, enrolled, district_staff
):
    TrainingCourseFactory(organizer=tree.p, name="Lớp của tỉnh")
    TrainingCourseFactory(organizer=tree.d2, name="Lớp của Vĩnh Yên")
    client.force_login(district_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    rows = {c.name: c for c in response.context["page"].object_list}
    assert set(rows) == {"Lớp bồi dưỡng khóa 1/2023", "Lớp của tỉnh"}
    assert (rows["Lớp bồi dưỡng khóa 1/2023"].attendees, rows["Lớp của tỉnh"].attendees) == (2, 0)


def test_list_query_count_does_not_grow(
    client, tree, course, district_staff, django_assert_max_num_queries
):
    client.force_login(district_staff)
    with django_assert_max_num_queries(8):
        client.get(LIST)
    for _ in range(10):
        TrainingCourseFactory(organizer=tree.d1)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 11


def test_create_a_course(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.get(CREATE)
    organizers = [pk for pk, _label in response.context["form"].fields["organizer"].choices if pk]
    assert organizers == [tree.d1.pk, tree.g1.pk, tree.g2.pk]
    data = {
        "name": "Lớp bồi dưỡng khóa 2/2024",
        "organizer": tree.d1.pk,
        "start_on": "03/06/2024",
        "end_on": "07/06/2024",
    }
    response = client.post(CREATE, data)
    course = TrainingCourse.objects.get()
    assert response.status_code == 302
    assert response.url == _url("course_detail", course)
    assert (course.organizer, course.end_on) == (tree.d1, D(2024, 6, 7))


def test_create_refuses_an_end_before_the_start(client, tree, district_staff):
    client.force_login(district_staff)
    data = {
        "name": "Lớp",
        "organizer": tree.d1.pk,
        "start_on": "07/06/2024",
        "end_on": "03/06/2024",
    }
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_on"]
    assert not TrainingCourse.objects.exists()


def test_cell_staff_organizes_in_their_cell_only(client, tree, cell_staff):
    client.force_login(cell_staff)
    form = client.get(CREATE).context["form"]
    assert [pk for pk, _label in form.fields["organizer"].choices if pk] == [tree.c1.pk]
    data = {
        "name": "Lớp",
        "organizer": tree.g1.pk,
        "start_on": "03/06/2024",
        "end_on": "07/06/2024",
    }
    assert client.post(CREATE, data).context["form"].errors["organizer"]


def test_create_is_403_for_the_leader_and_get_post_only(client, leader, district_staff):
    client.force_login(leader)
    assert client.get(CREATE).status_code == 403
    client.force_login(district_staff)
    assert client.delete(CREATE).status_code == 405
    assert client.post(LIST).status_code == 405


# --- detail and enrollment -------------------------------------------------------------


def test_detail_lists_attendees_and_offers_both_forms(client, course, enrolled, district_staff):
    client.force_login(district_staff)
    response = client.get(_url("course_detail", course))
    assert response.status_code == 200
    assert len(response.context["attendances"]) == 2
    assert response.context["certificates_form"] is not None
    assert response.context["enroll_form"] is not None


def test_detail_is_404_outside_the_scope(client, course, outsider):
    client.force_login(outsider)
    assert client.get(_url("course_detail", course)).status_code == 404


def test_leader_reads_the_course_without_forms(client, course, enrolled, leader):
    client.force_login(leader)
    response = client.get(_url("course_detail", course))
    assert response.status_code == 200
    assert response.context["certificates_form"] is None
    assert response.context["enroll_form"] is None


def test_enroll_candidacies(client, tree, course, district_staff):
    a = CandidacyFactory(cell=tree.c1)
    b = CandidacyFactory(cell=tree.g2)
    walk(CandidacyFactory(cell=tree.g2), Stage.CELL_RESOLUTION)  # too late for a course
    CandidacyFactory(cell=tree.c3)  # outside the scope
    client.force_login(district_staff)
    form = client.get(_url("course_detail", course)).context["enroll_form"]
    assert set(form.fields["candidacies"].queryset) == {a, b}
    response = client.post(_url("course_enroll", course), {"enroll-candidacies": [a.pk, b.pk]})
    assert response.status_code == 302
    assert {x.candidacy for x in _attendances(course)} == {a, b}


def test_enroll_cannot_name_a_candidacy_outside_the_scope(client, tree, course, district_staff):
    outside = CandidacyFactory(cell=tree.c3)
    client.force_login(district_staff)
    response = client.post(_url("course_enroll", course), {"enroll-candidacies": [outside.pk]})
    assert response.status_code == 400
    assert response.context["enroll_form"].errors["candidacies"]
    assert not CourseAttendance.objects.exists()


def test_enroll_is_404_outside_403_for_the_leader_and_post_only(
    client, tree, course, outsider, leader, district_staff
):
    a = CandidacyFactory(cell=tree.c1)
    url = _url("course_enroll", course)
    client.force_login(outsider)
    assert client.post(url, {"enroll-candidacies": [a.pk]}).status_code == 404
    client.force_login(leader)
    assert client.post(url, {"enroll-candidacies": [a.pk]}).status_code == 403
    client.force_login(district_staff)
    assert client.get(url).status_code == 405
    assert not CourseAttendance.objects.exists()


# --- certificates for the whole class --------------------------------------------------


def test_record_certificates_for_the_class(client, course, enrolled, district_staff):
    first, second = _attendances(course)
    client.force_login(district_staff)
    data = certificates_data([(first, "GCN-01", "15/02/2023"), (second, "GCN-02", "15/02/2023")])
    response = client.post(_url("course_certificates", course), data)
    assert response.status_code == 302
    first, second = _attendances(course)
    assert (first.certificate_number, second.certificate_on) == ("GCN-01", D(2023, 2, 15))
    for candidacy in enrolled:
        candidacy.refresh_from_db()
        assert candidacy.stage == Stage.COURSE_COMPLETED


def test_rows_left_empty_are_skipped(client, course, enrolled, district_staff):
    first, second = _attendances(course)
    client.force_login(district_staff)
    data = certificates_data([(first, "GCN-01", "15/02/2023"), (second, "", "")])
    assert client.post(_url("course_certificates", course), data).status_code == 302
    assert [a.certificate_number for a in _attendances(course)] == ["GCN-01", ""]


def test_one_wrong_row_saves_none(client, course, enrolled, district_staff):
    first, second = _attendances(course)
    client.force_login(district_staff)
    # The second certificate predates the end of the course (10/02/2023).
    data = certificates_data([(first, "GCN-01", "15/02/2023"), (second, "GCN-02", "01/02/2023")])
    response = client.post(_url("course_certificates", course), data)
    assert response.status_code == 400
    errors = response.context["certificates_form"].non_field_errors()
    assert len(errors) == 1
    assert second.candidacy.person.full_name in errors[0]
    assert "10/02/2023" in errors[0]
    assert [a.certificate_number for a in _attendances(course)] == ["", ""]
    assert {c.stage for c in (first.candidacy, second.candidacy)} == {Stage.SOURCED}


def test_a_row_without_a_date_shows_the_error_next_to_it(client, course, enrolled, district_staff):
    first, _second = _attendances(course)
    client.force_login(district_staff)
    data = certificates_data([(first, "GCN-01", "")])
    response = client.post(_url("course_certificates", course), data)
    assert response.status_code == 400
    assert response.context["certificates_form"].errors[f"on_{first.pk}"]
    assert not CourseAttendance.objects.exclude(certificate_number="").exists()


def test_certificates_of_a_course_organized_above_are_403(client, tree, cell_staff):
    course = TrainingCourseFactory(organizer=tree.g1)
    candidacy = CandidacyFactory(cell=tree.c1)
    attendance = CourseAttendance.objects.create(course=course, candidacy=candidacy)
    client.force_login(cell_staff)
    response = client.get(_url("course_detail", course))
    assert response.context["certificates_form"] is None
    data = certificates_data([(attendance, "GCN-01", "15/02/2023")])
    assert client.post(_url("course_certificates", course), data).status_code == 403


def test_certificates_are_404_outside_403_for_the_leader_and_post_only(
    client, course, enrolled, outsider, leader, district_staff
):
    first, _second = _attendances(course)
    url = _url("course_certificates", course)
    data = certificates_data([(first, "GCN-01", "15/02/2023")])
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(leader)
    assert client.post(url, data).status_code == 403
    client.force_login(district_staff)
    assert client.get(url).status_code == 405
    assert not CourseAttendance.objects.exclude(certificate_number="").exists()
