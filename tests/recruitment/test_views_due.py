"""The due list /recruitment/due/: grouped by kind, overdue first, responsible organization."""

import datetime

import pytest
from django.urls import reverse

from recruitment import views
from recruitment.choices import DueKind, Stage
from tests.recruitment.factories import DEFAULT, CandidacyFactory, walk

DUE = reverse("recruitment:due")

# Session, user, scope, candidacies, probationary members, their candidacies, organizations
# of the pending decisions, scope bar, organization choices: the same for 3 items or 15.
DUE_QUERIES = 9


def _groups(response):
    return {group.kind: group for group in response.context["groups"]}


@pytest.fixture
def due(tree):
    """A decision overdue in C1 (2023), a ceremony due in about three weeks in G2 (decided
    20 days ago), a recognition review overdue in G2."""
    today = datetime.date.today()
    decision = walk(CandidacyFactory(cell=tree.c1), Stage.COMMITTEE_APPROVAL)
    t = DEFAULT.shifted((today - DEFAULT.decision_on).days - 20)
    ceremony = walk(CandidacyFactory(cell=tree.g2, sourced_on=t.sourced_on), Stage.DECISION, t)
    admitted = walk(CandidacyFactory(cell=tree.g2), Stage.ADMITTED)
    outside = walk(CandidacyFactory(cell=tree.c3), Stage.DECISION)
    return dict(decision=decision, ceremony=ceremony, admitted=admitted, outside=outside)


def test_due_list_groups_by_kind_with_the_responsible_organization(
    client, tree, due, district_staff
):
    client.force_login(district_staff)
    response = client.get(DUE)
    assert response.status_code == 200
    groups = _groups(response)
    assert list(groups) == list(DueKind.values)
    (decision,) = groups[DueKind.DECISION].items
    assert decision.candidacy == due["decision"]
    assert decision.overdue
    # The committee approval is recorded: the committee above the grassroots one decides.
    assert decision.organization == tree.d1
    (ceremony,) = groups[DueKind.CEREMONY].items
    assert not ceremony.overdue
    assert ceremony.organization == tree.g2
    (recognition,) = groups[DueKind.RECOGNITION].items
    assert recognition.member == due["admitted"].member
    assert (response.context["total"], response.context["overdue"]) == (3, 2)
    text = response.text
    assert due["outside"].person.full_name not in text
    assert reverse("recruitment:candidacy_detail", args=[due["decision"].pk]) in text
    assert reverse("recruitment:probation_review", args=[due["admitted"].member_id]) in text


def test_overdue_items_come_first_in_a_group(client, tree, due, district_staff):
    today = datetime.date.today()
    t = DEFAULT.shifted((today - DEFAULT.decision_on).days - 15)
    walk(CandidacyFactory(cell=tree.c2, sourced_on=t.sourced_on), Stage.DECISION, t)
    walk(CandidacyFactory(cell=tree.c2), Stage.DECISION)
    client.force_login(district_staff)
    items = _groups(client.get(DUE))[DueKind.CEREMONY].items
    assert [item.overdue for item in items] == [True, False, False]
    assert items[1].due_on <= items[2].due_on


def test_due_list_of_a_subtree(client, tree, due, district_staff):
    client.force_login(district_staff)
    response = client.get(DUE, {"org": tree.g2.pk})
    assert response.context["total"] == 2


def test_due_list_outside_the_scope(client, tree, due, outsider):
    client.force_login(outsider)
    assert client.get(DUE, {"org": tree.d1.pk}).status_code == 404
    response = client.get(DUE)
    assert response.context["total"] == 1
    assert due["decision"].person.full_name not in response.text


def test_due_list_is_read_only(client, district_staff):
    client.force_login(district_staff)
    assert client.post(DUE).status_code == 405


def test_due_list_query_count_does_not_grow(
    client, tree, due, district_staff, django_assert_max_num_queries
):
    client.force_login(district_staff)
    with django_assert_max_num_queries(DUE_QUERIES):
        client.get(DUE)
    for cell in (tree.c1, tree.c2, tree.g2) * 2:
        walk(CandidacyFactory(cell=cell), Stage.CELL_RESOLUTION)
        walk(CandidacyFactory(cell=cell), Stage.ADMITTED)
    with django_assert_max_num_queries(DUE_QUERIES):
        response = client.get(DUE)
    assert response.context["total"] == 15


def test_a_long_group_shows_the_most_urgent_rows(client, tree, due, district_staff, monkeypatch):
    monkeypatch.setattr(views, "DUE_ROWS", 1)
    walk(CandidacyFactory(cell=tree.c2), Stage.DECISION)
    client.force_login(district_staff)
    group = _groups(client.get(DUE))[DueKind.CEREMONY]
    assert (len(group.items), len(group.shown), group.hidden) == (2, 1, 1)
    assert group.shown[0].overdue
