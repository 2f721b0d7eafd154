"""The organization browser: /org/ and /org/<id>/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import MemberStatus, StaffRole
from tests.factories import MemberFactory, UserFactory, assign

# Session, user, scope, organization, children, three grouped figures, restructuring
# events, breadcrumbs, scope bar, write scope: the same for 3 members or 300.
ORG_PAGE_QUERIES = 13


def _this_year(month=1, day=2):
    return datetime.date(timezone.localdate().year, month, day)


def _url(org, **params):
    url = reverse("members:organization_detail", args=[org.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_district_page_counts_children_in_sql(client, tree, district_staff):
    MemberFactory(cell=tree.c1)
    MemberFactory(cell=tree.c2)
    MemberFactory(
        cell=tree.c2, status=MemberStatus.PROBATIONARY, admission_decision_date=_this_year()
    )
    MemberFactory(cell=tree.g2)
    ended = MemberFactory(cell=tree.g2)
    services.member_record_death(member=ended, on=datetime.date(2020, 5, 1))
    MemberFactory(cell=tree.c3)  # another district

    client.force_login(district_staff)
    response = client.get(_url(tree.d1))

    assert response.status_code == 200
    rows = {child.code: figures for child, figures in response.context["children"]}
    assert (rows["G1"].members, rows["G1"].probationary, rows["G1"].cells) == (3, 1, 2)
    assert rows["G1"].admissions == 1
    assert (rows["G2"].members, rows["G2"].probationary, rows["G2"].cells) == (1, 0, 1)
    total = response.context["total"]
    assert (total.members, total.probationary, total.cells, total.admissions) == (4, 1, 3, 1)
    assert f'href="/members/?org={tree.g1.pk}"' in response.text


def test_members_transferred_away_count_where_they_are_today(client, tree, district_staff):
    member = MemberFactory(cell=tree.c1)
    services.member_transfer(member=member, to_cell=tree.g2, on=datetime.date(2021, 1, 1))
    client.force_login(district_staff)
    rows = {c.code: f for c, f in client.get(_url(tree.d1)).context["children"]}
    assert (rows["G1"].members, rows["G2"].members) == (0, 1)


def test_cell_page_shows_its_own_members(client, tree, cell_staff):
    MemberFactory(cell=tree.c1)
    client.force_login(cell_staff)
    response = client.get(_url(tree.c1))
    assert response.status_code == 200
    assert response.context["total"].members == 1
    assert response.context["children"] == []


def test_outsider_gets_404(client, tree, outsider):
    client.force_login(outsider)
    assert client.get(_url(tree.d1)).status_code == 404
    assert client.get(_url(tree.c1)).status_code == 404
    assert client.get(_url(tree.p)).status_code == 404


def test_leader_reads_the_province(client, tree, leader):
    client.force_login(leader)
    response = client.get(_url(tree.p))
    assert response.status_code == 200
    assert {c.code for c, _f in response.context["children"]} == {"D1", "D2"}
    # Read-only: no button to add a member anywhere.
    assert reverse("members:member_create") not in response.text


def test_post_is_not_allowed(client, tree, district_staff):
    client.force_login(district_staff)
    assert client.post(_url(tree.d1)).status_code == 405


def test_closed_children_are_shown_on_request(client, tree, admin_user):
    on = datetime.date(2022, 7, 1)
    services.organization_merge(source=tree.c2, target=tree.c1, on=on)
    client.force_login(admin_user)

    response = client.get(_url(tree.g1))
    assert [c.code for c, _f in response.context["children"]] == ["C1"]
    assert [c.code for c in response.context["closed_children"]] == ["C2"]
    assert "?closed=1" in response.text
    assert 'id="closed"' not in response.text

    response = client.get(_url(tree.g1, closed=1))
    assert 'id="closed"' in response.text
    assert "01/07/2022" in response.text


def test_restructuring_history_lists_merges_with_dates(client, tree, admin_user):
    services.organization_merge(source=tree.c2, target=tree.c1, on=datetime.date(2022, 7, 1))
    client.force_login(admin_user)

    target = client.get(_url(tree.c1))
    kinds = [(e.kind, e.date) for e in target.context["tree_events"]]
    assert kinds == [
        ("ESTABLISHED", datetime.date(2000, 1, 1)),
        ("ABSORBED", datetime.date(2022, 7, 1)),
    ]
    assert "Chi bộ thôn Đồng Tâm" in target.text

    source = client.get(_url(tree.c2))
    assert [e.kind for e in source.context["tree_events"]] == ["ESTABLISHED", "MERGED_INTO"]
    assert "Chi bộ thôn Phấn Kiến" in source.text


def test_breadcrumbs_link_ancestors_in_scope_only(client, tree, cell_staff):
    client.force_login(cell_staff)
    text = client.get(_url(tree.c1)).text
    # The province and the district are named but cannot be opened by a cell's staff.
    assert "Huyện ủy Lập Thạch" in text
    assert f'href="{_url(tree.d1)}"' not in text


def test_index_redirects_to_the_single_scope_root(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.get(reverse("members:organization_index"))
    assert response.status_code == 302
    assert response.url == _url(tree.d1)


def test_index_lists_several_roots(client, tree):
    user = UserFactory(username="two")
    assign(user, tree.g2, StaffRole.STAFF)
    assign(user, tree.c3, StaffRole.STAFF)
    client.force_login(user)
    response = client.get(reverse("members:organization_index"))
    assert response.status_code == 200
    assert {r.code for r, _f in response.context["roots"]} == {"G2", "C3"}


@pytest.mark.parametrize("extra", [0, 30])
def test_organization_page_queries_do_not_grow_with_data(
    client, tree, district_staff, django_assert_max_num_queries, extra
):
    for i in range(3 + extra):
        MemberFactory(cell=[tree.c1, tree.c2, tree.g2][i % 3])
    client.force_login(district_staff)
    with django_assert_max_num_queries(ORG_PAGE_QUERIES):
        response = client.get(_url(tree.d1, closed=1))
    assert response.context["total"].members == 3 + extra
