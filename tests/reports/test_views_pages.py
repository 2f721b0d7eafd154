"""The other report pages: warnings, congress terms (list and report), reconciliation.
Each: the happy path, the outsider's 404, POST refused (405); query counts that do not
grow with the data."""

import datetime

import pytest
from django.urls import reverse

from members.choices import OrganizationKind as K
from members.choices import StaffRole
from members.models import MemberPlacement
from reports.models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, assign

D = datetime.date


@pytest.fixture
def xvii(tree):
    term = CongressTerm.objects.create(
        organization=tree.p, name="XVII", first_year=2019, last_year=2022
    )
    TermTarget.objects.create(
        term=term, metric=Metric.ADMISSIONS_PER_YEAR, comparator=Comparator.GTE, value=2
    )
    TermTarget.objects.create(
        term=term, metric=Metric.MEMBER_RATING_RATE, comparator=Comparator.GT, value=85
    )
    return term


# --- warnings ----------------------------------------------------------------------------


def test_warnings_page_lists_the_four_warnings(client, tree, history, leader):
    this_year = datetime.date.today().year
    AdmissionQuota.objects.create(organization=tree.d2, year=this_year, number=100)
    client.force_login(leader)

    response = client.get(reverse("reports:warnings"))

    assert response.status_code == 200
    w = response.context["w"]
    # No admission in the last three years anywhere (F was admitted in 2021).
    assert {c.code for c in response.context["page"]} == {"C1", "C2", "G2", "C3"}
    assert [p.organization.code for p in w.behind_pace] == ["D2"]
    assert {o.code for o in w.below_min_official} >= {"C3"}
    assert w.overdue == []
    assert 'id="cells-without-admissions"' in response.text


def test_warnings_summary_is_a_fragment(client, tree, history, leader):
    client.force_login(leader)
    response = client.get(reverse("reports:warnings"), {"org": tree.d1.pk, "summary": 1})
    assert response.status_code == 200
    assert 'id="warning-counts"' in response.text
    assert "<html" not in response.text


def test_warnings_outsider_404_and_post_405(client, tree, outsider):
    client.force_login(outsider)
    assert client.get(reverse("reports:warnings"), {"org": tree.d1.pk}).status_code == 404
    assert client.post(reverse("reports:warnings")).status_code == 405


# --- terms -------------------------------------------------------------------------------


def test_term_list_shows_the_terms_in_and_above_the_scope(client, tree, xvii, outsider):
    district_term = CongressTerm.objects.create(
        organization=tree.d1, name="XXV", first_year=2020, last_year=2025
    )
    client.force_login(outsider)

    response = client.get(reverse("reports:term_list"))

    assert response.status_code == 200
    assert list(response.context["terms"]) == [xvii]  # not Lập Thạch's own term
    assert district_term.name not in response.text


def test_term_report_page(client, tree, history, xvii, leader):
    client.force_login(leader)

    response = client.get(reverse("reports:term_detail", args=[xvii.pk]))

    assert response.status_code == 200
    r = response.context["r"]
    assert r.organization == tree.p
    assert [y.admitted for y in r.years] == [5, 0, 1, 0]
    assert r.admissions_average == 1.5
    assert [(t.target.metric, t.status, t.years_met) for t in r.targets] == [
        (Metric.ADMISSIONS_PER_YEAR, "NOT_MET", 1),
        (Metric.MEMBER_RATING_RATE, "NO_DATA", 0),
    ]
    assert [s.date for s in r.structures] == [D(2019, 1, 1), D(2022, 12, 31)]
    assert 'id="term-structure"' in response.text


def test_term_report_of_a_district_and_on_a_date(client, tree, history, xvii, outsider):
    client.force_login(outsider)

    response = client.get(reverse("reports:term_detail", args=[xvii.pk]), {"on": "08/10/2020"})

    assert response.status_code == 200
    r = response.context["r"]
    assert r.organization == tree.d2  # the outsider's own district
    assert [y.admitted for y in r.years] == [1, 0, 0, 0]
    # The admission target is the province's: a district gets no verdict on it.
    assert [t.target.metric for t in r.targets] == [Metric.MEMBER_RATING_RATE]
    assert D(2020, 10, 8) in [s.date for s in r.structures]


