"""Candidacy list, create, detail and edit pages."""

import datetime

import pytest
from django.urls import reverse

from members.choices import MemberStatus
from members.models import Person
from recruitment.choices import SourceGroup, Stage
from recruitment.models import Candidacy
from tests.factories import MemberFactory, PersonFactory
from tests.recruitment.factories import CandidacyFactory, walk

LIST = reverse("recruitment:candidacy_list")
CREATE = reverse("recruitment:candidacy_create")

# Session, user, scope, count, page rows, parent names, write role, scope bar,
# organization choices: the same for 3 candidacies or 60 (two pages).
LIST_QUERIES = 9


def _detail(candidacy):
    return reverse("recruitment:candidacy_detail", args=[candidacy.pk])


def _edit(candidacy):
    return reverse("recruitment:candidacy_edit", args=[candidacy.pk])


def _names(response):
    return [c.person.full_name for c in response.context["candidacies"]]


def _candidacy(cell, name, **kwargs):
    return CandidacyFactory(cell=cell, person=PersonFactory(full_name=name), **kwargs)


@pytest.fixture
def candidacies(tree):
    return {
        "an": _candidacy(tree.c1, "Nguyễn Văn An"),
        "duc": walk(_candidacy(tree.g2, "Hoàng Văn Đức"), Stage.DOSSIER_READY),
        "yen": _candidacy(tree.c3, "Lê Thị Yến"),
    }


# --- list ------------------------------------------------------------------------------


def test_list_shows_candidacies_of_the_scope_only(client, candidacies, district_staff):
    client.force_login(district_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Hoàng Văn Đức", "Nguyễn Văn An"]
    assert "Lê Thị Yến" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [("nguyen van an", ["Nguyễn Văn An"]), ("ĐỨC", ["Hoàng Văn Đức"]), ("duc", ["Hoàng Văn Đức"])],
)
def test_search_ignores_accents_and_case(client, candidacies, district_staff, query, expected):
    client.force_login(district_staff)
    assert _names(client.get(LIST, {"q": query})) == expected


def test_search_by_national_id(client, candidacies, district_staff):
    client.force_login(district_staff)
    national_id = candidacies["an"].person.national_id
    assert _names(client.get(LIST, {"q": national_id})) == ["Nguyễn Văn An"]


def test_list_filters_by_stage_source_group_and_organization(
    client, tree, candidacies, district_staff
):
    client.force_login(district_staff)
    assert _names(client.get(LIST, {"stage": Stage.DOSSIER_READY})) == ["Hoàng Văn Đức"]
    assert _names(client.get(LIST, {"source_group": SourceGroup.TEACHER})) == []
    assert _names(client.get(LIST, {"org": tree.g1.pk})) == ["Nguyễn Văn An"]


def test_list_shows_open_candidacies_unless_asked(client, tree, candidacies, district_staff):
    from recruitment import services

    services.candidacy_close(
        candidacy=candidacies["an"],
        outcome=Stage.WITHDRAWN,
        on=datetime.date(2023, 6, 1),
        reason="Chuyển công tác",
    )
    client.force_login(district_staff)
    assert _names(client.get(LIST)) == ["Hoàng Văn Đức"]
    assert sorted(_names(client.get(LIST, {"stage": ""}))) == ["Hoàng Văn Đức", "Nguyễn Văn An"]


def test_list_sorts_by_name_both_ways(client, candidacies, district_staff):
    client.force_login(district_staff)
    assert _names(client.get(LIST, {"o": "name"})) == ["Hoàng Văn Đức", "Nguyễn Văn An"]
    assert _names(client.get(LIST, {"o": "-name"})) == ["Nguyễn Văn An", "Hoàng Văn Đức"]


def test_list_marks_overdue_deadlines(client, candidacies, district_staff):
    client.force_login(district_staff)
    rows = {c.person.full_name: c for c in client.get(LIST).context["candidacies"]}
    assert rows["Hoàng Văn Đức"].is_overdue
    assert rows["Hoàng Văn Đức"].deadline.due_on == datetime.date(2024, 3, 10)
    assert not rows["Nguyễn Văn An"].is_overdue


