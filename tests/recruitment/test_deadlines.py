"""Deadlines in working days (R5-R8), over Tết, and the due list of a scope."""

import datetime

import pytest

from members.rules import add_working_days
from recruitment import deadlines, services
from recruitment.choices import CloseOutcome, DueKind, Stage
from recruitment.deadlines import due_list
from tests.recruitment.factories import DEFAULT, CandidacyFactory, Timeline, walk

D = datetime.date


# --- the dates ---------------------------------------------------------------------------


def test_ceremony_due_30_working_days_after_decision_skipping_tet():
    # Tết 2024: 08-14/02 are holidays; six plain weeks would give 13/03.
    assert deadlines.ceremony_due_on(D(2024, 1, 31)) == D(2024, 3, 20)


def test_decision_due_60_working_days_after_resolution_skipping_tet():
    assert deadlines.decision_due_on(D(2024, 1, 15)) == D(2024, 4, 15)


def test_decision_due_without_holidays_is_twelve_weeks():
    assert deadlines.decision_due_on(D(2023, 6, 5)) == D(2023, 8, 28)


def test_recognition_review_due_30_working_days_after_probation_skipping_tet():
    # Tết 2025: 27/01-01/02.
    assert deadlines.recognition_review_due_on(D(2025, 1, 20)) == D(2025, 3, 10)


def test_recognition_decision_due_30_working_days_after_review():
    assert deadlines.recognition_decision_due_on(D(2023, 6, 5)) == add_working_days(
        D(2023, 6, 5), 30
    )
    assert deadlines.recognition_decision_due_on(D(2023, 6, 5)) == D(2023, 7, 17)


def test_probation_ends_12_months_after_ceremony_on_month_end():
    assert deadlines.probation_ends_on(D(2024, 2, 29)) == D(2025, 2, 28)
    assert deadlines.probation_ends_on(D(2023, 5, 19)) == D(2024, 5, 19)


def test_dossier_expires_12_months_after_it_was_ready():
    assert deadlines.dossier_expires_on(D(2023, 3, 10)) == D(2024, 3, 10)


def test_candidacy_deadline_per_stage(candidacy):
    assert deadlines.candidacy_deadline(candidacy) is None
    candidacy = walk(candidacy, Stage.DOSSIER_READY)
    assert deadlines.candidacy_deadline(candidacy) == deadlines.Deadline(
        DueKind.DOSSIER_EXPIRY, D(2024, 3, 10)
    )
    candidacy = walk(candidacy, Stage.CELL_RESOLUTION)
    assert deadlines.candidacy_deadline(candidacy).kind == DueKind.DECISION
    assert deadlines.candidacy_deadline(candidacy).due_on == deadlines.decision_due_on(
        DEFAULT.meeting_on
    )
    candidacy = walk(candidacy, Stage.DECISION)
    assert deadlines.candidacy_deadline(candidacy) == deadlines.Deadline(
        DueKind.CEREMONY, deadlines.ceremony_due_on(DEFAULT.decision_on)
    )
    candidacy = walk(candidacy, Stage.ADMITTED)
    assert deadlines.candidacy_deadline(candidacy).kind == DueKind.RECOGNITION


# --- the due list ------------------------------------------------------------------------

TODAY = D(2024, 3, 1)


def timeline(**dates) -> Timeline:
    """The default timeline shifted so that the given step falls on the given date."""
    ((step, on),) = dates.items()
    return DEFAULT.shifted((on - getattr(DEFAULT, step)).days)


