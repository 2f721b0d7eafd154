"""Screening pages: the list of flagged members, recording and resolving a flag, and the
button that flags probations ended without recognition.

Each view: the happy path, the outsider 404 (or an empty list), the read-only leader 403
on writes, GET on the POST-only action 405.
"""

import datetime

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import FlagGround, ScreeningFlag
from members.choices import MemberStatus
from tests.factories import PersonFactory

D = datetime.date
LIST = reverse("evaluation:screening")
SEARCH = reverse("evaluation:flag_member_search")
RAISE = reverse("evaluation:flags_raise_probation")


def record_url(member):
    return reverse("evaluation:flag_record", args=[member.pk])


def resolve_url(flag):
    return reverse("evaluation:flag_resolve", args=[flag.pk])


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.c1, person=PersonFactory(full_name="Lê Văn Cường"))


@pytest.fixture
def flag(member, admin_user):
    return services.flag_record(
        member=member, detail="Không sinh hoạt 3 tháng", actor=admin_user, on=D(2024, 3, 1)
    )


# --- the list --------------------------------------------------------------------------


def test_list_shows_open_flags_first(client, tree, member, make_member, admin_user, district_staff):
    other = make_member(tree.c2)
    old = services.flag_record(member=other, detail="Vi phạm", actor=admin_user, on=D(2023, 5, 1))
    services.flag_resolve(flag=old, action_taken="Đã giúp đỡ", actor=admin_user, on=D(2023, 6, 1))
    new = services.flag_record(member=member, detail="Bỏ sinh hoạt", actor=admin_user)
    client.force_login(district_staff)

    response = client.get(LIST)

    assert response.status_code == 200
    assert list(response.context["page"]) == [new, old]
    assert "Đã giúp đỡ" in response.text
    assert resolve_url(new) in response.text
    assert resolve_url(old) not in response.text


def test_list_filters_by_ground_year_and_state(
    client, tree, member, make_member, admin_user, district_staff
):
    other = make_member(tree.c2)
    staff_flag = services.flag_record(
        member=other, detail="Vi phạm", actor=admin_user, on=D(2023, 5, 1)
    )
    rule_flag = ScreeningFlag.objects.create(
        member=member,
        ground=FlagGround.NOT_COMPLETED_TWO_YEARS,
        year=2024,
        raised_on=D(2025, 1, 5),
    )
    client.force_login(district_staff)

    def shown(**params):
        return list(client.get(LIST, params).context["page"])

    assert shown(ground=FlagGround.NOT_COMPLETED_TWO_YEARS) == [rule_flag]
    assert shown(year=2023) == [staff_flag]
    services.flag_resolve(flag=staff_flag, action_taken="Đã giúp đỡ", actor=admin_user)
    assert shown(state="open") == [rule_flag]
    assert shown(state="resolved") == [staff_flag]
    assert len(shown(ground="NONSENSE")) == 2


def test_list_is_scoped(client, tree, flag, make_member, admin_user, outsider):
    there = services.flag_record(member=make_member(tree.c3), detail="Vi phạm", actor=admin_user)
    client.force_login(outsider)

    response = client.get(LIST)

    assert list(response.context["page"]) == [there]
    assert "Lê Văn Cường" not in response.text


def test_leader_reads_the_list_without_write_buttons(client, flag, leader):
    client.force_login(leader)

    response = client.get(LIST)

    assert list(response.context["page"]) == [flag]
    assert resolve_url(flag) not in response.text
    assert RAISE not in response.text


@pytest.mark.parametrize("extra", [0, 30])
def test_list_queries_do_not_grow_with_flags(
    client, tree, make_member, admin_user, district_staff, django_assert_max_num_queries, extra
):
    for i in range(2 + extra):
        flag = services.flag_record(
            member=make_member([tree.c1, tree.c2][i % 2]), detail="Vi phạm", actor=admin_user
        )
        if i % 3 == 0:
            services.flag_resolve(flag=flag, action_taken="Đã xử lý", actor=admin_user)
    client.force_login(district_staff)

    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 2 + extra


# --- record a flag ---------------------------------------------------------------------


def test_staff_records_a_flag(client, member, cell_staff):
    client.force_login(cell_staff)

    assert client.get(record_url(member)).status_code == 200
    response = client.post(
        record_url(member), {"detail": "Không đóng đảng phí", "on": "02/05/2024"}
    )

    assert response.status_code == 302
    assert response.url == reverse("members:member_detail", args=[member.pk])
    flag = ScreeningFlag.objects.get()
    assert (flag.ground, flag.detail, flag.raised_on, flag.raised_by) == (
        FlagGround.STAFF_RECORDED,
        "Không đóng đảng phí",
        D(2024, 5, 2),
        cell_staff,
    )


