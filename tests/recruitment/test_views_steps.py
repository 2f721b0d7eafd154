"""One POST form per step on the candidacy page.

Each step: the happy path through the service, 404 outside the scope, 403 for the leader,
405 on GET; a broken rule shows the Vietnamese message next to the field and saves nothing.
"""

import datetime

import pytest
from django.urls import reverse

from members.choices import MemberStatus
from recruitment import services
from recruitment.choices import IntroducerKind, Stage
from recruitment.models import Candidacy, CandidacyEvent, Introducer
from tests.factories import PersonFactory
from tests.recruitment.factories import (
    DEFAULT,
    CandidacyFactory,
    TrainingCourseFactory,
    official_member,
    walk,
)

D = datetime.date
STEPS = [
    "certificate",
    "introducer",
    "over_age",
    "dossier",
    "resolution",
    "committee_approval",
    "decision",
    "ceremony",
    "close",
]


def _url(candidacy, step):
    return reverse(f"recruitment:candidacy_{step}", args=[candidacy.pk])


def _detail(candidacy):
    return reverse("recruitment:candidacy_detail", args=[candidacy.pk])


def post_step(client, candidacy, step, **data):
    return client.post(_url(candidacy, step), {f"{step}-{k}": v for k, v in data.items()})


def _reload(candidacy):
    return Candidacy.objects.select_related("member").get(pk=candidacy.pk)


def _field_errors(response, step, field):
    assert response.status_code == 400
    steps = {s["name"]: s["form"] for s in response.context["steps"]}
    assert f'id="error_1_id_{step}-{field}"' in response.text
    return steps[step].errors[field]


@pytest.fixture
def sourced(tree):
    return CandidacyFactory(cell=tree.c1)


# --- the path, step by step ------------------------------------------------------------


def test_record_the_certificate(client, tree, sourced, district_staff):
    course = TrainingCourseFactory(organizer=tree.g1)
    client.force_login(district_staff)
    response = post_step(
        client,
        sourced,
        "certificate",
        course=course.pk,
        certificate_number="GCN-17",
        certificate_on="15/02/2023",
    )
    assert response.status_code == 302
    assert response.url == _detail(sourced)
    candidacy = _reload(sourced)
    assert candidacy.stage == Stage.COURSE_COMPLETED
    assert (candidacy.certificate.certificate_number, candidacy.certificate_on) == (
        "GCN-17",
        D(2023, 2, 15),
    )
    assert len(client.get(response.url).context["messages"]) == 1


def test_certificate_courses_are_those_the_user_may_issue(client, tree, sourced, cell_staff):
    TrainingCourseFactory(organizer=tree.g1, name="Lớp của đảng ủy xã")
    own = TrainingCourseFactory(organizer=tree.c1, name="Lớp của chi bộ")
    client.force_login(cell_staff)
    steps = {s["name"]: s["form"] for s in client.get(_detail(sourced)).context["steps"]}
    assert list(steps["certificate"].fields["course"].queryset) == [own]


