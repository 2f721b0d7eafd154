"""The pipeline board /recruitment/: columns, counts, cards, filters, scope, query count."""

import datetime

import pytest
from django.urls import reverse

from recruitment import views
from recruitment.choices import SourceGroup, Stage
from tests.recruitment.factories import DEFAULT, CandidacyFactory, walk

BOARD = reverse("recruitment:index")

# Session, user, scope, chosen organization, stage counts, cards, write role, scope bar,
# organization choices: the same for 3 candidacies or 15.
BOARD_QUERIES = 9


def _columns(response):
    return {column.stage: column for column in response.context["columns"]}


@pytest.fixture
def pipeline(tree):
    """Sourced in C1, dossier ready in G2 (long overdue: older than 12 months), one in D2."""
    sourced = CandidacyFactory(cell=tree.c1, source_group=SourceGroup.TEACHER)
    dossier = walk(CandidacyFactory(cell=tree.g2), Stage.DOSSIER_READY)
    outside = CandidacyFactory(cell=tree.c3)
    return dict(sourced=sourced, dossier=dossier, outside=outside)


def test_board_has_a_column_per_open_stage_with_counts_and_cards(client, pipeline, district_staff):
    client.force_login(district_staff)
    response = client.get(BOARD)
    assert response.status_code == 200
    columns = _columns(response)
    assert list(columns) == [
        Stage.SOURCED,
        Stage.COURSE_COMPLETED,
        Stage.DOSSIER_READY,
        Stage.CELL_RESOLUTION,
        Stage.COMMITTEE_APPROVAL,
        Stage.DECISION,
        Stage.ADMITTED,
    ]
    assert columns[Stage.SOURCED].count == 1
    assert columns[Stage.DOSSIER_READY].count == 1
    card = columns[Stage.SOURCED].cards[0]
    assert card.days_in_stage == (datetime.date.today() - DEFAULT.sourced_on).days
    text = response.text
    assert pipeline["sourced"].person.full_name in text
    assert "Chi bộ thôn Phấn Kiến" in text
    assert pipeline["outside"].person.full_name not in text
    assert reverse("recruitment:candidacy_create") in text


def test_overdue_cards_are_marked(client, pipeline, district_staff):
    client.force_login(district_staff)
    response = client.get(BOARD)
    card = _columns(response)[Stage.DOSSIER_READY].cards[0]
    assert card.is_overdue
    assert card.deadline.due_on == datetime.date(2024, 3, 10)
    assert "board-card mb-2 overdue" in response.text
    assert "10/03/2024" in response.text


def test_board_filters_by_subtree_source_group_and_year(client, tree, pipeline, district_staff):
    client.force_login(district_staff)
    columns = _columns(client.get(BOARD, {"org": tree.g1.pk}))
    assert (columns[Stage.SOURCED].count, columns[Stage.DOSSIER_READY].count) == (1, 0)
    columns = _columns(client.get(BOARD, {"source_group": SourceGroup.FARMER}))
    assert (columns[Stage.SOURCED].count, columns[Stage.DOSSIER_READY].count) == (0, 1)
    columns = _columns(client.get(BOARD, {"year": 2022}))
    assert sum(c.count for c in columns.values()) == 0
    columns = _columns(client.get(BOARD, {"year": 2023}))
    assert sum(c.count for c in columns.values()) == 2


def test_board_of_an_organization_outside_the_scope_is_404(client, tree, pipeline, outsider):
    client.force_login(outsider)
    assert client.get(BOARD, {"org": tree.d1.pk}).status_code == 404
    response = client.get(BOARD)
    assert response.status_code == 200
    assert sum(c.count for c in response.context["columns"]) == 1


def test_leader_sees_the_whole_board_without_the_create_button(client, pipeline, leader):
    client.force_login(leader)
    response = client.get(BOARD)
    assert sum(c.count for c in response.context["columns"]) == 3
    assert reverse("recruitment:candidacy_create") not in response.text


def test_board_is_read_only(client, pipeline, district_staff):
    client.force_login(district_staff)
    assert client.post(BOARD).status_code == 405


def test_board_query_count_does_not_grow_with_data(
    client, tree, pipeline, district_staff, django_assert_max_num_queries
):
    client.force_login(district_staff)
    with django_assert_max_num_queries(BOARD_QUERIES):
        client.get(BOARD)
    for cell in (tree.c1, tree.c2, tree.g2) * 4:
        walk(CandidacyFactory(cell=cell), Stage.COURSE_COMPLETED)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(BOARD, {"org": tree.d1.pk, "year": 2023})
    assert _columns(response)[Stage.COURSE_COMPLETED].count == 12


def test_columns_show_a_bounded_number_of_cards_and_link_to_the_list(
    client, tree, district_staff, monkeypatch
):
    for _ in range(3):
        CandidacyFactory(cell=tree.c1)
    monkeypatch.setattr(views, "BOARD_CARDS", 2)
    client.force_login(district_staff)
    response = client.get(BOARD)
    column = _columns(response)[Stage.SOURCED]
    assert (column.count, len(column.cards)) == (3, 2)
    assert f"{reverse('recruitment:candidacy_list')}?stage=SOURCED" in response.text