def test_flag_needs_its_detail(client, member, cell_staff):
    client.force_login(cell_staff)

    response = client.post(record_url(member), {"detail": "  ", "on": "02/05/2024"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"detail": ["Trường này là bắt buộc."]}
    assert ScreeningFlag.objects.count() == 0


def test_outsider_cannot_flag(client, member, outsider):
    client.force_login(outsider)

    assert client.get(record_url(member)).status_code == 404
    assert client.post(record_url(member), {"detail": "x", "on": "02/05/2024"}).status_code == 404
    assert ScreeningFlag.objects.count() == 0


def test_leader_cannot_flag(client, member, leader):
    client.force_login(leader)

    assert client.get(record_url(member)).status_code == 403
    assert client.post(record_url(member), {"detail": "x", "on": "02/05/2024"}).status_code == 403


def test_member_search_finds_members_of_the_write_scope(
    client, tree, member, make_member, district_staff
):
    make_member(tree.c3, person=PersonFactory(full_name="Lê Văn Cường"))
    client.force_login(district_staff)

    response = client.get(SEARCH, {"q": "le van cuong"})

    assert response.context["found"] == [member]
    assert record_url(member) in response.text


def test_member_search_is_for_staff(client, leader):
    client.force_login(leader)

    assert client.get(SEARCH, {"q": "le"}).status_code == 403


# --- resolve a flag --------------------------------------------------------------------


def test_staff_resolve_a_flag_with_the_action_taken(client, flag, cell_staff):
    client.force_login(cell_staff)

    assert client.get(resolve_url(flag)).status_code == 200
    response = client.post(
        resolve_url(flag), {"action_taken": "Chi bộ đã giúp đỡ", "on": "01/04/2024"}
    )

    assert response.status_code == 302
    assert response.url == LIST
    flag.refresh_from_db()
    assert (flag.action_taken, flag.resolved_on, flag.resolved_by) == (
        "Chi bộ đã giúp đỡ",
        D(2024, 4, 1),
        cell_staff,
    )


def test_resolution_before_the_flag_is_refused_next_to_the_date(client, flag, cell_staff):
    client.force_login(cell_staff)

    response = client.post(resolve_url(flag), {"action_taken": "Đã xử lý", "on": "01/01/2024"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["on"]
    flag.refresh_from_db()
    assert flag.is_open


def test_resolved_flag_cannot_be_resolved_again(client, flag, cell_staff, admin_user):
    services.flag_resolve(flag=flag, action_taken="Đã xử lý", actor=admin_user)
    client.force_login(cell_staff)

    response = client.get(resolve_url(flag))

    assert response.status_code == 302
    assert response.url == LIST


def test_outsider_and_leader_cannot_resolve(client, flag, outsider, leader):
    data = {"action_taken": "x", "on": "01/04/2024"}
    client.force_login(outsider)
    assert client.get(resolve_url(flag)).status_code == 404
    assert client.post(resolve_url(flag), data).status_code == 404
    client.force_login(leader)
    assert client.get(resolve_url(flag)).status_code == 403
    assert client.post(resolve_url(flag), data).status_code == 403
    flag.refresh_from_db()
    assert flag.is_open


# --- flag probations ended without recognition -----------------------------------------


@pytest.fixture
def overdue(tree, make_member):
    # Ceremony in 2023: probation ended in 2024, the review deadline is long past.
    return make_member(
        tree.c1,
        admitted=D(2023, 1, 2),
        status=MemberStatus.PROBATIONARY,
        ceremony_date=D(2023, 1, 10),
    )


def test_button_flags_overdue_probations_of_the_scope(client, overdue, district_staff):
    client.force_login(district_staff)

    response = client.post(RAISE)

    assert response.status_code == 302
    assert list(ScreeningFlag.objects.values_list("member", "ground", "year")) == [
        (overdue.pk, FlagGround.PROBATION_NOT_RECOGNIZED, 2024)
    ]
    client.post(RAISE)
    assert ScreeningFlag.objects.count() == 1


def test_button_does_not_reach_outside_the_scope(client, overdue, outsider):
    client.force_login(outsider)

    assert client.post(RAISE).status_code == 302
    assert ScreeningFlag.objects.count() == 0


def test_button_is_post_only_and_for_staff(client, overdue, district_staff, leader):
    client.force_login(district_staff)
    assert client.get(RAISE).status_code == 405
    client.force_login(leader)
    assert client.post(RAISE).status_code == 403
    assert ScreeningFlag.objects.count() == 0