def test_add_and_remove_an_introducer(client, tree, sourced, district_staff):
    member = official_member(tree.c1)
    client.force_login(district_staff)
    response = post_step(
        client,
        sourced,
        "introducer",
        kind=IntroducerKind.MEMBER,
        member=member.pk,
        introduced_on="01/03/2023",
        alongside_since="01/01/2020",
    )
    assert response.status_code == 302
    introducer = Introducer.objects.get(candidacy=sourced)
    assert introducer.member == member
    remove = reverse("recruitment:introducer_remove", args=[sourced.pk, introducer.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Introducer.objects.exists()


def test_introducer_not_long_enough_alongside_shows_the_message(
    client, tree, sourced, district_staff
):
    member = official_member(tree.c1)
    client.force_login(district_staff)
    response = post_step(
        client,
        sourced,
        "introducer",
        kind=IntroducerKind.MEMBER,
        member=member.pk,
        introduced_on="01/03/2023",
        alongside_since="01/10/2022",
    )
    errors = _field_errors(response, "introducer", "alongside_since")
    assert "5" in errors[0] and "12" in errors[0]
    assert not Introducer.objects.exists()


def test_introducer_choices_are_members_of_the_grassroots_organization_in_scope(
    client, tree, sourced, cell_staff
):
    here = official_member(tree.c1)
    official_member(tree.c2)  # same grassroots committee, outside the cell staff's scope
    official_member(tree.c3)
    client.force_login(cell_staff)
    steps = {s["name"]: s["form"] for s in client.get(_detail(sourced)).context["steps"]}
    assert list(steps["introducer"].fields["member"].queryset) == [here]


def test_dossier_ready(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.COURSE_COMPLETED)
    for _ in range(2):
        official_member(tree.c1)
    client.force_login(district_staff)
    for member in candidacy.cell.members.all():
        post_step(
            client,
            candidacy,
            "introducer",
            kind=IntroducerKind.MEMBER,
            member=member.pk,
            introduced_on="01/03/2023",
            alongside_since="01/01/2020",
        )
    response = post_step(
        client,
        candidacy,
        "dossier",
        on="10/03/2023",
        has_application="on",
        has_biography="on",
        background_check_done="on",
    )
    assert response.status_code == 302
    candidacy = _reload(candidacy)
    assert (candidacy.stage, candidacy.dossier_ready_on) == (Stage.DOSSIER_READY, D(2023, 3, 10))


def test_dossier_without_the_biography_shows_the_field_error(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.COURSE_COMPLETED)
    client.force_login(district_staff)
    response = post_step(client, candidacy, "dossier", on="10/03/2023", has_application="on")
    assert _field_errors(response, "dossier", "has_biography") == ["Cần có văn bản này."]
    assert _reload(candidacy).stage == Stage.COURSE_COMPLETED


def test_cell_resolution(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.DOSSIER_READY)
    client.force_login(district_staff)
    response = post_step(
        client, candidacy, "resolution", on="05/04/2023", yes_votes=6, eligible_members=9
    )
    assert response.status_code == 302
    candidacy = _reload(candidacy)
    assert candidacy.stage == Stage.CELL_RESOLUTION
    assert (candidacy.resolution_yes_votes, candidacy.resolution_eligible) == (6, 9)
    event = candidacy.events.get(stage=Stage.CELL_RESOLUTION)
    assert (event.yes_votes, event.denominator, event.actor) == (6, 9, district_staff)


def test_resolution_with_5_of_8_votes_shows_the_message_and_saves_nothing(
    client, tree, district_staff
):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.DOSSIER_READY)
    events = CandidacyEvent.objects.count()
    client.force_login(district_staff)
    response = post_step(
        client, candidacy, "resolution", on="05/04/2023", yes_votes=5, eligible_members=8
    )
    assert _field_errors(response, "resolution", "yes_votes") == [
        "5/8 đảng viên chính thức tán thành; cần ít nhất 6 (2/3)."
    ]
    assert 'id="step-resolution" open' in response.text
    candidacy = _reload(candidacy)
    assert (candidacy.stage, candidacy.resolution_on) == (Stage.DOSSIER_READY, None)
    assert CandidacyEvent.objects.count() == events


def test_resolution_when_the_candidate_is_under_18_shows_the_age(client, tree, district_staff):
    person = PersonFactory(date_of_birth=D(2005, 5, 10))
    candidacy = walk(CandidacyFactory(cell=tree.c1, person=person), Stage.DOSSIER_READY)
    client.force_login(district_staff)
    response = post_step(
        client, candidacy, "resolution", on="05/04/2023", yes_votes=8, eligible_members=9
    )
    assert _field_errors(response, "resolution", "on") == [
        "Vào ngày họp chi bộ 05/04/2023, quần chúng mới 17 tuổi 10 tháng, chưa đủ 18 tuổi."
    ]
    assert _reload(candidacy).stage == Stage.DOSSIER_READY


def test_a_badly_typed_date_is_refused_by_the_form(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.c1), Stage.DOSSIER_READY)
    client.force_login(district_staff)
    response = post_step(
        client, candidacy, "resolution", on="2023-04-05", yes_votes=8, eligible_members=9
    )
    assert _field_errors(response, "resolution", "on") == ["Nhập ngày hợp lệ theo dạng dd/mm/yyyy."]


def test_committee_approval_only_under_a_grassroots_committee(client, tree, district_staff):
    committee = walk(CandidacyFactory(cell=tree.c1), Stage.CELL_RESOLUTION)
    school = walk(CandidacyFactory(cell=tree.g2), Stage.CELL_RESOLUTION)
    client.force_login(district_staff)
    steps = [s["name"] for s in client.get(_detail(committee)).context["steps"]]
    assert steps[0] == "committee_approval" and "decision" not in steps
    steps = [s["name"] for s in client.get(_detail(school)).context["steps"]]
    assert steps[0] == "decision" and "committee_approval" not in steps

    response = post_step(client, committee, "committee_approval", on="12/04/2023", number="7-NQ")
    assert response.status_code == 302
    assert _reload(committee).stage == Stage.COMMITTEE_APPROVAL
    response = post_step(client, school, "committee_approval", on="12/04/2023")
    assert response.status_code == 400
    steps = {s["name"]: s["form"] for s in response.context["steps"]}
    assert steps["committee_approval"].non_field_errors()
    assert _reload(school).stage == Stage.CELL_RESOLUTION


