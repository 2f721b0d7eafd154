"""Importing party members: created with placement and admission, updated by national ID."""

import datetime

import pytest
from simple_history.utils import get_history_model_for_model

from imports.models import ImportStatus
from members.choices import EventKind, MemberStatus
from members.models import Member, MemberPlacement, MembershipEvent, Person
from reports.metrics import reconciliation
from tests.factories import MemberFactory, PersonFactory

from .sheets import ADMITTED, confirm, label, member_row, problems, upload, vi, workbook


def _import(user, rows, **kwargs):
    job = upload(user, "members", workbook("members", rows, **kwargs))
    if job.status == ImportStatus.READY:
        job = confirm(job, user)
    return job


def test_members_are_created_with_placement_and_admission_event(district_staff, tree):
    job = upload(district_staff, "members", workbook("members", [member_row(1), member_row(2)]))
    assert job.status == ImportStatus.READY
    assert (job.to_create, job.to_update, job.unchanged, job.error_count) == (2, 0, 0, 0)
    assert not Member.objects.exists()

    job = confirm(job, district_staff)

    assert job.status == ImportStatus.DONE
    assert job.to_create == 2
    member = Member.objects.get(person__national_id="026090000001")
    assert member.person.full_name == "Phạm Văn Nhập 1"
    assert member.person.search_name == "pham van nhap 1"
    assert member.organization == tree.c1
    assert member.status == MemberStatus.OFFICIAL
    placement = MemberPlacement.objects.get(member=member)
    assert (placement.cell, placement.start_on, placement.end_on) == (tree.c1, ADMITTED, None)
    event = MembershipEvent.objects.get(member=member)
    assert (event.kind, event.date, event.organization) == (EventKind.ADMISSION, ADMITTED, tree.c1)
    assert event.decision_number == "1-QĐ/HU"
    assert event.actor == district_staff
    assert reconciliation(tree.p, ADMITTED.year).admitted == 2
    assert reconciliation(tree.p, ADMITTED.year).balanced


def test_imported_rows_are_traceable_in_the_edit_history(district_staff, tree):
    job = _import(district_staff, [member_row(1)])
    for model in (Person, Member, MemberPlacement):
        record = get_history_model_for_model(model).objects.get()
        assert record.history_change_reason == f"import #{job.pk}"
        assert record.history_user == district_staff
        assert record.history_type == "+"


def test_member_joined_later_gets_a_transfer_in_like_member_register(district_staff, tree):
    joined = datetime.date(2019, 3, 1)
    _import(district_staff, [member_row(1, placed_on=joined)])
    member = Member.objects.get()
    assert MemberPlacement.objects.get(member=member).start_on == joined
    event = MembershipEvent.objects.get(member=member)
    assert (event.kind, event.date, event.is_external) == (EventKind.TRANSFER_IN, joined, True)
    assert reconciliation(tree.p, 2019).balanced


def test_importing_the_same_file_again_changes_nothing(district_staff, tree):
    data = workbook("members", [member_row(1), member_row(2)])
    first = upload(district_staff, "members", data)
    confirm(first, district_staff)
    history = get_history_model_for_model(Person).objects.count()

    again = upload(district_staff, "members", data)

    assert again.status == ImportStatus.DONE
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 2)
    assert Member.objects.count() == 2
    assert MembershipEvent.objects.count() == 2
    assert get_history_model_for_model(Person).objects.count() == history


def test_a_corrected_file_updates_by_national_id(district_staff, tree):
    _import(district_staff, [member_row(1), member_row(2)])
    corrected = [
        member_row(1, full_name="Phạm Văn Nhập Sửa", residence="Thôn Mới"),
        member_row(2, party_card_number="12345678"),
    ]
    job = _import(district_staff, corrected)
    assert job.status == ImportStatus.DONE
    assert (job.to_create, job.to_update, job.unchanged) == (0, 2, 0)
    person = Person.objects.get(national_id="026090000001")
    assert (person.full_name, person.search_name) == ("Phạm Văn Nhập Sửa", "pham van nhap sua")
    assert person.residence == "Thôn Mới"
    assert Member.objects.get(person__national_id="026090000002").party_card_number == "12345678"
    assert Member.objects.count() == 2
    assert MembershipEvent.objects.count() == 2
    record = person.history.first()
    assert (record.history_type, record.history_change_reason) == ("~", f"import #{job.pk}")


def test_columns_left_out_of_the_file_keep_their_values(district_staff, tree):
    member = MemberFactory(cell=tree.c1, person=PersonFactory(home_town="Lập Thạch"))
    row = {
        "full_name": member.person.full_name,
        "gender": "Nam",
        "date_of_birth": member.person.date_of_birth,
        "national_id": member.person.national_id,
        "cell_code": "C1",
        "status": "Đảng viên chính thức",
        "admission_decision_date": member.admission_decision_date,
    }
    job = upload(district_staff, "members", workbook("members", [row]))
    assert (job.status, job.unchanged) == (ImportStatus.DONE, 1)
    assert Person.objects.get(pk=member.person_id).home_town == "Lập Thạch"


