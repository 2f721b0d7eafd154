"""The member page /members/<id>/: data, party age, placements, timeline, edit history."""

import datetime

import pytest
from django.urls import reverse

from members import services
from members.choices import EventKind
from tests.factories import MemberFactory, PersonFactory

# Session, user, scope, member, placements, events, the timeline sources of other apps
# (evaluation: ratings, flags, removals), two history tables, organization names in the
# history, breadcrumbs, scope bar, write scope.
DETAIL_QUERIES = 15


def _url(member):
    return reverse("members:member_detail", args=[member.pk])


@pytest.fixture
def member(tree):
    return MemberFactory(
        cell=tree.c1,
        person=PersonFactory(full_name="Nguyễn Văn An", date_of_birth=datetime.date(1985, 4, 30)),
        admission_decision_date=datetime.date(2010, 3, 2),
    )


def test_member_page_shows_personal_and_party_data(client, member, district_staff):
    client.force_login(district_staff)
    response = client.get(_url(member))
    assert response.status_code == 200
    text = response.text
    assert "Nguyễn Văn An" in text
    assert "30/04/1985" in text
    assert "02/03/2010" in text
    assert "Đảng viên chính thức" in text
    assert response.context["party_age"] == member.party_age_on()
    assert response.context["party_age"] >= 15


def test_timeline_and_placements_follow_a_transfer(client, tree, member, district_staff):
    services.member_transfer(
        member=member, to_cell=tree.g2, on=datetime.date(2020, 9, 1), decision_number="15-QĐ/HU"
    )
    client.force_login(district_staff)
    response = client.get(_url(member))
    kinds = [e.kind for e in response.context["events"]]
    assert kinds == [EventKind.ADMISSION, EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN]
    cells = [(p.cell.code, p.start_on, p.end_on) for p in response.context["placements"]]
    assert cells == [
        ("C1", datetime.date(2010, 3, 2), datetime.date(2020, 9, 1)),
        ("G2", datetime.date(2020, 9, 1), None),
    ]
    assert "Chuyển sinh hoạt đến" in response.text
    assert "15-QĐ/HU" in response.text


def test_edit_history_says_who_changed_which_field(client, member, district_staff):
    client.force_login(district_staff)
    client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            **_form_data(member),
            "residence": "Thôn Phấn Kiến, xã Đình Chu",
            "party_card_number": "01234567",
        },
    )
    history = client.get(_url(member)).context["history"]
    latest = [entry for entry in history if not entry.created]
    assert {entry.user.username for entry in latest} == {"district"}
    changes = {str(label): (old, new) for entry in latest for label, old, new in entry.changes}
    assert changes["nơi ở hiện nay"] == ("—", "Thôn Phấn Kiến, xã Đình Chu")
    assert changes["số thẻ đảng viên"] == ("—", "01234567")


def test_edit_history_names_the_cells_of_a_transfer(client, tree, member, district_staff):
    client.force_login(district_staff)
    client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree.c2.pk, "on": "01/09/2020"},
    )
    history = client.get(_url(member)).context["history"]
    changes = [c for entry in history for c in entry.changes]
    assert ("chi bộ", "Chi bộ thôn Phấn Kiến", "Chi bộ thôn Đồng Tâm") in [
        (str(label), old, new) for label, old, new in changes
    ]


def test_outsider_gets_404(client, member, outsider):
    client.force_login(outsider)
    assert client.get(_url(member)).status_code == 404


def test_leader_reads_without_action_buttons(client, member, leader):
    client.force_login(leader)
    response = client.get(_url(member))
    assert response.status_code == 200
    assert reverse("members:member_edit", args=[member.pk]) not in response.text


def test_post_is_not_allowed(client, member, district_staff):
    client.force_login(district_staff)
    assert client.post(_url(member)).status_code == 405


@pytest.mark.parametrize("transfers", [0, 6])
def test_member_page_queries_do_not_grow_with_history(
    client, tree, member, district_staff, django_assert_max_num_queries, transfers
):
    for i in range(transfers):
        services.member_transfer(
            member=member,
            to_cell=[tree.c2, tree.c1][i % 2],
            on=datetime.date(2012 + i, 1, 1),
        )
    client.force_login(district_staff)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(_url(member))
    assert len(response.context["placements"]) == transfers + 1


def _form_data(member):
    person = member.person
    return {
        "full_name": person.full_name,
        "gender": person.gender,
        "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y"),
        "national_id": person.national_id,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "occupation_group": person.occupation_group,
        "admission_decision_number": member.admission_decision_number,
        "admission_decision_date": member.admission_decision_date.strftime("%d/%m/%Y"),
        "ceremony_date": member.ceremony_date.strftime("%d/%m/%Y"),
        "official_date": member.official_date.strftime("%d/%m/%Y"),
    }