@pytest.fixture
def due_case(tree):
    cases = {}
    # Ceremony due 20/03/2024 (decision 31/01/2024): due soon.
    cases["ceremony"] = walk(
        CandidacyFactory(cell=tree.c1, sourced_on=timeline(decision_on=D(2024, 1, 31)).sourced_on),
        Stage.DECISION,
        timeline(decision_on=D(2024, 1, 31)),
    )
    # A grassroots cell's resolution of 02/10/2023: the decision is overdue; the committee
    # above the grassroots cell (D1) must act.
    t = timeline(meeting_on=D(2023, 10, 2))
    cases["decision_upper"] = walk(
        CandidacyFactory(cell=tree.g2, sourced_on=t.sourced_on), Stage.CELL_RESOLUTION, t
    )
    # Under a grassroots committee, waiting for its approval: G1 must act.
    t = timeline(meeting_on=D(2023, 11, 1))
    cases["decision_approval"] = walk(
        CandidacyFactory(cell=tree.c1, sourced_on=t.sourced_on), Stage.CELL_RESOLUTION, t
    )
    # Dossier of 10/03/2023 expires 10/03/2024.
    cases["dossier"] = walk(CandidacyFactory(cell=tree.c2), Stage.DOSSIER_READY)
    # A fresh dossier (01/06/2023) and a recent decision (28/02/2024): nothing due yet.
    t = timeline(dossier_on=D(2023, 6, 1))
    cases["fresh"] = walk(
        CandidacyFactory(cell=tree.c2, sourced_on=t.sourced_on), Stage.DOSSIER_READY, t
    )
    t = timeline(decision_on=D(2024, 2, 28))
    cases["recent"] = walk(
        CandidacyFactory(cell=tree.g2, sourced_on=t.sourced_on), Stage.DECISION, t
    )
    # Probationary since the ceremony of 20/01/2023: review due 08/03/2024 (Tết skipped).
    t = timeline(ceremony_on=D(2023, 1, 20))
    cases["recognition"] = walk(
        CandidacyFactory(cell=tree.c1, sourced_on=t.sourced_on), Stage.ADMITTED, t
    )
    # Closed, and out of the district's scope.
    cases["closed"] = CandidacyFactory(cell=tree.c1, sourced_on=D(2022, 1, 5))
    services.candidacy_close(
        candidacy=cases["closed"], outcome=CloseOutcome.WITHDRAWN, on=D(2022, 2, 1), reason="x"
    )
    t = timeline(decision_on=D(2024, 1, 31))
    cases["outside"] = walk(
        CandidacyFactory(cell=tree.c3, sourced_on=t.sourced_on), Stage.DECISION, t
    )
    return cases


def _rows(items):
    return [
        (
            i.kind,
            i.due_on,
            i.organization.code,
            i.candidacy.pk if i.candidacy else None,
            i.member.pk if i.member else None,
            i.overdue,
        )
        for i in items
    ]


def test_due_list_of_a_district(tree, district_staff, due_case, django_assert_max_num_queries):
    c = due_case
    with django_assert_max_num_queries(6):
        items = due_list(user=district_staff, today=TODAY)
        rows = _rows(items)
    member = c["recognition"].member
    assert rows == [
        (
            DueKind.DECISION,
            deadlines.decision_due_on(D(2023, 10, 2)),
            "D1",
            c["decision_upper"].pk,
            None,
            True,
        ),
        (
            DueKind.DECISION,
            deadlines.decision_due_on(D(2023, 11, 1)),
            "G1",
            c["decision_approval"].pk,
            None,
            True,
        ),
        (DueKind.RECOGNITION, D(2024, 3, 8), "C1", c["recognition"].pk, member.pk, False),
        (DueKind.DOSSIER_EXPIRY, D(2024, 3, 10), "C2", c["dossier"].pk, None, False),
        (DueKind.CEREMONY, D(2024, 3, 20), "C1", c["ceremony"].pk, None, False),
    ]
    assert deadlines.decision_due_on(D(2023, 10, 2)) < TODAY


def test_due_list_after_committee_approval_names_the_deciding_committee(
    tree, district_staff, due_case
):
    services.candidacy_record_committee_approval(
        candidacy=due_case["decision_approval"], on=D(2023, 11, 8)
    )
    items = due_list(user=district_staff, today=TODAY)
    item = next(i for i in items if i.candidacy == due_case["decision_approval"])
    assert item.organization == tree.d1


def test_due_list_of_a_cell_and_of_a_subtree(tree, cell_staff, admin_user, due_case):
    kinds = {(i.kind, i.organization.code) for i in due_list(user=cell_staff, today=TODAY)}
    # The cell's staff sees what is due about their cell's candidacies, whoever must act.
    assert kinds == {
        (DueKind.DECISION, "G1"),
        (DueKind.RECOGNITION, "C1"),
        (DueKind.CEREMONY, "C1"),
    }
    everything = due_list(user=admin_user, today=TODAY)
    assert due_case["outside"] in [i.candidacy for i in everything]
    only_d2 = due_list(user=admin_user, today=TODAY, organization=tree.d2)
    assert [i.candidacy for i in only_d2] == [due_case["outside"]]


def test_due_list_horizon(district_staff, due_case):
    soon = due_list(user=district_staff, today=TODAY, horizon_days=8)
    assert DueKind.CEREMONY not in {i.kind for i in soon}
    assert DueKind.RECOGNITION in {i.kind for i in soon}


def test_recognized_member_leaves_the_due_list(district_staff, due_case):
    member = due_case["recognition"].member
    services.member_recognize_official(
        member=member,
        resolution_on=D(2024, 1, 25),
        decision_number="5-QĐ/HU",
        decision_on=D(2024, 2, 5),
        committee="Huyện ủy",
    )
    assert member not in [i.member for i in due_list(user=district_staff, today=TODAY)]


def test_outsider_sees_only_their_branch(outsider, due_case):
    items = due_list(user=outsider, today=TODAY)
    assert [i.candidacy for i in items] == [due_case["outside"]]
