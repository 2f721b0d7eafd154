"""Funnel numbers and the pipeline board on a hand-built case."""

import datetime

import pytest

from recruitment import services
from recruitment.choices import CloseOutcome, Stage
from recruitment.models import Candidacy
from recruitment.selectors import (
    funnel_conversions,
    funnel_entries,
    funnel_median_days,
    funnel_stage_counts,
    pipeline_board,
)
from tests.recruitment.factories import DEFAULT, CandidacyFactory, Timeline, walk

D = datetime.date


@pytest.fixture
def funnel_case(tree):
    """Four candidacies in D1's subtree and one outside it (events in brackets).

    a  C1  sourced 10/01/23, certificate 15/02, dossier 10/03, resolution 05/04,
           approval 12/04, decision 08/05, ceremony 19/05/2023
    b  G2  sourced 10/01/23, certificate 01/03, dossier 20/03/2023
    c  C2  sourced 10/01/23, withdrawn 01/02/2023
    d  C1  the timeline of a, 40 days earlier: sourced 01/12/2022 ... decision 29/03/2023
    e  C3  (D2) like a
    """
    a = walk(CandidacyFactory(cell=tree.c1), Stage.ADMITTED)
    tb = Timeline(
        course_start=D(2023, 2, 20),
        course_end=D(2023, 2, 24),
        certificate_on=D(2023, 3, 1),
        introduced_on=D(2023, 3, 2),
        dossier_on=D(2023, 3, 20),
    )
    b = walk(CandidacyFactory(cell=tree.g2), Stage.DOSSIER_READY, tb)
    c = CandidacyFactory(cell=tree.c2)
    services.candidacy_close(
        candidacy=c, outcome=CloseOutcome.WITHDRAWN, on=D(2023, 2, 1), reason="Chuyển đi"
    )
    td = DEFAULT.shifted(-40)
    d = walk(CandidacyFactory(cell=tree.c1, sourced_on=td.sourced_on), Stage.DECISION, td)
    e = walk(CandidacyFactory(cell=tree.c3), Stage.ADMITTED)
    return dict(a=a, b=b, c=c, d=d, e=e)


def nonzero(counts):
    return {k: v for k, v in counts.items() if v}


def test_stage_counts_on_a_date(tree, funnel_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = funnel_stage_counts(organization=tree.d1, on=D(2023, 3, 1))
    assert nonzero(counts) == {
        Stage.COURSE_COMPLETED: 2,  # a (15/02) and b (01/03, the same day)
        Stage.WITHDRAWN: 1,
        Stage.CELL_RESOLUTION: 1,  # d (24/02)
    }
    assert nonzero(funnel_stage_counts(organization=tree.d1, on=D(2022, 12, 31))) == {
        Stage.SOURCED: 1
    }
    assert nonzero(funnel_stage_counts(organization=tree.p, on=D(2023, 6, 1))) == {
        Stage.ADMITTED: 2,
        Stage.DOSSIER_READY: 1,
        Stage.WITHDRAWN: 1,
        Stage.DECISION: 1,
    }
    assert nonzero(funnel_stage_counts(organization=tree.g2, on=D(2023, 6, 1))) == {
        Stage.DOSSIER_READY: 1
    }


def test_entries_per_year(tree, funnel_case):
    assert nonzero(funnel_entries(organization=tree.d1, year=2023)) == {
        Stage.SOURCED: 3,
        Stage.COURSE_COMPLETED: 3,
        Stage.DOSSIER_READY: 3,
        Stage.CELL_RESOLUTION: 2,
        Stage.COMMITTEE_APPROVAL: 2,
        Stage.DECISION: 2,
        Stage.ADMITTED: 1,
        Stage.WITHDRAWN: 1,
    }


def test_conversions_per_year(tree, funnel_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        steps = funnel_conversions(organization=tree.d1, year=2023)
    assert [(s.from_stage, s.to_stage, s.entered, s.converted) for s in steps] == [
        (Stage.SOURCED, Stage.COURSE_COMPLETED, 3, 2),
        (Stage.COURSE_COMPLETED, Stage.DOSSIER_READY, 3, 3),
        (Stage.DOSSIER_READY, Stage.CELL_RESOLUTION, 3, 2),
        (Stage.CELL_RESOLUTION, Stage.DECISION, 2, 2),
        (Stage.DECISION, Stage.ADMITTED, 2, 1),
        (Stage.ADMITTED, Stage.OFFICIAL, 1, 0),
    ]
    assert steps[0].rate == pytest.approx(2 / 3)
    cohort_2022 = funnel_conversions(organization=tree.d1, year=2022)
    assert (cohort_2022[0].entered, cohort_2022[0].converted, cohort_2022[1].entered) == (1, 1, 0)
    assert cohort_2022[1].rate is None


def test_median_days_in_each_stage(tree, funnel_case):
    medians = funnel_median_days(organization=tree.d1, year=2023)
    assert medians == {
        Stage.SOURCED: 36,  # a 36, b 50, c 22, d 36 (left in 2023)
        Stage.COURSE_COMPLETED: 23,  # a 23, b 19, d 23
        Stage.DOSSIER_READY: 26,  # a 26, d 26
        Stage.CELL_RESOLUTION: 7,
        Stage.COMMITTEE_APPROVAL: 26,
        Stage.DECISION: 11,  # a only; d is still waiting
        Stage.ADMITTED: None,
    }


def test_median_days_of_an_even_number_of_stays(tree, funnel_case):
    medians = funnel_median_days(organization=tree.c1, year=2023)
    assert medians[Stage.SOURCED] == 36  # a 36, d 36
    assert funnel_median_days(organization=tree.c2, year=2023)[Stage.SOURCED] == 22


def test_pipeline_board(tree, district_staff, funnel_case, django_assert_max_num_queries):
    candidacies = Candidacy.objects.visible_to(district_staff)
    with django_assert_max_num_queries(3):
        columns = pipeline_board(candidacies=candidacies, today=D(2023, 6, 1), cards_per_stage=5)
        cards = {col.stage: [(c.pk, c.is_overdue) for c in col.cards] for col in columns}
    counts = {col.stage: col.count for col in columns}
    assert [col.stage for col in columns] == [
        Stage.SOURCED,
        Stage.COURSE_COMPLETED,
        Stage.DOSSIER_READY,
        Stage.CELL_RESOLUTION,
        Stage.COMMITTEE_APPROVAL,
        Stage.DECISION,
        Stage.ADMITTED,
    ]
    assert nonzero(counts) == {Stage.DOSSIER_READY: 1, Stage.DECISION: 1, Stage.ADMITTED: 1}
    assert cards[Stage.DECISION] == [(funnel_case["d"].pk, True)]  # ceremony due 11/05/2023
    assert cards[Stage.DOSSIER_READY] == [(funnel_case["b"].pk, False)]


def test_pipeline_board_limits_cards_per_stage_oldest_first(tree):
    older = CandidacyFactory(cell=tree.c1, sourced_on=D(2023, 1, 2))
    CandidacyFactory(cell=tree.c1, sourced_on=D(2023, 1, 9))
    oldest = CandidacyFactory(cell=tree.c2, sourced_on=D(2022, 12, 1))
    columns = pipeline_board(
        candidacies=Candidacy.objects.all(), today=D(2023, 2, 1), cards_per_stage=2
    )
    sourced = columns[0]
    assert sourced.count == 3
    assert [c.pk for c in sourced.cards] == [oldest.pk, older.pk]