def test_a_person_without_membership_becomes_a_member(district_staff, tree):
    person = PersonFactory(national_id="026090000001", full_name="Phạm Văn Nhập 1")
    job = _import(district_staff, [member_row(1)])
    assert job.status == ImportStatus.DONE
    assert Member.objects.get().person == person


@pytest.mark.parametrize(
    ("values", "key", "message", "params"),
    [
        ({"full_name": None}, "full_name", "Required: this cell cannot be empty.", {}),
        (
            {"national_id": "12345"},
            "national_id",
            "The national ID (CCCD) must have exactly 12 digits.",
            {},
        ),
        (
            {"date_of_birth": "khoảng 1985"},
            "date_of_birth",
            "“%(value)s” is not a date: write it as dd/mm/yyyy or enter an Excel date.",
            {"value": "khoảng 1985"},
        ),
        (
            {"date_of_birth": "31/02/1985"},
            "date_of_birth",
            "“%(value)s” is not a valid date.",
            {"value": "31/02/1985"},
        ),
        (
            {"gender": "Nữ giới"},
            "gender",
            "“%(value)s” is not in the list of allowed values; choose one from the list.",
            {"value": "Nữ giới"},
        ),
        (
            {"cell_code": "XX9"},
            "cell_code",
            "No organization has the code “%(code)s”.",
            {"code": "XX9"},
        ),
        (
            {"status": "REMOVED"},
            "status",
            "A new member must be probationary or official.",
            {},
        ),
        (
            {"date_of_birth": datetime.date(2000, 1, 1)},
            "admission_decision_date",
            "On the admission decision date the member was %(years)s full years old; the "
            "minimum is %(minimum)s full years.",
            {"years": 15, "minimum": 18},
        ),
        (
            {"official_date": datetime.date(2016, 7, 1)},
            "official_date",
            "The official date must be exactly 12 months after the ceremony: %(date)s (mark "
            "the row as a historical record for old records that differ).",
            {"date": "15/06/2016"},
        ),
        (
            {"ceremony_date": None},
            "ceremony_date",
            "Enter the admission ceremony date, or mark the row as a historical record.",
            {},
        ),
        (
            {"status": "Đảng viên dự bị"},
            "official_date",
            "A probationary member has no official membership date yet.",
            {},
        ),
        (
            {"is_historical_record": "có lẽ"},
            "is_historical_record",
            "Write “Có” (yes) or “Không” (no).",
            {},
        ),
    ],
)
def test_row_errors_name_the_row_the_column_and_the_rule(
    district_staff, tree, values, key, message, params
):
    rows = [member_row(1), member_row(2, **values)]
    job = upload(district_staff, "members", workbook("members", rows))
    assert job.status == ImportStatus.INVALID
    assert problems(job) == [(3, label("members", key), vi(message, **params))]
    assert job.errors[0]["cell"].endswith("3")
    assert not Person.objects.exists()


def test_historical_records_may_differ_from_todays_rules(district_staff, tree):
    row = member_row(
        1,
        ceremony_date=None,
        official_date=datetime.date(1980, 1, 1),
        admission_decision_date=datetime.date(1979, 1, 1),
        is_historical_record="Có",
        date_of_birth=datetime.date(1950, 1, 1),
        placed_on=datetime.date(2001, 1, 1),
    )
    job = _import(district_staff, [row])
    assert job.status == ImportStatus.DONE, job.errors
    assert Member.objects.get().is_historical_record


def test_national_id_that_lost_its_leading_zeros_in_excel_is_restored(district_staff, tree):
    job = _import(district_staff, [member_row(1, national_id=26090000001)])
    assert job.status == ImportStatus.DONE
    assert Person.objects.get().national_id == "026090000001"


def test_dates_typed_as_text_are_read_as_day_month_year(district_staff, tree):
    job = _import(district_staff, [member_row(1, date_of_birth="12/04/1985")])
    assert job.status == ImportStatus.DONE
    assert Person.objects.get().date_of_birth == datetime.date(1985, 4, 12)


def test_duplicates_inside_the_file_are_errors(district_staff, tree):
    rows = [
        member_row(1, party_card_number="111"),
        member_row(2),
        member_row(3, national_id="026090000001"),
        member_row(4, party_card_number="111"),
    ]
    job = upload(district_staff, "members", workbook("members", rows))
    assert problems(job) == [
        (
            4,
            label("members", "national_id"),
            vi("The national ID %(id)s is also on row %(row)d.", id="026090000001", row=2),
        ),
        (
            5,
            label("members", "party_card_number"),
            vi("The party card number %(card)s is also on row %(row)d.", card="111", row=2),
        ),
    ]


def test_party_card_of_another_member_in_the_database_is_an_error(district_staff, tree):
    MemberFactory(cell=tree.c2, party_card_number="999")
    job = upload(
        district_staff, "members", workbook("members", [member_row(1, party_card_number="999")])
    )
    assert problems(job) == [
        (
            2,
            label("members", "party_card_number"),
            vi("Another member already has this party card number."),
        )
    ]


