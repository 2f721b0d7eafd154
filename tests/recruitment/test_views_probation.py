"""Probationary members /recruitment/probation/: dates, review page, recognition, striking off."""

import datetime

import pytest
from django.urls import reverse

from members.choices import EventKind, MemberStatus
from members.models import MembershipEvent
from recruitment.choices import Stage
from recruitment.deadlines import recognition_review_due_on
from tests.factories import MemberFactory
from tests.recruitment.factories import DEFAULT, CandidacyFactory, walk

D = datetime.date
LIST = reverse("recruitment:probation")

# Session, user, scope, count, page rows, scope bar, organization choices.
LIST_QUERIES = 8


def _url(name, member):
    return reverse(f"recruitment:{name}", args=[member.pk])


@pytest.fixture
def admitted(tree):
    """Admitted in G2 with the ceremony on 19/05/2023: probation ended on 19/05/2024."""
    return walk(CandidacyFactory(cell=tree.g2), Stage.ADMITTED)


@pytest.fixture
def recent(tree):
    """Admitted in C1 with the ceremony a month ago: still on probation."""
    today = datetime.date.today()
    t = DEFAULT.shifted((today - DEFAULT.ceremony_on).days - 30)
    return walk(CandidacyFactory(cell=tree.c1, sourced_on=t.sourced_on), Stage.ADMITTED, t)


def recognize_data(**overrides):
    data = {
        "resolution_on": "10/06/2024",
        "decision_number": "310-QĐ/HU",
        "decision_on": "20/06/2024",
        "committee": "Ban Thường vụ Huyện ủy Lập Thạch",
        **overrides,
    }
    return {f"recognize-{k}": v for k, v in data.items()}


def strike_off_data(**overrides):
    data = {
        "on": "20/06/2024",
        "decision_number": "311-QĐ/HU",
        "committee": "Ban Thường vụ Huyện ủy Lập Thạch",
        "reason": "Không đủ điều kiện",
        **overrides,
    }
    return {f"strike_off-{k}": v for k, v in data.items()}


# --- list and review page --------------------------------------------------------------


def test_list_shows_probation_dates_and_marks_overdue(
    client, tree, admitted, recent, district_staff
):
    walk(CandidacyFactory(cell=tree.c3), Stage.ADMITTED)  # outside the scope
    client.force_login(district_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    rows = {m.pk: m for m in response.context["members"]}
    assert set(rows) == {admitted.member_id, recent.member_id}
    old = rows[admitted.member_id]
    assert (old.ceremony_date, old.probation_end) == (D(2023, 5, 19), D(2024, 5, 19))
    assert old.review_due == recognition_review_due_on(D(2024, 5, 19))
    assert old.is_overdue and old.review_open
    assert not rows[recent.member_id].review_open


def test_list_filters_by_organization_in_scope(client, tree, admitted, recent, outsider, leader):
    client.force_login(leader)
    members = client.get(LIST, {"org": tree.g2.pk}).context["members"]
    assert [m.pk for m in members] == [admitted.member_id]
    client.force_login(outsider)
    assert client.get(LIST, {"org": tree.g2.pk}).status_code == 404
    assert list(client.get(LIST).context["members"]) == []


def test_list_query_count_does_not_grow(
    client, tree, admitted, district_staff, django_assert_max_num_queries
):
    client.force_login(district_staff)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    for _ in range(5):
        MemberFactory(cell=tree.c2, status=MemberStatus.PROBATIONARY, official_date=None)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(response.context["members"]) == 6


def test_review_page_offers_the_forms_once_probation_ended(
    client, admitted, recent, district_staff
):
    client.force_login(district_staff)
    response = client.get(_url("probation_review", admitted.member))
    assert response.status_code == 200
    assert response.context["show_forms"]
    assert response.context["candidacy"] == admitted
    assert not client.get(_url("probation_review", recent.member)).context["show_forms"]


def test_review_page_is_404_outside_and_read_only_for_the_leader(
    client, admitted, outsider, leader
):
    client.force_login(outsider)
    assert client.get(_url("probation_review", admitted.member)).status_code == 404
    client.force_login(leader)
    response = client.get(_url("probation_review", admitted.member))
    assert response.status_code == 200
    assert not response.context["show_forms"]


# --- recognize -------------------------------------------------------------------------


def test_recognize_official_from_the_end_of_probation(client, admitted, district_staff):
    member = admitted.member
    client.force_login(district_staff)
    response = client.post(_url("probation_recognize", member), recognize_data())
    assert response.status_code == 302
    assert response.url == LIST
    member.refresh_from_db()
    assert (member.status, member.official_date) == (MemberStatus.OFFICIAL, D(2024, 5, 19))
    admitted.refresh_from_db()
    assert admitted.stage == Stage.OFFICIAL
    event = MembershipEvent.objects.get(member=member, kind=EventKind.OFFICIAL_RECOGNITION)
    assert (event.decision_number, event.actor) == ("310-QĐ/HU", district_staff)


def test_recognize_before_the_end_of_probation_shows_the_error(client, admitted, district_staff):
    member = admitted.member
    client.force_login(district_staff)
    response = client.post(
        _url("probation_recognize", member), recognize_data(resolution_on="10/05/2024")
    )
    assert response.status_code == 400
    errors = response.context["recognize_form"].errors["resolution_on"]
    assert "19/05/2024" in errors[0]
    assert 'id="error_1_id_recognize-resolution_on"' in response.text
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY


def test_recognize_is_404_outside_403_for_the_leader_and_post_only(
    client, admitted, outsider, leader, district_staff
):
    url = _url("probation_recognize", admitted.member)
    client.force_login(outsider)
    assert client.post(url, recognize_data()).status_code == 404
    client.force_login(leader)
    assert client.post(url, recognize_data()).status_code == 403
    client.force_login(district_staff)
    assert client.get(url).status_code == 405
    admitted.member.refresh_from_db()
    assert admitted.member.status == MemberStatus.PROBATIONARY


# --- strike off ------------------------------------------------------------------------


def test_strike_off_a_member_not_recognized(client, admitted, district_staff):
    member = admitted.member
    client.force_login(district_staff)
    response = client.post(_url("probation_strike_off", member), strike_off_data())
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.ended_on) == (MemberStatus.REMOVED, D(2024, 6, 20))
    admitted.refresh_from_db()
    assert admitted.stage == Stage.STRUCK_OFF


def test_strike_off_needs_the_decision_number(client, admitted, district_staff):
    client.force_login(district_staff)
    response = client.post(
        _url("probation_strike_off", admitted.member), strike_off_data(decision_number="")
    )
    assert response.status_code == 400
    assert response.context["strike_off_form"].errors["decision_number"]
    assert response.context["bound"] == "strike_off"
    admitted.member.refresh_from_db()
    assert admitted.member.status == MemberStatus.PROBATIONARY


def test_strike_off_is_404_outside_403_for_the_leader_and_post_only(
    client, admitted, outsider, leader, district_staff
):
    url = _url("probation_strike_off", admitted.member)
    client.force_login(outsider)
    assert client.post(url, strike_off_data()).status_code == 404
    client.force_login(leader)
    assert client.post(url, strike_off_data()).status_code == 403
    client.force_login(district_staff)
    assert client.get(url).status_code == 405


def test_list_and_review_pages_are_read_only(client, admitted, district_staff):
    client.force_login(district_staff)
    assert client.post(LIST).status_code == 405
    assert client.post(_url("probation_review", admitted.member)).status_code == 405
