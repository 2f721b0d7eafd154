"""DESIGN.md section 5 figures on hand-computed cases: rating rates, quota fulfilment and
pacing, term average, the per-child breakdown, the make-up of new members, structure and
restructuring, the warnings; and that history rolls up to today's tree after a merger and
a move.

The ``history`` fixture (conftest): 2019 A, B, C admitted in C1, D in C2, E in C3; 2021 F
admitted in C1, A moves to C2, B leaves the province, C is struck off, D dies, E moves to
C1, G comes in from outside into C2.
"""

import datetime
from decimal import Decimal

import pytest

from evaluation.models import Grade, MemberRating, NotRatedReason, OrganizationRating, RemovalForm
from members import services
from members.choices import Ethnicity, Gender, Sector
from members.choices import OrganizationKind as K
from members.models import Organization
from recruitment.choices import SourceGroup, Stage
from recruitment.models import Candidacy
from reports import metrics
from reports.metrics import RatingRate, Status
from reports.models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory

D = datetime.date
TODAY = D(2026, 11, 26)


def rate(member, year, grade, cell=None):
    reason = NotRatedReason.ADMITTED_RECENTLY if grade == Grade.NOT_RATED else ""
    return MemberRating.objects.create(
        member=member,
        year=year,
        grade=grade,
        cell=cell or member.organization,
        not_rated_reason=reason,
    )


def rate_org(org, year, grade):
    return OrganizationRating.objects.create(organization=org, year=year, grade=grade)


@pytest.fixture
def ratings(tree, history):
    """2020: A excellent, B good, C completed (C1); D not completed (C2); E not rated (C3).
    Organizations: G1 good, G2 completed, G3 excellent; C1 (a cell) and D1 (an upper
    committee) rated too but not counted: only grassroots organizations are."""
    h = history
    rate(h.a, 2020, Grade.EXCELLENT, tree.c1)
    rate(h.b, 2020, Grade.GOOD, tree.c1)
    rate(h.c, 2020, Grade.COMPLETED, tree.c1)
    rate(h.d, 2020, Grade.NOT_COMPLETED, tree.c2)
    rate(h.e, 2020, Grade.NOT_RATED, tree.c3)
    rate_org(tree.g1, 2020, Grade.GOOD)
    rate_org(tree.g2, 2020, Grade.COMPLETED)
    rate_org(tree.g3, 2020, Grade.EXCELLENT)
    rate_org(tree.c1, 2020, Grade.NOT_COMPLETED)
    rate_org(tree.d1, 2020, Grade.NOT_COMPLETED)
    return h


def test_member_rating_rate_counts_good_or_better_over_rated(tree, ratings):
    assert metrics.member_rating_rate(tree.p, 2020) == RatingRate(2, 4, 1)
    assert metrics.member_rating_rate(tree.p, 2020).rate == 50
    assert metrics.member_rating_rate(tree.c1, 2020) == RatingRate(2, 3, 0)
    # Nobody rated: no rate, the not-rated row still shown.
    assert metrics.member_rating_rate(tree.d2, 2020) == RatingRate(0, 0, 1)
    assert metrics.member_rating_rate(tree.d2, 2020).rate is None
    assert metrics.member_rating_rate(tree.p, 2021) == RatingRate()


def test_organization_rating_rate_counts_grassroots_organizations_only(tree, ratings):
    assert metrics.organization_rating_rate(tree.p, 2020) == RatingRate(2, 3, 0)
    assert metrics.organization_rating_rate(tree.d1, 2020) == RatingRate(1, 2, 0)
    assert metrics.organization_rating_rate(tree.d2, 2020).rate == 100


def test_quota_fulfilment_of_a_past_year(tree, history):
    AdmissionQuota.objects.create(organization=tree.p, year=2021, number=4)

    pacing = metrics.quota_fulfilment(tree.p, 2021, today=TODAY)

    assert (pacing.admitted, pacing.quota, pacing.fulfilment) == (1, 4, 25)
    assert pacing.status == Status.NOT_MET
    assert metrics.quota_fulfilment(tree.d2, 2021, today=TODAY).status == Status.NO_QUOTA