def test_list_of_an_organization_outside_the_scope_is_404(client, tree, candidacies, outsider):
    client.force_login(outsider)
    assert client.get(LIST, {"org": tree.g1.pk}).status_code == 404
    assert _names(client.get(LIST)) == ["Lê Thị Yến"]


def test_list_query_count_does_not_grow_with_data(
    client, tree, candidacies, district_staff, django_assert_max_num_queries
):
    client.force_login(district_staff)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST)
    for i in range(58):
        _candidacy((tree.c1, tree.c2, tree.g2)[i % 3], f"Trần Văn Số {i}")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"page": 2, "o": "cell"})
    assert response.context["page"].paginator.count == 60
    assert len(response.context["candidacies"]) == 10


def test_list_is_read_only(client, district_staff):
    client.force_login(district_staff)
    assert client.post(LIST).status_code == 405


# --- create ----------------------------------------------------------------------------


def create_data(cell, **overrides):
    return {
        "person_mode": "NEW",
        "full_name": "Đỗ Thị Hạnh",
        "gender": "FEMALE",
        "date_of_birth": "12/08/1999",
        "national_id": "026199000777",
        "ethnicity": "KINH",
        "religion": "NONE",
        "occupation_group": "TEACHER",
        "cell": cell.pk,
        "sourced_on": "15/01/2025",
        "source_group": SourceGroup.TEACHER,
        "has_youth_union": "on",
        **overrides,
    }


def test_create_a_candidacy_for_a_new_person(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c2, is_youth_union_member="on"))
    candidacy = Candidacy.objects.get(person__national_id="026199000777")
    assert response.status_code == 302
    assert response.url == _detail(candidacy)
    assert candidacy.stage == Stage.SOURCED
    assert candidacy.cell == tree.c2
    assert candidacy.sourced_on == datetime.date(2025, 1, 15)
    assert candidacy.is_youth_union_member and candidacy.has_youth_union
    assert candidacy.person.full_name == "Đỗ Thị Hạnh"
    event = candidacy.events.get()
    assert (event.stage, event.actor) == (Stage.SOURCED, district_staff)


def test_create_for_a_person_found_by_national_id(client, tree, district_staff):
    person = PersonFactory(full_name="Trần Văn Cũ", national_id="026090000001")
    client.force_login(district_staff)
    data = {
        "person_mode": "EXISTING",
        "national_id": "026090000001",
        "cell": tree.c1.pk,
        "sourced_on": "15/01/2025",
        "source_group": SourceGroup.FARMER,
    }
    response = client.post(CREATE, data)
    assert response.status_code == 302
    assert Candidacy.objects.get().person == person
    assert Person.objects.count() == 1


def test_create_refuses_a_known_national_id_for_a_new_person(client, tree, district_staff):
    PersonFactory(national_id="026199000777")
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c1))
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    assert 'id="error_1_id_national_id"' in response.text
    assert not Candidacy.objects.exists()


def test_create_refuses_an_active_member(client, tree, district_staff):
    MemberFactory(cell=tree.c1, person=PersonFactory(national_id="026080000002"))
    client.force_login(district_staff)
    data = {
        "person_mode": "EXISTING",
        "national_id": "026080000002",
        "cell": tree.c1.pk,
        "sourced_on": "15/01/2025",
        "source_group": SourceGroup.FARMER,
    }
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert "Người này đã là đảng viên." in response.context["form"].errors["national_id"]
    assert not Candidacy.objects.exists()


def test_create_offers_only_cells_of_the_write_scope(client, tree, cell_staff):
    client.force_login(cell_staff)
    response = client.get(CREATE)
    assert response.status_code == 200
    assert [pk for pk, _label in response.context["form"].fields["cell"].choices if pk] == [
        tree.c1.pk
    ]
    response = client.post(CREATE, create_data(tree.c2))
    assert response.context["form"].errors["cell"]
    assert not Candidacy.objects.exists()


def test_create_shows_a_date_error_next_to_the_field(client, tree, district_staff):
    client.force_login(district_staff)
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(CREATE, create_data(tree.c1, sourced_on=future))
    assert response.status_code == 200
    assert response.context["form"].errors["sourced_on"] == ["Ngày không được ở tương lai."]
    assert not Person.objects.exists()


