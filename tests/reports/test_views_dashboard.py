"""The leaders' dashboard (/reports/, and the home page once "/" points at it): targets,
quota and pacing, the children table with drill-down, the charts' numbers, the funnel, the
make-up of new members, warnings; scope; a query count that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Grade, MemberRating, OrganizationRating
from members.choices import OrganizationKind as K
from members.models import Organization
from recruitment.choices import SourceGroup, Stage
from recruitment.models import Candidacy, CandidacyEvent
from reports import views
from reports.metrics import Status
from reports.models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory

D = datetime.date
URL = reverse("reports:index")
# Session, user, scope, organization, ancestors and children, terms and targets, five
# grouped figures (events, placements, member ratings, organization ratings, quotas),
# funnel, make-up, write scope, scope bar: the same for ten members or ten thousand.
DASHBOARD_QUERIES = 15


@pytest.fixture
def term(tree):
    term = CongressTerm.objects.create(
        organization=tree.p, name="XVII", first_year=2021, last_year=2025
    )
    for metric, comparator, value in (
        (Metric.ADMISSIONS_PER_YEAR, Comparator.GTE, 2),
        (Metric.MEMBER_RATING_RATE, Comparator.GT, 85),
        (Metric.ORGANIZATION_RATING_RATE, Comparator.GT, 90),
    ):
        TermTarget.objects.create(term=term, metric=metric, comparator=comparator, value=value)
    return term


@pytest.fixture
def figures(tree, history, term):
    """2021: F admitted in C1 (the only admission); quotas P 4, D1 3, D2 1; ratings of
    2021: A excellent and G good (C2), E completed (C1); G1 good, G3 completed."""
    for org, number in ((tree.p, 4), (tree.d1, 3), (tree.d2, 1)):
        AdmissionQuota.objects.create(organization=org, year=2021, number=number)
    for member, grade in ((history.a, Grade.EXCELLENT), (history.g, Grade.GOOD)):
        MemberRating.objects.create(member=member, year=2021, grade=grade, cell=tree.c2)
    MemberRating.objects.create(member=history.e, year=2021, grade=Grade.COMPLETED, cell=tree.c1)
    OrganizationRating.objects.create(organization=tree.g1, year=2021, grade=Grade.GOOD)
    OrganizationRating.objects.create(organization=tree.g3, year=2021, grade=Grade.COMPLETED)
    return history


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_province_dashboard_shows_targets_quota_and_children(client, tree, figures, leader):
    response = get(client, leader, year=2021)

    assert response.status_code == 200
    d = response.context["d"]
    assert d.organization == tree.p
    assert d.term.name == "XVII"
    assert d.years == [2021, 2022, 2023, 2024, 2025]
    cards = {c.target.metric: (c.actual, c.status) for c in d.cards}
    assert cards == {
        Metric.ADMISSIONS_PER_YEAR: (1, Status.NOT_MET),
        Metric.MEMBER_RATING_RATE: (Decimal(200) / 3, Status.NOT_MET),
        Metric.ORGANIZATION_RATING_RATE: (50, Status.NOT_MET),
    }
    pacing = d.figures.pacing
    assert (pacing.admitted, pacing.quota, pacing.status) == (1, 4, Status.NOT_MET)
    rows = {r.organization.code: r for r in d.rows}
    assert list(rows) == ["D1", "D2"]
    assert (rows["D1"].figures.quota, rows["D1"].figures.admitted) == (3, 1)
    assert rows["D1"].figures.members == 4  # A, E, F, G on 31/12/2021
    assert rows["D1"].figures.member_rating.rate == Decimal(200) / 3
    assert rows["D2"].figures.organization_rating.rate == 0
    assert rows["D1"].figures.removals == {"STRUCK_OFF": 1}
    assert d.children_quota == 4
    html = response.text
    assert f'href="?org={tree.d1.pk}&amp;year=2021"' in html
    assert 'id="admissions-table"' in html and 'id="rates-table"' in html
    assert '<script id="chart-data" type="application/json">' in html
    charts = response.context["chart_data"]
    assert charts["admissions"]["bars"][0] == 1
    assert charts["admissions"]["line"] == [2, 2, 2, 2, 2]


def test_drill_down_to_a_district_and_its_breadcrumbs(client, tree, figures, leader):
    response = get(client, leader, org=tree.d1.pk, year=2021)

    assert response.status_code == 200
    d = response.context["d"]
    assert [r.organization.code for r in d.rows] == ["G1", "G2"]
    # A district is held to its quota: no card for the province's admission target.
    assert Metric.ADMISSIONS_PER_YEAR not in {c.target.metric for c in d.cards}
    assert d.figures.quota == 3
    assert response.context["crumbs"] == [(tree.p, True)]
    assert f'href="?org={tree.p.pk}&amp;year=2021"' in response.text
    # The admissions chart draws the district's quotas instead of the congress target.
    assert response.context["chart_data"]["admissions"]["line"][0] == 3


def test_a_cell_dashboard_has_no_children_table(client, tree, figures, cell_staff):
    response = get(client, cell_staff)

    assert response.status_code == 200
    assert response.context["d"].organization == tree.c1
    assert response.context["d"].rows == []
    assert not response.context["can_assign"]


def test_outsider_gets_404_for_an_organization_outside_the_scope(client, tree, figures, outsider):
    assert get(client, outsider, org=tree.d1.pk).status_code == 404
    assert get(client, outsider, org="nope").status_code == 404
    # Their own scope works.
    assert get(client, outsider).context["d"].organization == tree.d2


def test_post_is_not_allowed(client, tree, leader):
    client.force_login(leader)
    assert client.post(URL).status_code == 405


def test_anonymous_is_sent_to_the_login(client, tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_user_without_scope_sees_a_notice(client, tree, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "reports/no_scope.html" in [t.name for t in response.templates]


def test_invalid_year_falls_back_to_the_current_year(client, tree, leader):
    response = get(client, leader, year="abc")
    assert response.context["d"].year == timezone.localdate().year


def test_the_quota_link_is_for_staff_only(client, tree, district_staff, leader):
    assert get(client, district_staff).context["can_assign"]
    assert 'id="quota-link"' in get(client, district_staff).text
    assert not get(client, leader).context["can_assign"]


def test_children_behind_their_pace_are_warned(client, tree, figures, leader):
    d = get(client, leader, year=2021).context["d"]
    assert [r.organization.code for r in d.behind] == ["D1", "D2"]  # 1 of 3, 0 of 1


def test_funnel_and_makeup(client, tree, history, leader):
    woman = MemberFactory(
        cell=tree.c3,
        admission_decision_date=D(2022, 3, 1),
        person=PersonFactory(date_of_birth=D(2000, 1, 1), gender="FEMALE", ethnicity="TAY"),
    )
    candidacy = Candidacy.objects.create(
        person=woman.person,
        cell=tree.c3,
        source_group=SourceGroup.PUPIL_STUDENT,
        stage=Stage.ADMITTED,
        sourced_on=D(2021, 1, 1),
        resolution_on=D(2022, 1, 5),
        decision_on=D(2022, 3, 1),
        ceremony_on=D(2022, 3, 10),
        member=woman,
    )
    CandidacyEvent.objects.create(candidacy=candidacy, stage=Stage.SOURCED, date=D(2021, 1, 1))
    CandidacyEvent.objects.create(candidacy=candidacy, stage=Stage.ADMITTED, date=D(2022, 3, 10))

    d = get(client, leader, year=2022).context["d"]

    assert dict((stage, n) for stage, _label, n in d.funnel)[Stage.ADMITTED] == 1
    m = d.makeup
    assert (m.total, m.women, m.minorities, m.aged_30_or_under) == (1, 1, 1, 1)
    assert d.makeup_sources == [(SourceGroup.PUPIL_STUDENT.label, 1)]


def test_dashboard_works_mounted_as_the_home_page(tree, figures, leader):
    request = RequestFactory().get("/", {"year": "2021"})
    request.user = leader

    response = views.dashboard(request)

    assert response.status_code == 200
    html = response.content.decode()
    # Drill-down links are relative, so they stay on "/".
    assert f'href="?org={tree.d1.pk}&amp;year=2021"' in html


def _grow(tree, n):
    """n more cells under G3, each with a member admitted, rated and a quota."""
    for i in range(n):
        cell = OrganizationFactory(parent=tree.g3, kind=K.CELL)
        member = MemberFactory(cell=cell, admission_decision_date=D(2021, 1 + i % 12, 3))
        MemberRating.objects.create(member=member, year=2022, grade=Grade.GOOD, cell=cell)
        AdmissionQuota.objects.create(organization=cell, year=2022, number=1)
    for _i in range(n):
        OrganizationFactory(parent=Organization.objects.get(code="P"), kind=K.UPPER)


@pytest.mark.parametrize("more", [0, 25])
def test_province_dashboard_query_count_does_not_grow(
    client, tree, figures, leader, more, django_assert_max_num_queries
):
    _grow(tree, more)
    client.force_login(leader)
    client.get(URL)  # the session's first use writes nothing after this

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL, {"year": 2022})

    assert response.status_code == 200
    assert len(response.context["d"].rows) == 2 + more