def test_decision_prefills_the_deciding_committee(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.g2), Stage.CELL_RESOLUTION)
    client.force_login(district_staff)
    steps = {s["name"]: s["form"] for s in client.get(_detail(candidacy)).context["steps"]}
    assert steps["decision"]["committee"].value() == "Huyện ủy Lập Thạch"
    response = post_step(
        client,
        candidacy,
        "decision",
        number="125-QĐ/HU",
        on="08/05/2023",
        committee="Ban Thường vụ Huyện ủy Lập Thạch",
    )
    assert response.status_code == 302
    candidacy = _reload(candidacy)
    assert (candidacy.stage, candidacy.decision_number) == (Stage.DECISION, "125-QĐ/HU")


def test_decision_before_the_resolution_date_is_refused(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.g2), Stage.CELL_RESOLUTION)
    client.force_login(district_staff)
    response = post_step(
        client, candidacy, "decision", number="1-QĐ", on="01/04/2023", committee="Huyện ủy"
    )
    assert "05/04/2023" in _field_errors(response, "decision", "on")[0]
    assert _reload(candidacy).stage == Stage.CELL_RESOLUTION


def test_ceremony_creates_the_probationary_member(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.g2), Stage.DECISION)
    client.force_login(district_staff)
    response = post_step(client, candidacy, "ceremony", on="19/05/2023")
    assert response.status_code == 302
    candidacy = _reload(candidacy)
    assert candidacy.stage == Stage.ADMITTED
    assert candidacy.member.status == MemberStatus.PROBATIONARY
    assert candidacy.member.organization == tree.g2
    page = client.get(_detail(candidacy)).text
    assert reverse("members:member_detail", args=[candidacy.member.pk]) in page


def test_over_age_approval_is_offered_near_60(client, tree, district_staff):
    today = datetime.date.today()
    old = PersonFactory(date_of_birth=today.replace(year=today.year - 60) + datetime.timedelta(40))
    candidacy = CandidacyFactory(cell=tree.c1, person=old, sourced_on=D(2025, 1, 10))
    young = CandidacyFactory(cell=tree.c1)
    client.force_login(district_staff)
    assert "over_age" not in [s["name"] for s in client.get(_detail(young)).context["steps"]]
    assert "over_age" in [s["name"] for s in client.get(_detail(candidacy)).context["steps"]]
    response = post_step(client, candidacy, "over_age", number="15-CV/TU", on="01/06/2025")
    assert response.status_code == 302
    assert _reload(candidacy).over_age_approval_number == "15-CV/TU"


def test_withdraw_with_a_reason(client, sourced, district_staff):
    client.force_login(district_staff)
    response = post_step(client, sourced, "close", outcome=Stage.WITHDRAWN, on="01/06/2023")
    assert _field_errors(response, "close", "reason")
    assert _reload(sourced).stage == Stage.SOURCED
    response = post_step(
        client, sourced, "close", outcome=Stage.WITHDRAWN, on="01/06/2023", reason="Đi học xa"
    )
    assert response.status_code == 302
    candidacy = _reload(sourced)
    assert (candidacy.stage, candidacy.closed_reason) == (Stage.WITHDRAWN, "Đi học xa")
    assert client.get(_detail(candidacy)).context["steps"] == []


# --- scope, role, method ---------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_step_is_404_outside_the_scope(client, sourced, outsider, step):
    client.force_login(outsider)
    assert post_step(client, sourced, step, on="01/06/2023").status_code == 404


@pytest.mark.parametrize("step", STEPS)
def test_step_is_403_for_the_leader(client, sourced, leader, step):
    client.force_login(leader)
    response = post_step(client, sourced, step, on="01/06/2023", reason="x", outcome="WITHDRAWN")
    assert response.status_code == 403
    assert _reload(sourced).stage == Stage.SOURCED


@pytest.mark.parametrize("step", STEPS)
def test_step_is_post_only(client, sourced, district_staff, step):
    client.force_login(district_staff)
    assert client.get(_url(sourced, step)).status_code == 405


def test_introducer_removal_is_404_outside_and_403_for_the_leader(
    client, tree, sourced, outsider, leader
):
    member = official_member(tree.c1)
    introducer = services.introducer_add(
        candidacy=sourced,
        kind=IntroducerKind.MEMBER,
        member=member,
        introduced_on=DEFAULT.introduced_on,
        alongside_since=D(2020, 1, 1),
    )
    url = reverse("recruitment:introducer_remove", args=[sourced.pk, introducer.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(leader)
    assert client.post(url).status_code == 403
    assert Introducer.objects.count() == 1