@pytest.mark.parametrize(
    ("today", "expected", "status"),
    [
        # F was admitted on 01/04/2021; quota 4; 2021 has 365 days.
        (D(2021, 3, 1), 0, Status.ON_TRACK),  # 60 days: 4 × 60 / 365 = 0.66, nobody yet
        (D(2021, 5, 1), 1, Status.ON_TRACK),  # 121 days: 1.33 expected, 1 admitted
        (D(2021, 7, 2), 2, Status.BEHIND),  # 183 days: 2.01 expected, 1 admitted
    ],
)
def test_pacing_compares_admissions_to_date_with_the_share_of_the_year(
    tree, history, today, expected, status
):
    AdmissionQuota.objects.create(organization=tree.p, year=2021, number=4)

    pacing = metrics.pacing(tree.p, 2021, today=today)

    assert pacing.expected == expected
    assert pacing.admitted == (0 if today < D(2021, 4, 1) else 1)
    assert pacing.status == status


def test_pacing_met_once_the_quota_is_reached(tree, history):
    AdmissionQuota.objects.create(organization=tree.g1, year=2021, number=1)
    assert metrics.pacing(tree.g1, 2021, today=D(2021, 4, 2)).status == Status.MET


def test_term_average_sums_admissions_over_the_years(tree, history):
    term = CongressTerm.objects.create(
        organization=tree.p, name="XV", first_year=2019, last_year=2021
    )

    assert metrics.term_average(tree.p, term, today=TODAY) == 2  # (5 + 0 + 1) / 3
    assert metrics.term_average(tree.d2, term, today=TODAY) == Decimal(1) / 3
    # In progress: the years so far.
    assert metrics.term_average(tree.p, term, today=D(2020, 6, 1)) == Decimal(5) / 2


def target(metric, comparator, value):
    return TermTarget(metric=metric, comparator=comparator, value=Decimal(value))


@pytest.mark.parametrize(
    ("t", "actual", "year", "today", "status"),
    [
        (target(Metric.ADMISSIONS_PER_YEAR, ">=", 2300), 2300, 2020, TODAY, Status.MET),
        (target(Metric.ADMISSIONS_PER_YEAR, ">=", 2300), 2299, 2020, TODAY, Status.NOT_MET),
        (target(Metric.MEMBER_RATING_RATE, ">", 85), Decimal(85), 2020, TODAY, Status.NOT_MET),
        (target(Metric.MEMBER_RATING_RATE, ">", 85), Decimal("85.1"), 2020, TODAY, Status.MET),
        (target(Metric.ORGANIZATION_RATING_RATE, ">=", 95), None, 2020, TODAY, Status.NO_DATA),
        # Current year: 1 July 2026 is day 182 of 365; 2000 × 182 / 365 = 997.3.
        (target(Metric.ADMISSIONS_PER_YEAR, ">=", 2000), 998, 2026, D(2026, 7, 1), "ON_TRACK"),
        (target(Metric.ADMISSIONS_PER_YEAR, ">=", 2000), 997, 2026, D(2026, 7, 1), "BEHIND"),
        (target(Metric.ADMISSIONS_PER_YEAR, ">=", 2000), 2000, 2026, D(2026, 7, 1), "MET"),
        (target(Metric.MEMBER_RATING_RATE, ">", 85), Decimal(80), 2026, TODAY, Status.BEHIND),
        (target(Metric.MEMBER_RATING_RATE, ">", 85), 90, 2027, TODAY, Status.NO_DATA),
    ],
)
def test_target_status(t, actual, year, today, status):
    assert metrics.target_status(t, actual, year=year, today=today) == status