def test_create_is_403_for_the_leader(client, tree, leader):
    client.force_login(leader)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, create_data(tree.c1)).status_code == 403
    assert not Candidacy.objects.exists()


def test_create_accepts_only_get_and_post(client, district_staff):
    client.force_login(district_staff)
    assert client.delete(CREATE).status_code == 405


# --- detail ----------------------------------------------------------------------------


def test_detail_shows_data_introducers_certificate_deadlines_and_timeline(
    client, candidacies, district_staff
):
    candidacy = candidacies["duc"]
    client.force_login(district_staff)
    response = client.get(_detail(candidacy))
    assert response.status_code == 200
    text = response.text
    assert "Hoàng Văn Đức" in text
    assert f"GCN-{candidacy.pk}" in text
    assert len(response.context["introducers"]) == 2
    stages = [e.stage for e in response.context["events"]]
    assert stages == [Stage.SOURCED, Stage.COURSE_COMPLETED, Stage.DOSSIER_READY]
    assert [line.date for line in response.context["dates"] if line.overdue] == [
        datetime.date(2024, 3, 10)
    ]
    assert [step["name"] for step in response.context["steps"]][0] == "resolution"


def test_detail_is_404_outside_the_scope(client, candidacies, outsider):
    client.force_login(outsider)
    assert client.get(_detail(candidacies["an"])).status_code == 404


def test_leader_reads_the_detail_without_step_forms(client, candidacies, leader):
    client.force_login(leader)
    response = client.get(_detail(candidacies["duc"]))
    assert response.status_code == 200
    assert response.context["steps"] == []
    assert _edit(candidacies["duc"]) not in response.text
    assert "/remove/" not in response.text


def test_detail_links_to_the_member_after_the_ceremony(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.g2), Stage.ADMITTED)
    client.force_login(district_staff)
    response = client.get(_detail(candidacy))
    assert reverse("members:member_detail", args=[candidacy.member_id]) in response.text
    assert reverse("recruitment:probation_review", args=[candidacy.member_id]) in response.text
    assert candidacy.member.status == MemberStatus.PROBATIONARY


def test_detail_is_read_only(client, candidacies, district_staff):
    client.force_login(district_staff)
    assert client.post(_detail(candidacies["an"])).status_code == 405


# --- edit ------------------------------------------------------------------------------


def test_edit_changes_the_data_and_keeps_history(client, tree, candidacies, district_staff):
    candidacy = candidacies["an"]
    client.force_login(district_staff)
    response = client.post(
        _edit(candidacy),
        {
            "source_group": SourceGroup.TEACHER,
            "cell": tree.c2.pk,
            "has_youth_union": "on",
            "note": "Giáo viên trường mầm non",
        },
    )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert (candidacy.source_group, candidacy.cell, candidacy.note) == (
        SourceGroup.TEACHER,
        tree.c2,
        "Giáo viên trường mầm non",
    )
    assert candidacy.history.count() == 2


def test_edit_after_the_resolution_keeps_the_cell(client, tree, district_staff):
    candidacy = walk(CandidacyFactory(cell=tree.g2), Stage.CELL_RESOLUTION)
    client.force_login(district_staff)
    assert "cell" not in client.get(_edit(candidacy)).context["form"].fields
    response = client.post(
        _edit(candidacy), {"source_group": SourceGroup.OTHER, "cell": tree.c1.pk, "note": ""}
    )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert (candidacy.source_group, candidacy.cell) == (SourceGroup.OTHER, tree.g2)


def test_edit_is_404_outside_the_scope_and_403_for_the_leader(
    client, candidacies, outsider, leader
):
    client.force_login(outsider)
    assert client.get(_edit(candidacies["an"])).status_code == 404
    client.force_login(leader)
    assert client.get(_edit(candidacies["an"])).status_code == 403
    assert client.post(_edit(candidacies["an"]), {"source_group": "OTHER"}).status_code == 403


def test_edit_accepts_only_get_and_post(client, candidacies, district_staff):
    client.force_login(district_staff)
    assert client.delete(_edit(candidacies["an"])).status_code == 405