def test_term_report_outsider_404(client, tree, xvii, outsider):
    district_term = CongressTerm.objects.create(
        organization=tree.d1, name="XXV", first_year=2020, last_year=2025
    )
    client.force_login(outsider)
    detail = reverse("reports:term_detail", args=[xvii.pk])
    assert client.get(detail, {"org": tree.d1.pk}).status_code == 404
    assert client.get(reverse("reports:term_detail", args=[district_term.pk])).status_code == 404
    assert client.get(reverse("reports:term_export", args=[district_term.pk])).status_code == 404


def test_term_pages_refuse_post(client, tree, xvii, leader):
    client.force_login(leader)
    assert client.post(reverse("reports:term_list")).status_code == 405
    assert client.post(reverse("reports:term_detail", args=[xvii.pk])).status_code == 405


def test_term_report_query_count_does_not_grow(
    client, tree, history, xvii, leader, django_assert_max_num_queries
):
    client.force_login(leader)
    url = reverse("reports:term_detail", args=[xvii.pk])
    client.get(url)
    with django_assert_max_num_queries(18) as small:
        client.get(url)
    for i in range(10):
        cell = OrganizationFactory(parent=tree.g3, kind=K.CELL)
        MemberFactory(cell=cell, admission_decision_date=D(2019 + i % 4, 2, 3))
    with django_assert_max_num_queries(len(small)):
        client.get(url)


# --- reconciliation ----------------------------------------------------------------------


def test_reconciliation_page_balances_every_year(client, tree, history, leader):
    client.force_login(leader)

    response = client.get(reverse("reports:reconciliation"))

    assert response.status_code == 200
    assert response.context["mismatch_count"] == 0
    assert [o.code for o, _checks in response.context["rows"]] == ["P", "D1", "D2"]
    assert len(response.context["years"]) == 10


def test_reconciliation_of_one_year_and_a_mismatch(client, tree, history, leader):
    MemberPlacement.objects.filter(member=history.f).update(start_on=D(2022, 2, 1))
    client.force_login(leader)

    response = client.get(reverse("reports:reconciliation"), {"org": tree.d1.pk, "year": 2021})

    assert response.status_code == 200
    assert response.context["single_year"]
    rows = {o.code: checks[0] for o, checks in response.context["rows"]}
    assert list(rows) == ["D1", "G1", "G2"]
    assert (rows["G1"].expected_end, rows["G1"].end) == (4, 3)
    bad = [(r.organization.code, r.year) for r in response.context["page"]]
    assert bad == [("D1", 2021), ("G1", 2021), ("C1", 2021)]
    assert "table-danger" in response.text


def test_reconciliation_outsider_404_and_post_405(client, tree, outsider):
    client.force_login(outsider)
    assert client.get(reverse("reports:reconciliation"), {"org": tree.d1.pk}).status_code == 404
    assert client.post(reverse("reports:reconciliation")).status_code == 405


def test_reconciliation_query_count_does_not_grow(
    client, tree, history, leader, django_assert_max_num_queries
):
    client.force_login(leader)
    url = reverse("reports:reconciliation")
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for _i in range(10):
        cell = OrganizationFactory(parent=tree.g1, kind=K.CELL)
        MemberFactory(cell=cell, admission_decision_date=D(2020, 2, 3))
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_a_user_with_two_districts_starts_at_the_first(client, tree):
    user = UserFactory(username="two")
    assign(user, tree.d2, StaffRole.LEADER)
    assign(user, tree.d1, StaffRole.LEADER)
    client.force_login(user)
    response = client.get(reverse("reports:reconciliation"))
    assert response.context["org"] == tree.d1