def test_breakdown_matches_the_one_number_functions(tree, ratings, django_assert_num_queries):
    AdmissionQuota.objects.create(organization=tree.p, year=2021, number=4)
    AdmissionQuota.objects.create(organization=tree.d1, year=2021, number=3)
    children = [tree.d1, tree.d2]
    years = [2019, 2020, 2021, 2022]

    with django_assert_num_queries(5):
        b = metrics.breakdown(tree.p, years, today=TODAY, children=children)

    for org, figures in [(tree.p, b.years)] + [(c, b.children[c.pk]) for c in children]:
        for y in years:
            f = figures[y]
            assert f.admitted == metrics.admissions_in_year(org, y), (org.code, y)
            assert f.removals == metrics.removals_in_year(org, y), (org.code, y)
            assert f.members == metrics.members_on(org, D(y, 12, 31)), (org.code, y)
            assert f.member_rating == metrics.member_rating_rate(org, y), (org.code, y)
            assert f.organization_rating == metrics.organization_rating_rate(org, y)
    assert (b.years[2021].quota, b.child(tree.d1, 2021).quota, b.child(tree.d2, 2021).quota) == (
        4,
        3,
        None,
    )
    assert b.years[2021].removals == {RemovalForm.STRUCK_OFF: 1}
    assert b.child(tree.d1, 2021).pacing.fulfilment == Decimal(100) / 3


def test_breakdown_query_count_does_not_grow(tree, ratings, django_assert_num_queries):
    for i in range(5):
        cell = OrganizationFactory(parent=tree.g3, kind=K.CELL)
        member = MemberFactory(cell=cell, admission_decision_date=D(2015 + i, 2, 3))
        rate(member, 2020, Grade.GOOD)
    children = list(Organization.objects.filter(depth=2))

    with django_assert_num_queries(5):
        b = metrics.breakdown(tree.p, range(2015, 2027), today=TODAY, children=children)

    assert b.child(tree.d2, 2020).member_rating == RatingRate(5, 5, 1)


def test_breakdown_takes_members_on_today_in_the_current_year(tree, history):
    MemberFactory(cell=tree.c3, admission_decision_date=D(2026, 3, 1))

    b = metrics.breakdown(tree.p, [2026], today=D(2026, 5, 1), children=[tree.d2])

    assert b.years[2026].members == metrics.members_on(tree.p, D(2026, 5, 1)) == 5
    assert b.child(tree.d2, 2026).members == 1
    assert b.child(tree.d2, 2026).admitted == 1


def test_series_by_year(tree, ratings):
    assert metrics.admissions_by_year(tree.p, [2019, 2020, 2021]) == {2019: 5, 2020: 0, 2021: 1}
    assert metrics.member_rating_rates_by_year(tree.d1, [2020, 2021]) == {
        2020: RatingRate(2, 4, 0),
        2021: RatingRate(),
    }
    assert metrics.organization_rating_rates_by_year(tree.p, [2020]) == {2020: RatingRate(2, 3)}


# --- history rolls up to today's tree ----------------------------------------------------


@pytest.fixture
def restructured(tree, ratings, admin_user):
    """H admitted in G2 (2020), rated good; then in 2022 G2 moves from D1 to D2 and G3 (with
    C3) merges into G1."""
    h = MemberFactory(cell=tree.g2, admission_decision_date=D(2020, 2, 3))
    rate(h, 2020, Grade.GOOD)
    g2 = services.organization_move(
        organization=tree.g2, new_parent=tree.d2, on=D(2022, 1, 1), actor=admin_user
    )
    g3 = services.organization_merge(
        source=tree.g3, target=tree.g1, on=D(2022, 6, 1), actor=admin_user
    )
    fresh = {o.code: o for o in Organization.objects.all()}
    return fresh, g2, g3


