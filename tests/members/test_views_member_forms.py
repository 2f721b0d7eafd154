"""Member forms: create, edit, transfer (within, out, in), death.

Each view: the happy path, the outsider gets 404 (or cannot name an object outside their
scope), the read-only leader gets 403, and methods other than GET and POST get 405.
Errors are shown in Vietnamese next to the field.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.choices import EventKind, MemberStatus
from members.models import Member, MembershipEvent, Person, Transfer
from members.rules import add_months
from tests.factories import MemberFactory, PersonFactory

CREATE = reverse("members:member_create")
TRANSFER_IN = reverse("members:member_transfer_in")


def _url(name, member):
    return reverse(f"members:{name}", args=[member.pk])


def _d(date):
    return date.strftime("%d/%m/%Y")


@pytest.fixture
def member(tree):
    return MemberFactory(
        cell=tree.c1,
        person=PersonFactory(full_name="Nguyễn Văn An", date_of_birth=datetime.date(1985, 4, 30)),
        admission_decision_date=datetime.date(2010, 3, 2),
    )


def person_data(**overrides):
    return {
        "full_name": "Trần Văn Mới",
        "gender": "MALE",
        "date_of_birth": "15/04/1990",
        "national_id": "026090012345",
        "ethnicity": "KINH",
        "religion": "NONE",
        "home_town": "Lập Thạch, Vĩnh Phúc",
        "residence": "",
        "general_education": "UPPER_SECONDARY",
        "professional_qualification": "BACHELOR",
        "political_theory": "ELEMENTARY",
        "occupation_group": "TEACHER",
        **overrides,
    }


def admission_data(**overrides):
    return {
        "admission_decision_number": "125-QĐ/HU",
        "admission_decision_date": "10/01/2015",
        "admission_committee": "Huyện ủy Lập Thạch",
        "ceremony_date": "20/01/2015",
        "official_date": "20/01/2016",
        "party_card_number": "",
        **overrides,
    }


def create_data(cell, **overrides):
    return {**person_data(), **admission_data(), "status": "OFFICIAL", "cell": cell.pk, **overrides}


def _field_error(response, field):
    """The error shown next to ``field``: in the form and rendered under the input."""
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert f'id="error_1_id_{field}"' in response.text
    return errors[0]


# --- create ------------------------------------------------------------------------------


def test_create_registers_a_member_with_admission_event(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c1))
    member = Member.objects.get(person__national_id="026090012345")
    assert response.status_code == 302
    assert response.url == _url("member_detail", member)
    assert member.organization == tree.c1
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == datetime.date(2016, 1, 20)
    event = member.events.get()
    assert (event.kind, event.date, event.actor) == (
        EventKind.ADMISSION,
        datetime.date(2015, 1, 10),
        district_staff,
    )
    assert "đã được nhập" in client.get(response.url).text


def test_create_form_shows_cells_of_the_write_scope_with_parent_names(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.get(CREATE, {"cell": tree.c2.pk})
    text = response.text
    assert response.status_code == 200
    assert "Chi bộ thôn Phấn Kiến — Đảng bộ xã Đình Chu" in text
    assert "Chi bộ Trường THPT Lập Thạch — Huyện ủy Lập Thạch" in text
    assert f'<option value="{tree.c2.pk}" selected>' in text
    assert "Chi bộ tổ dân phố 1" not in text
    # Only cells: a grassroots committee is not a choice.
    assert f'<option value="{tree.g1.pk}"' not in text


def test_create_rejects_a_cell_outside_the_write_scope(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c3))
    assert _field_error(response, "cell").startswith("Hãy chọn một lựa chọn hợp lệ.")
    assert not Person.objects.filter(national_id="026090012345").exists()


def test_create_is_403_for_the_read_only_leader(client, tree, leader):
    client.force_login(leader)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, create_data(tree.c1)).status_code == 403
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_id", "02609001234", "Số CCCD phải có đúng 12 chữ số."),
        ("national_id", "02609001234X", "Số CCCD phải có đúng 12 chữ số."),
        ("date_of_birth", "31/02/1990", "Nhập ngày hợp lệ theo dạng dd/mm/yyyy."),
        ("date_of_birth", "1990-04-15", "Nhập ngày hợp lệ theo dạng dd/mm/yyyy."),
    ],
)
def test_create_field_errors_are_vietnamese(client, tree, district_staff, field, value, message):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c1, **{field: value}))
    assert _field_error(response, field) == message
    assert not Member.objects.exists()


def test_date_of_birth_in_the_future_is_refused(client, tree, district_staff):
    client.force_login(district_staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(CREATE, create_data(tree.c1, date_of_birth=_d(tomorrow)))
    assert _field_error(response, "date_of_birth") == "Ngày sinh phải là một ngày trong quá khứ."


def test_member_admitted_at_17_is_refused(client, tree, district_staff):
    client.force_login(district_staff)
    # Born 15/04/1990: 18 full years only from 15/04/2008.
    data = create_data(
        tree.c1,
        admission_decision_date="14/04/2008",
        ceremony_date="20/04/2008",
        official_date="20/04/2009",
    )
    message = _field_error(client.post(CREATE, data), "admission_decision_date")
    assert message == (
        "Vào ngày quyết định kết nạp, người này mới đủ 17 tuổi; phải đủ 18 tuổi trở lên."
    )


def test_member_admitted_on_the_18th_birthday_is_accepted(client, tree, district_staff):
    client.force_login(district_staff)
    data = create_data(
        tree.c1,
        admission_decision_date="15/04/2008",
        ceremony_date="20/04/2008",
        official_date="20/04/2009",
    )
    assert client.post(CREATE, data).status_code == 302


def test_official_date_must_be_12_months_after_the_ceremony(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c1, official_date="21/01/2016"))
    assert _field_error(response, "official_date") == (
        "Ngày chính thức phải đúng 12 tháng sau ngày lễ kết nạp: 20/01/2016 "
        "(đánh dấu “hồ sơ lịch sử” nếu hồ sơ cũ có ngày khác)."
    )


def test_historical_record_may_have_another_official_date(client, tree, district_staff):
    client.force_login(district_staff)
    data = create_data(tree.c1, official_date="02/09/2016", is_historical_record="on")
    assert client.post(CREATE, data).status_code == 302
    assert Member.objects.get().is_historical_record


def test_probationary_member_has_no_official_date(client, tree, district_staff):
    client.force_login(district_staff)
    ceremony = timezone.localdate() - datetime.timedelta(days=30)
    data = create_data(
        tree.c1,
        status="PROBATIONARY",
        admission_decision_date=_d(ceremony - datetime.timedelta(days=10)),
        ceremony_date=_d(ceremony),
        official_date=_d(add_months(ceremony, 12)),
    )
    response = client.post(CREATE, data)
    assert "dự bị" in _field_error(response, "official_date")
    data["official_date"] = ""
    assert client.post(CREATE, data).status_code == 302


def test_duplicate_national_id_is_refused_next_to_the_field(client, tree, member, district_staff):
    client.force_login(district_staff)
    response = client.post(CREATE, create_data(tree.c1, national_id=member.person.national_id))
    assert _field_error(response, "national_id") == "Đã có người mang số CCCD này."


def test_service_errors_land_next_to_the_field(client, tree, district_staff):
    # The cell did not exist on the admission date: the service says so, on "cell".
    client.force_login(district_staff)
    response = client.post(
        CREATE,
        create_data(
            tree.c1,
            admission_decision_date="10/01/1999",
            ceremony_date="20/01/1999",
            official_date="20/01/2000",
            date_of_birth="15/04/1970",
        ),
    )
    assert _field_error(response, "cell") == "Chi bộ này không hoạt động vào ngày đã chọn."


# --- edit --------------------------------------------------------------------------------


def edit_data(member, **overrides):
    person = member.person
    return {
        **person_data(
            full_name=person.full_name,
            date_of_birth=_d(person.date_of_birth),
            national_id=person.national_id,
        ),
        **admission_data(
            admission_decision_number=member.admission_decision_number,
            admission_decision_date=_d(member.admission_decision_date),
            ceremony_date=_d(member.ceremony_date),
            official_date=_d(member.official_date),
        ),
        **overrides,
    }


def test_edit_saves_through_the_service_with_history(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(_url("member_edit", member), edit_data(member, residence="Xóm Mới"))
    assert response.status_code == 302
    member.person.refresh_from_db()
    assert member.person.residence == "Xóm Mới"
    assert member.person.history.first().history_user == district_staff


def test_edit_form_is_filled_in(client, member, district_staff):
    client.force_login(district_staff)
    response = client.get(_url("member_edit", member))
    assert 'value="30/04/1985"' in response.text
    assert 'value="Nguyễn Văn An"' in response.text


def test_edit_refuses_an_official_date_not_12_months_after(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(
        _url("member_edit", member), edit_data(member, official_date="01/01/2012")
    )
    assert "12 tháng" in _field_error(response, "official_date")


def test_edit_is_404_outside_the_scope(client, member, outsider):
    client.force_login(outsider)
    assert client.get(_url("member_edit", member)).status_code == 404
    assert client.post(_url("member_edit", member), edit_data(member)).status_code == 404


def test_edit_is_403_for_the_leader(client, member, leader):
    client.force_login(leader)
    assert client.get(_url("member_edit", member)).status_code == 403
    response = client.post(_url("member_edit", member), edit_data(member, residence="X"))
    assert response.status_code == 403
    member.person.refresh_from_db()
    assert member.person.residence == ""


def test_cell_staff_cannot_edit_a_member_of_a_sibling_cell(client, tree, cell_staff):
    other = MemberFactory(cell=tree.c2)
    client.force_login(cell_staff)
    assert client.get(_url("member_edit", other)).status_code == 404


# --- transfer within the province ---------------------------------------------------------


def test_transfer_moves_the_member_and_writes_both_events(client, tree, member, district_staff):
    client.force_login(district_staff)
    response = client.post(
        _url("member_transfer", member),
        {"to_cell": tree.g2.pk, "on": "01/09/2020", "decision_number": "15-QĐ/HU"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization == tree.g2
    events = MembershipEvent.objects.filter(member=member).exclude(kind=EventKind.ADMISSION)
    assert sorted((e.kind, e.organization.code) for e in events) == [
        (EventKind.TRANSFER_IN, "G2"),
        (EventKind.TRANSFER_OUT, "C1"),
    ]


def test_transfer_choices_exclude_the_current_cell_and_other_districts(
    client, tree, member, district_staff
):
    client.force_login(district_staff)
    text = client.get(_url("member_transfer", member)).text
    assert f'<option value="{tree.c1.pk}"' not in text
    assert f'<option value="{tree.c2.pk}"' in text
    assert f'<option value="{tree.c3.pk}"' not in text


def test_transfer_to_a_cell_outside_the_write_scope_is_refused(
    client, tree, member, district_staff
):
    client.force_login(district_staff)
    response = client.post(
        _url("member_transfer", member), {"to_cell": tree.c3.pk, "on": "01/09/2020"}
    )
    _field_error(response, "to_cell")
    assert not Transfer.objects.exists()


def test_transfer_before_the_member_joined_the_cell_is_refused(
    client, tree, member, district_staff
):
    client.force_login(district_staff)
    response = client.post(
        _url("member_transfer", member), {"to_cell": tree.c2.pk, "on": "01/01/2009"}
    )
    assert _field_error(response, "on").startswith("Ngày này trước ngày đảng viên về chi bộ")


def test_transfer_in_the_future_is_refused(client, tree, member, district_staff):
    client.force_login(district_staff)
    tomorrow = _d(timezone.localdate() + datetime.timedelta(days=1))
    response = client.post(_url("member_transfer", member), {"to_cell": tree.c2.pk, "on": tomorrow})
    assert _field_error(response, "on") == "Ngày không được ở tương lai."


def test_transfer_is_404_outside_and_403_for_the_leader(client, member, outsider, leader):
    client.force_login(outsider)
    assert client.get(_url("member_transfer", member)).status_code == 404
    client.force_login(leader)
    assert client.get(_url("member_transfer", member)).status_code == 403
    assert client.post(_url("member_transfer", member), {}).status_code == 403


# --- transfer out, death ------------------------------------------------------------------


def test_transfer_out_ends_the_membership(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(
        _url("member_transfer_out", member),
        {"on": "01/06/2023", "destination": "Đảng bộ tỉnh Phú Thọ"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.ended_on) == (
        MemberStatus.TRANSFERRED_OUT,
        datetime.date(2023, 6, 1),
    )
    assert member.transfers.get().outside_organization == "Đảng bộ tỉnh Phú Thọ"


def test_transfer_out_needs_a_destination(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(_url("member_transfer_out", member), {"on": "01/06/2023"})
    assert _field_error(response, "destination") == "Trường này là bắt buộc."


def test_death_is_recorded(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(_url("member_death", member), {"on": "05/05/2024", "note": "Ốm nặng"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED
    assert member.events.get(kind=EventKind.DEATH).date == datetime.date(2024, 5, 5)


def test_death_before_birth_is_refused_next_to_the_date(client, member, district_staff):
    client.force_login(district_staff)
    response = client.post(_url("member_death", member), {"on": "01/01/1980"})
    assert _field_error(response, "on") == "Ngày mất trước ngày sinh."


def test_actions_on_an_ended_member_go_back_to_the_member_page(client, member, district_staff):
    client.force_login(district_staff)
    client.post(_url("member_death", member), {"on": "05/05/2024"})
    response = client.get(_url("member_transfer", member))
    assert response.status_code == 302
    assert response.url == _url("member_detail", member)


@pytest.mark.parametrize("name", ["member_transfer_out", "member_death"])
def test_end_actions_are_404_outside_and_403_for_the_leader(client, member, outsider, leader, name):
    client.force_login(outsider)
    assert client.get(_url(name, member)).status_code == 404
    assert client.post(_url(name, member), {"on": "01/01/2024"}).status_code == 404
    client.force_login(leader)
    assert client.get(_url(name, member)).status_code == 403
    assert client.post(_url(name, member), {"on": "01/01/2024"}).status_code == 403
    member.refresh_from_db()
    assert member.is_active


# --- transfer in from outside --------------------------------------------------------------


def transfer_in_data(cell, **overrides):
    return {
        **person_data(full_name="Phạm Thị Về", gender="FEMALE", national_id="025190054321"),
        **admission_data(),
        "status": "OFFICIAL",
        "to_cell": cell.pk,
        "on": "03/03/2024",
        "origin": "Đảng bộ tỉnh Tuyên Quang",
        "decision_number": "88-QĐ/TU",
        **overrides,
    }


def test_transfer_in_creates_the_person_and_the_member(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(TRANSFER_IN, transfer_in_data(tree.c2))
    assert response.status_code == 302
    member = Member.objects.get(person__national_id="025190054321")
    assert member.organization == tree.c2
    event = member.events.get()
    assert (event.kind, event.is_external) == (EventKind.TRANSFER_IN, True)
    assert member.transfers.get().outside_organization == "Đảng bộ tỉnh Tuyên Quang"


def test_transfer_in_checks_the_form_like_create(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.post(TRANSFER_IN, transfer_in_data(tree.c2, national_id="123"))
    assert _field_error(response, "national_id") == "Số CCCD phải có đúng 12 chữ số."
    response = client.post(TRANSFER_IN, transfer_in_data(tree.c3))
    _field_error(response, "to_cell")
    assert not Member.objects.exists()


def test_transfer_in_is_403_for_the_leader(client, tree, leader):
    client.force_login(leader)
    assert client.get(TRANSFER_IN).status_code == 403
    assert client.post(TRANSFER_IN, transfer_in_data(tree.c2)).status_code == 403


# --- methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["member_edit", "member_transfer", "member_transfer_out", "member_death"]
)
def test_form_pages_refuse_other_methods(client, member, district_staff, name):
    client.force_login(district_staff)
    assert client.delete(_url(name, member)).status_code == 405
    assert client.put(_url(name, member)).status_code == 405


def test_create_pages_refuse_other_methods(client, district_staff):
    client.force_login(district_staff)
    assert client.delete(CREATE).status_code == 405
    assert client.delete(TRANSFER_IN).status_code == 405


def test_transfer_in_brings_back_a_member_who_left_the_province(client, tree, district_staff):
    from members import services

    member = MemberFactory(cell=tree.c1, person__national_id="025190054321")
    services.member_transfer_out(
        member=member, on=datetime.date(2020, 5, 4), destination="Đảng bộ tỉnh Tuyên Quang"
    )
    client.force_login(district_staff)
    response = client.post(TRANSFER_IN, transfer_in_data(tree.c2))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.organization, member.ended_on) == (
        MemberStatus.OFFICIAL,
        tree.c2,
        None,
    )
    assert Person.objects.filter(national_id="025190054321").count() == 1
    assert member.placements.filter(end_on__isnull=True).get().cell == tree.c2


def test_transfer_in_refuses_the_national_id_of_an_active_member(client, tree, district_staff):
    MemberFactory(cell=tree.c1, person__national_id="025190054321")
    client.force_login(district_staff)
    response = client.post(TRANSFER_IN, transfer_in_data(tree.c2))
    assert _field_error(response, "national_id")
    assert Member.objects.count() == 1
