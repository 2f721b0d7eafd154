"""The member registry /members/ and its export /members/export.xlsx."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import services
from members.choices import Ethnicity, Gender, MemberStatus, OccupationGroup
from members.rules import add_months
from tests.factories import MemberFactory, PersonFactory

# Session, user, scope, chosen organization, count, page, parent names, write scope,
# organization choices, scope bar:
# the same for 3 members or 60 (two pages).
LIST_QUERIES = 10

LIST = reverse("members:member_list")
EXPORT = reverse("members:member_export")


def _member(cell, name="Nguyễn Văn Người", **person):
    return MemberFactory(cell=cell, person=PersonFactory(full_name=name, **person))


def _names(response):
    return [m.person.full_name for m in response.context["members"]]


@pytest.fixture
def members(tree):
    today = timezone.localdate()
    return {
        "an": _member(tree.c1, "Nguyễn Văn An", date_of_birth=add_months(today, -12 * 30)),
        "binh": _member(
            tree.c2,
            "Trần Thị Bình",
            gender=Gender.FEMALE,
            ethnicity=Ethnicity.TAY,
            occupation_group=OccupationGroup.TEACHER,
            date_of_birth=add_months(today, -12 * 50),
        ),
        "duc": _member(tree.g2, "Hoàng Văn Đức", date_of_birth=add_months(today, -12 * 40)),
        "yen": _member(tree.c3, "Lê Thị Yến", gender=Gender.FEMALE),
    }


def test_district_staff_sees_members_of_the_district_only(client, members, district_staff):
    client.force_login(district_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Hoàng Văn Đức", "Nguyễn Văn An", "Trần Thị Bình"]
    assert "Lê Thị Yến" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen van an", ["Nguyễn Văn An"]),
        ("NGUYEN  Van", ["Nguyễn Văn An"]),
        ("đức", ["Hoàng Văn Đức"]),
        ("duc", ["Hoàng Văn Đức"]),
        ("thi binh", ["Trần Thị Bình"]),
    ],
)
def test_search_ignores_accents_and_case(client, members, district_staff, query, expected):
    client.force_login(district_staff)
    assert _names(client.get(LIST, {"q": query})) == expected


def test_search_by_national_id_and_party_card(client, members, district_staff):
    services.member_update(
        member=members["duc"], person_fields={}, member_fields={"party_card_number": "AB123456"}
    )
    client.force_login(district_staff)
    national_id = members["an"].person.national_id
    assert _names(client.get(LIST, {"q": national_id})) == ["Nguyễn Văn An"]
    assert _names(client.get(LIST, {"q": "AB123456"})) == ["Hoàng Văn Đức"]


def test_search_does_not_reach_outside_the_scope(client, members, district_staff):
    client.force_login(district_staff)
    assert _names(client.get(LIST, {"q": "le thi yen"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"gender": "FEMALE"}, ["Trần Thị Bình"]),
        ({"ethnicity": "TAY"}, ["Trần Thị Bình"]),
        ({"occupation_group": "TEACHER"}, ["Trần Thị Bình"]),
        ({"age_min": "35", "age_max": "45"}, ["Hoàng Văn Đức"]),
        ({"age_max": "30"}, ["Nguyễn Văn An"]),
        ({"age_min": "50"}, ["Trần Thị Bình"]),
    ],
)
def test_filters(client, members, district_staff, params, expected):
    client.force_login(district_staff)
    assert _names(client.get(LIST, params)) == expected


def test_filter_by_organization_subtree(client, tree, members, district_staff):
    client.force_login(district_staff)
    response = client.get(LIST, {"org": tree.g1.pk})
    assert sorted(_names(response)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    # A cell chosen from its page stays selected although cells are not in the list.
    response = client.get(LIST, {"org": tree.c1.pk})
    assert _names(response) == ["Nguyễn Văn An"]
    assert f'<option value="{tree.c1.pk}" selected>' in response.text


def test_organization_choices_are_limited_to_the_scope(client, tree, members, district_staff):
    client.force_login(district_staff)
    text = client.get(LIST).text
    assert "Đảng bộ xã Đình Chu" in text
    assert "Đảng bộ phường Liên Bảo" not in text


def test_filter_on_an_organization_outside_the_scope_is_404(client, tree, members, district_staff):
    client.force_login(district_staff)
    assert client.get(LIST, {"org": tree.g3.pk}).status_code == 404
    assert client.get(EXPORT, {"org": tree.g3.pk}).status_code == 404


def test_filter_by_status_and_admission_year(client, tree, members, district_staff):
    this_year = timezone.localdate().year
    MemberFactory(
        cell=tree.c1,
        person=PersonFactory(full_name="Phạm Văn Mới"),
        status=MemberStatus.PROBATIONARY,
        admission_decision_date=datetime.date(this_year, 1, 2),
    )
    services.member_record_death(member=members["duc"], on=datetime.date(2023, 3, 3))
    client.force_login(district_staff)

    # Active members by default; ended members on request.
    assert "Hoàng Văn Đức" not in _names(client.get(LIST))
    assert _names(client.get(LIST, {"status": "DECEASED"})) == ["Hoàng Văn Đức"]
    assert len(_names(client.get(LIST, {"status": ""}))) == 4
    assert _names(client.get(LIST, {"status": "PROBATIONARY"})) == ["Phạm Văn Mới"]
    assert _names(client.get(LIST, {"admission_year": this_year})) == ["Phạm Văn Mới"]


def test_sortable_columns(client, members, district_staff):
    client.force_login(district_staff)
    by_name = _names(client.get(LIST, {"o": "name"}))
    assert by_name == ["Hoàng Văn Đức", "Nguyễn Văn An", "Trần Thị Bình"]
    assert _names(client.get(LIST, {"o": "-name"})) == by_name[::-1]
    youngest_last = _names(client.get(LIST, {"o": "birth"}))
    assert youngest_last == ["Trần Thị Bình", "Hoàng Văn Đức", "Nguyễn Văn An"]


def test_pages_of_fifty(client, tree, district_staff):
    for i in range(55):
        MemberFactory(cell=tree.c1, person=PersonFactory(full_name=f"Đảng Viên {i:03d}"))
    client.force_login(district_staff)
    first = client.get(LIST)
    assert len(first.context["members"]) == 50
    assert first.context["page"].paginator.count == 55
    second = client.get(LIST, {"page": 2})
    assert len(second.context["members"]) == 5
    assert not set(_names(first)) & set(_names(second))


@pytest.mark.parametrize("extra", [0, 60])
def test_list_queries_do_not_grow_with_data(
    client, tree, district_staff, django_assert_max_num_queries, extra
):
    for i in range(3 + extra):
        MemberFactory(cell=[tree.c1, tree.c2, tree.g2][i % 3])
    client.force_login(district_staff)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"q": "nguoi", "org": tree.d1.pk, "o": "cell"})
    assert response.context["page"].paginator.count == 3 + extra


def test_leader_reads_the_list_without_write_buttons(client, members, leader):
    client.force_login(leader)
    response = client.get(LIST)
    assert len(response.context["members"]) == 4
    assert reverse("members:member_create") not in response.text


def test_post_is_not_allowed(client, district_staff):
    client.force_login(district_staff)
    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405


# --- export ------------------------------------------------------------------------------


def _rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_has_vietnamese_headers_and_the_filtered_rows(client, tree, members, district_staff):
    client.force_login(district_staff)
    rows = _rows(client.get(EXPORT, {"gender": "FEMALE"}))
    header = rows[0]
    assert header[:4] == ["STT", "Họ và tên", "Giới tính", "Ngày sinh"]
    assert "Chi bộ" in header
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình"]
    binh = rows[1]
    assert binh[2] == "Nữ"
    assert isinstance(binh[3], datetime.datetime)
    assert "Chi bộ thôn Đồng Tâm" in binh
    assert "Đảng bộ xã Đình Chu" in binh


def test_export_stays_in_scope(client, tree, members, outsider):
    client.force_login(outsider)
    rows = _rows(client.get(EXPORT, {"status": ""}))
    assert [row[1] for row in rows[1:]] == ["Lê Thị Yến"]


def test_export_of_many_rows_is_one_query_for_the_rows(
    client, tree, district_staff, django_assert_max_num_queries
):
    for i in range(40):
        MemberFactory(cell=[tree.c1, tree.g2][i % 2])
    client.force_login(district_staff)
    with django_assert_max_num_queries(6):
        rows = _rows(client.get(EXPORT))
    assert len(rows) == 41