def test_a_move_takes_the_history_to_the_new_parent(tree, restructured):
    orgs, g2, _g3 = restructured
    d1, d2 = orgs["D1"], orgs["D2"]

    assert g2.path.startswith(d2.path)
    # H's admission and rating, and G2's own rating, now count under D2.
    assert metrics.admissions_in_year(d2, 2020) == 1
    assert metrics.admissions_in_year(d1, 2020) == 0
    assert metrics.member_rating_rate(d2, 2020) == RatingRate(1, 1, 0)
    assert metrics.organization_rating_rate(d2, 2020) == RatingRate(1, 2, 0)  # G3, G2
    assert metrics.organization_rating_rate(d1, 2020) == RatingRate(1, 1, 0)  # G1
    # Stock figures of past dates follow the cell to its new parent, too (E's C3 went
    # to D1 with the merger).
    assert metrics.members_on(d2, D(2020, 12, 31)) == 1


def test_a_merger_takes_the_children_and_their_history_to_the_successor(tree, restructured):
    orgs, _g2, g3 = restructured
    d1, d2, g1 = orgs["D1"], orgs["D2"], orgs["G1"]

    assert g3.closed_on == D(2022, 6, 1)
    assert orgs["C3"].path.startswith(g1.path)
    # E's 2019 admission in C3 now adds up under G1 and D1.
    assert metrics.admissions_in_year(g1, 2019) == 5
    assert metrics.admissions_in_year(d1, 2019) == 5
    assert metrics.admissions_in_year(d2, 2019) == 0
    # E was not rated in C3 in 2020: that row follows C3 too.
    assert metrics.member_rating_rate(d1, 2020) == RatingRate(2, 4, 1)
    # G3 itself stays, closed, under D2: its own rating stays there (beside G2's).
    assert metrics.organization_rating_rate(d2, 2020) == RatingRate(1, 2, 0)
    # The province's figures do not change.
    assert metrics.admissions_in_year(orgs["P"], 2019) == 5
    assert metrics.member_rating_rate(orgs["P"], 2020) == RatingRate(3, 5, 1)


def test_breakdown_after_a_merger_and_a_move(tree, restructured):
    orgs, _g2, _g3 = restructured
    d1, d2 = orgs["D1"], orgs["D2"]

    b = metrics.breakdown(orgs["P"], [2019, 2020], today=TODAY, children=[d1, d2])

    assert [b.child(d1, 2019).admitted, b.child(d2, 2019).admitted] == [5, 0]
    assert [b.child(d1, 2020).admitted, b.child(d2, 2020).admitted] == [0, 1]
    assert b.child(d2, 2020).member_rating == RatingRate(1, 1, 0)
    assert b.years[2020].member_rating == RatingRate(3, 5, 1)


# --- make-up of new members -----------------------------------------------------------


def test_new_members_makeup(tree, history):
    admitted = D(2021, 6, 14)
    thirty = MemberFactory(
        cell=tree.c2,
        admission_decision_date=admitted,
        # 31 tomorrow: still 30 on the decision date.
        person=PersonFactory(
            date_of_birth=D(1990, 6, 15), gender=Gender.FEMALE, ethnicity=Ethnicity.TAY
        ),
    )
    MemberFactory(
        cell=tree.c2,
        admission_decision_date=admitted,
        person=PersonFactory(date_of_birth=D(1990, 6, 14), gender=Gender.FEMALE),  # 31 today
    )
    Candidacy.objects.create(
        person=thirty.person,
        cell=tree.c2,
        source_group=SourceGroup.FARMER,
        stage=Stage.ADMITTED,
        sourced_on=D(2020, 1, 1),
        resolution_on=D(2021, 5, 1),
        decision_on=admitted,
        ceremony_on=D(2021, 6, 20),
        member=thirty,
    )

    makeup = metrics.new_members_makeup(tree.p, 2021)

    # F (born 1980, man, Kinh) and the two above.
    assert (makeup.total, makeup.women, makeup.minorities, makeup.aged_30_or_under) == (3, 2, 1, 1)
    assert makeup.by_source == {SourceGroup.FARMER: 1, metrics.NO_SOURCE: 2}
    assert metrics.new_members_makeup(tree.d2, 2021).total == 0


