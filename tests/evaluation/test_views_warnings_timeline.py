"""The R13 warning list, and the evaluation entries of the member page's timeline."""

import datetime

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Grade, RemovalForm, RemovalGround
from evaluation.views import member_timeline_entries
from members.timeline import extra_timeline_entries
from tests.evaluation.conftest import YEAR

D = datetime.date
WARNINGS = reverse("evaluation:warnings")


# --- R13 -------------------------------------------------------------------------------


def test_warning_list_shows_organizations_below_three_official_members(
    client, tree, make_members, district_staff
):
    make_members(tree.c1, 3)
    make_members(tree.c2, 2)
    client.force_login(district_staff)

    response = client.get(WARNINGS)

    assert response.status_code == 200
    shown = {org.code: org.official_members for org in response.context["page"]}
    # Cells and grassroots organizations only: G1 counts 5 together; C2 has 2, G2 none.
    assert shown == {"C2": 2, "G2": 0}
    assert reverse("members:organization_detail", args=[tree.c2.pk]) in response.text


def test_warning_list_is_scoped(client, tree, make_members, outsider):
    client.force_login(outsider)

    response = client.get(WARNINGS)

    assert {org.code for org in response.context["page"]} == {"G3", "C3"}


def test_warning_list_reads_only(client, tree, leader):
    client.force_login(leader)

    assert client.get(WARNINGS).status_code == 200
    assert client.post(WARNINGS).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_warning_list_queries_do_not_grow(
    client, tree, make_members, admin_user, django_assert_max_num_queries, extra
):
    make_members(tree.c1, extra)
    client.force_login(admin_user)

    with django_assert_max_num_queries(7):
        client.get(WARNINGS)


# --- member timeline -------------------------------------------------------------------


def test_timeline_shows_ratings_flags_and_removal(
    tree, make_member, make_members, rate, cell_staff, django_assert_max_num_queries
):
    member = make_member(tree.c1)
    others = make_members(tree.c1, 5)
    rate(tree.c1, {member: Grade.NOT_COMPLETED} | dict.fromkeys(others, Grade.GOOD), year=2023)
    rate(tree.c1, {member: Grade.NOT_COMPLETED}, year=YEAR)  # R11 raises a flag
    services.member_remove(
        member=member,
        form=RemovalForm.STRUCK_OFF,
        ground=RemovalGround.NO_PROGRESS,
        decision_number="12-QĐ/HU",
        decision_date=D(2025, 3, 1),
        deciding_committee="Huyện ủy Lập Thạch",
        actor=cell_staff,
    )

    with django_assert_max_num_queries(3):
        entries = member_timeline_entries(member)

    assert [(e.date, e.icon) for e in entries] == [
        (D(2023, 12, 31), "bi-award"),
        (D(2024, 12, 31), "bi-award"),
        (entries[2].date, "bi-flag-fill"),  # resolved by the removal
        (D(2025, 3, 1), "bi-person-x"),
    ]
    assert "Không hoàn thành nhiệm vụ" in entries[0].title
    assert "2023" in entries[0].title
    assert entries[0].url == reverse("evaluation:member_round", args=[tree.c1.pk, 2023])
    assert "Hai năm liền không hoàn thành nhiệm vụ" in entries[2].title
    assert "Xóa tên" in entries[3].title
    assert "12-QĐ/HU" in entries[3].detail


def test_timeline_source_is_registered(tree, make_member, rate):
    member = make_member(tree.c1)
    rate(tree.c1, {member: Grade.GOOD})

    assert [e.icon for e in extra_timeline_entries(member)] == ["bi-award"]