def test_status_cell_and_admission_date_of_existing_members_are_not_changed(district_staff, tree):
    _import(district_staff, [member_row(1)])
    row = member_row(
        1,
        cell_code="C2",
        status="Đảng viên dự bị",
        official_date=None,
        admission_decision_date=datetime.date(2015, 6, 2),
    )
    job = upload(district_staff, "members", workbook("members", [row]))
    assert [(r, c) for r, c, _m in problems(job)] == [
        (2, label("members", "cell_code")),
        (2, label("members", "status")),
        (2, label("members", "admission_decision_date")),
    ]


def test_a_candidate_in_the_pipeline_is_not_imported_as_member(district_staff, tree):
    from recruitment.services import candidacy_create

    person = PersonFactory(national_id="026090000001")
    candidacy_create(person=person, cell=tree.c1, sourced_on=datetime.date(2024, 1, 1))
    job = upload(district_staff, "members", workbook("members", [member_row(1)]))
    assert [(r, c) for r, c, _m in problems(job)] == [(2, label("members", "national_id"))]


def test_a_cell_outside_the_users_scope_is_an_error_not_a_skip(cell_staff, tree):
    rows = [member_row(1), member_row(2, cell_code="C2"), member_row(3, cell_code="C3")]
    job = upload(cell_staff, "members", workbook("members", rows))
    message = "The cell “%(code)s” is outside your scope: you may not change its data."
    assert job.status == ImportStatus.INVALID
    assert problems(job) == [
        (3, label("members", "cell_code"), vi(message, code="C2")),
        (4, label("members", "cell_code"), vi(message, code="C3")),
    ]
    assert not Member.objects.exists()


def test_a_member_of_another_branch_is_not_updated(outsider, tree):
    member = MemberFactory(cell=tree.c1)
    row = member_row(1, national_id=member.person.national_id, cell_code="C3")
    job = upload(outsider, "members", workbook("members", [row]))
    assert [(r, c) for r, c, _m in problems(job)] == [(2, label("members", "national_id"))]


def test_a_cell_must_be_an_active_party_cell(admin_user, tree):
    from members.services import organization_dissolve

    organization_dissolve(organization=tree.c2, on=datetime.date(2020, 1, 1))
    rows = [member_row(1, cell_code="G1"), member_row(2, cell_code="C2")]
    job = upload(admin_user, "members", workbook("members", rows))
    assert [(r, c) for r, c, _m in problems(job)] == [
        (2, label("members", "cell_code")),
        (3, label("members", "cell_code")),
    ]


def test_a_late_error_leaves_everything_unwritten(district_staff, tree, monkeypatch):
    """Row 500 of 600 breaks while writing (the registry changed since the check)."""
    monkeypatch.setattr("imports.pipeline.BATCH_SIZE", 100)
    rows = [member_row(n) for n in range(1, 601)]
    job = upload(district_staff, "members", workbook("members", rows))
    assert (job.status, job.to_create) == (ImportStatus.READY, 600)
    # Someone registers the person of row 500 between the check and the confirmation.
    late = MemberFactory(
        cell=tree.c3, person=PersonFactory(national_id=member_row(499)["national_id"])
    )

    job = confirm(job, district_staff)

    assert job.status == ImportStatus.INVALID
    assert job.message == vi("The registry changed since the check; nothing was written.")
    assert [(r, c) for r, c, _m in problems(job)] == [(500, label("members", "national_id"))]
    assert list(Member.objects.all()) == [late]
    assert Person.objects.count() == 1
    assert MembershipEvent.objects.count() == 1
    assert (
        not get_history_model_for_model(Person)
        .objects.filter(history_change_reason=f"import #{job.pk}")
        .exists()
    )


def test_check_writes_nothing(district_staff, tree):
    job = upload(district_staff, "members", workbook("members", [member_row(1)]))
    assert job.status == ImportStatus.READY
    assert not Person.objects.exists()
    assert not MembershipEvent.objects.exists()


def test_every_problem_of_a_row_is_listed(district_staff, tree):
    row = member_row(1, cell_code="XX9", date_of_birth=datetime.date(2000, 1, 1))
    job = upload(district_staff, "members", workbook("members", [row]))
    assert [(r, c) for r, c, _m in problems(job)] == [
        (2, label("members", "cell_code")),
        (2, label("members", "admission_decision_date")),
    ]


def test_text_with_quotes_backslashes_and_braces_is_stored_as_written(district_staff, tree):
    awkward = 'Thôn "Mới", {khu 2} \\ ngõ 3; NULL'
    job = _import(district_staff, [member_row(1, residence=awkward, full_name='Lê Thị "Út"')])
    assert job.status == ImportStatus.DONE, job.errors
    person = Person.objects.get()
    assert (person.residence, person.full_name) == (awkward, 'Lê Thị "Út"')
    assert person.history.get().residence == awkward
