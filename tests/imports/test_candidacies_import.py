"""Importing candidates: a SOURCED candidacy per row, as candidacy_create writes one."""

import datetime

from simple_history.utils import get_history_model_for_model

from imports.models import ImportStatus
from members.services import member_record_death
from recruitment.choices import Stage
from recruitment.models import Candidacy, CandidacyEvent
from recruitment.services import candidacy_create
from tests.factories import MemberFactory, PersonFactory

from .sheets import confirm, label, problems, upload, vi, workbook

SOURCED = datetime.date(2025, 2, 3)


def candidate_row(n=1, **values):
    row = {
        "number": n,
        "full_name": f"Đỗ Thị Nguồn {n}",
        "gender": "Nữ",
        "date_of_birth": datetime.date(2001, 5, 6),
        "national_id": f"0261990{n:05d}",
        "cell_code": "C1",
        "source_group": "Giáo viên",
        "sourced_on": SOURCED,
        "is_youth_union_member": "Có",
    }
    row.update(values)
    return row


def test_candidacies_are_created_at_stage_sourced(district_staff, tree):
    job = upload(district_staff, "candidacies", workbook("candidacies", [candidate_row(1)]))
    assert (job.status, job.to_create) == (ImportStatus.READY, 1), job.errors
    job = confirm(job, district_staff)
    assert job.status == ImportStatus.DONE
    candidacy = Candidacy.objects.get()
    assert (candidacy.stage, candidacy.cell, candidacy.sourced_on) == (
        Stage.SOURCED,
        tree.c1,
        SOURCED,
    )
    assert candidacy.is_youth_union_member and candidacy.has_youth_union
    assert candidacy.source_group == "TEACHER"
    event = CandidacyEvent.objects.get()
    assert (event.stage, event.date, event.actor) == (Stage.SOURCED, SOURCED, district_staff)
    record = get_history_model_for_model(Candidacy).objects.get()
    assert record.history_change_reason == f"import #{job.pk}"


def test_reimport_changes_nothing_and_a_correction_updates(district_staff, tree):
    data = workbook("candidacies", [candidate_row(1)])
    confirm(upload(district_staff, "candidacies", data), district_staff)
    again = upload(district_staff, "candidacies", data)
    assert (again.status, again.unchanged) == (ImportStatus.DONE, 1)

    corrected = workbook("candidacies", [candidate_row(1, cell_code="C2", note="Giỏi")])
    job = confirm(upload(district_staff, "candidacies", corrected), district_staff)
    assert (job.status, job.to_update) == (ImportStatus.DONE, 1), job.errors
    candidacy = Candidacy.objects.get()
    assert (candidacy.cell, candidacy.note) == (tree.c2, "Giỏi")
    assert CandidacyEvent.objects.count() == 1


def test_an_active_member_cannot_be_a_candidate(district_staff, tree):
    member = MemberFactory(cell=tree.c1)
    row = candidate_row(1, national_id=member.person.national_id)
    job = upload(district_staff, "candidacies", workbook("candidacies", [row]))
    assert problems(job) == [
        (2, label("candidacies", "national_id"), vi("This person is already a Party member."))
    ]


def test_a_former_member_may_be_sourced_only_if_readmission_is_possible(district_staff, tree):
    member = MemberFactory(cell=tree.c1)
    member_record_death(member=member, on=datetime.date(2020, 1, 1))
    row = candidate_row(1, national_id=member.person.national_id)
    job = upload(district_staff, "candidacies", workbook("candidacies", [row]))
    assert problems(job) == [
        (
            2,
            label("candidacies", "national_id"),
            vi("This person's membership ended in a way that does not allow re-admission."),
        )
    ]


def test_sourcing_date_and_scope_are_checked(district_staff, tree):
    rows = [
        candidate_row(1, sourced_on=datetime.date(2000, 1, 1)),
        candidate_row(2, cell_code="C3"),
        candidate_row(3, sourced_on=datetime.date(2090, 1, 1)),
    ]
    job = upload(district_staff, "candidacies", workbook("candidacies", rows))
    assert [(r, c) for r, c, _m in problems(job)] == [
        (2, label("candidacies", "sourced_on")),
        (3, label("candidacies", "cell_code")),
        (4, label("candidacies", "sourced_on")),
    ]


def test_an_open_candidacy_past_the_resolution_keeps_its_cell(district_staff, tree):
    person = PersonFactory(national_id="026199000001")
    candidacy = candidacy_create(person=person, cell=tree.c1, sourced_on=SOURCED)
    Candidacy.objects.filter(pk=candidacy.pk).update(stage=Stage.CELL_RESOLUTION)
    row = candidate_row(
        1,
        cell_code="C2",
        full_name=person.full_name,
        gender="Nam",
        date_of_birth=person.date_of_birth,
    )
    job = upload(district_staff, "candidacies", workbook("candidacies", [row]))
    assert [(r, c) for r, c, _m in problems(job)] == [(2, label("candidacies", "cell_code"))]