# --- structure, restructuring, warnings ---------------------------------------------------


def test_structure_and_restructurings_of_a_period(tree, history, admin_user):
    military = OrganizationFactory(
        parent=tree.g1, kind=K.CELL, sector=Sector.COMMUNE_MILITARY, established_on=D(2010, 1, 1)
    )
    services.organization_dissolve(organization=military, on=D(2022, 3, 1), actor=admin_user)
    services.organization_merge(source=tree.g3, target=tree.g1, on=D(2022, 6, 1), actor=admin_user)

    before, after = metrics.structure_on(tree.p, [D(2021, 12, 31), D(2022, 12, 31)])

    assert (before.upper, before.grassroots, before.cells, before.members) == (2, 3, 4, 4)
    assert (after.upper, after.grassroots, after.cells, after.members) == (2, 2, 3, 4)
    found = {
        (r.event, r.kind, r.sector, r.count)
        for r in metrics.restructurings(tree.p, D(2022, 1, 1), D(2022, 12, 31))
    }
    assert found == {
        ("MERGED_INTO", K.GRASSROOTS_COMMITTEE, Sector.WARD, 1),
        ("DISSOLVED", K.CELL, Sector.COMMUNE_MILITARY, 1),
    }
    assert [
        (e.organization.code, e.other.code)
        for e in metrics.mergers(tree.p, D(2022, 1, 1), D(2022, 12, 31))
    ] == [("G3", "G1")]


def test_cells_without_admissions_in_three_years(tree, history):
    OrganizationFactory(parent=tree.g1, kind=K.CELL, established_on=D(2021, 1, 1))  # too young

    found = metrics.cells_without_admissions(tree.p, today=D(2022, 12, 31))

    # F was admitted in C1 in 2021; E's admission in C3 is dated 31/12/2019, just outside.
    assert [c.code for c in found] == ["C2", "G2", "C3"]
    # Three years before 01/01/2022: D was admitted in C2 in May 2019.
    assert [c.code for c in metrics.cells_without_admissions(tree.d1, today=D(2022, 1, 1))] == [
        "G2"
    ]


def test_quota_paces_of_every_quota_holder(tree, history, django_assert_num_queries):
    for org, number in [(tree.p, 4), (tree.d1, 3), (tree.g1, 1), (tree.d2, 1)]:
        AdmissionQuota.objects.create(organization=org, year=2021, number=number)

    with django_assert_num_queries(2):
        paces = metrics.quota_paces(tree.p, 2021, today=TODAY)

    assert [(p.organization.code, p.pacing.admitted, p.pacing.status) for p in paces] == [
        ("P", 1, Status.NOT_MET),
        ("D1", 1, Status.NOT_MET),
        ("G1", 1, Status.MET),
        ("D2", 0, Status.NOT_MET),
    ]


def test_applicable_terms_are_the_nearest_organizations(tree):
    xvi = CongressTerm.objects.create(
        organization=tree.p, name="XVI", first_year=2016, last_year=2020
    )
    TermTarget.objects.create(
        term=xvi, metric=Metric.ADMISSIONS_PER_YEAR, comparator=Comparator.GTE, value=2300
    )
    district = CongressTerm.objects.create(
        organization=tree.d1, name="XXV", first_year=2015, last_year=2020
    )
    TermTarget.objects.create(
        term=district, metric=Metric.MEMBER_RATING_RATE, comparator=Comparator.GT, value=80
    )

    assert metrics.applicable_terms(tree.g1) == [district]
    assert metrics.applicable_terms(tree.g3) == [xvi]
    assert [t.metric for t in metrics.applicable_terms(tree.p)[0].target_list] == [
        Metric.ADMISSIONS_PER_YEAR
    ]
    assert metrics.term_covering([xvi], 2020) == xvi
    assert metrics.term_covering([xvi], 2021) is None
