"""Actions on a member: removal (R12) and exemptions.

Each view: the happy path, the outsider 404, the read-only leader 403; errors in
Vietnamese next to the field, and nothing written when the form is refused.
"""

import datetime

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Exemption, Removal, RemovalForm, RemovalGround
from members.choices import EventKind, MemberStatus
from members.models import MemberPlacement, MembershipEvent

D = datetime.date
REMOVAL = {
    "form": RemovalForm.STRUCK_OFF,
    "ground": RemovalGround.ABSENT_3_MONTHS,
    "ground_detail": "",
    "decision_number": "125-QĐ/HU",
    "decision_date": "06/05/2024",
    "deciding_committee": "Ban Thường vụ Huyện ủy Lập Thạch",
    "note": "",
}


def remove_url(member):
    return reverse("evaluation:member_remove", args=[member.pk])


def start_url(member):
    return reverse("evaluation:exemption_start", args=[member.pk])


def end_url(member):
    return reverse("evaluation:exemption_end", args=[member.pk])


def detail_url(member):
    return reverse("members:member_detail", args=[member.pk])


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.c1)


# --- removal ---------------------------------------------------------------------------


def test_removal_form_lists_grounds_grouped_by_form(client, member, cell_staff):
    client.force_login(cell_staff)

    response = client.get(remove_url(member))

    assert response.status_code == 200
    assert '<optgroup label="Xóa tên">' in response.text
    assert "data-grounds-by-form" in response.text
    assert "js/evaluation.js" in response.text


def test_removal_recorded_and_member_leaves(client, tree, member, cell_staff):
    client.force_login(cell_staff)

    response = client.post(remove_url(member), REMOVAL)

    assert response.status_code == 302
    assert response.url == detail_url(member)
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED
    removal = Removal.objects.get()
    assert (removal.form, removal.ground, removal.decision_date, removal.recorded_by) == (
        RemovalForm.STRUCK_OFF,
        RemovalGround.ABSENT_3_MONTHS,
        D(2024, 5, 6),
        cell_staff,
    )
    assert not MemberPlacement.objects.open().filter(member=member).exists()
    assert MembershipEvent.objects.filter(kind=EventKind.REMOVAL, member=member).count() == 1


@pytest.mark.parametrize(
    "field", ["form", "ground", "decision_number", "decision_date", "deciding_committee"]
)
def test_removal_requires_each_field_next_to_it(client, member, cell_staff, field):
    client.force_login(cell_staff)

    response = client.post(remove_url(member), REMOVAL | {field: ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["Trường này là bắt buộc."]}
    assert "Trường này là bắt buộc." in response.text
    assert Removal.objects.count() == 0
    member.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL


def test_removal_ground_must_fit_the_form(client, member, cell_staff):
    client.force_login(cell_staff)

    response = client.post(remove_url(member), REMOVAL | {"form": RemovalForm.EXPELLED})

    assert response.context["form"].errors == {
        "ground": ["Căn cứ này không áp dụng cho hình thức này."]
    }
    assert Removal.objects.count() == 0


def test_removal_dated_in_the_future_is_refused(client, member, cell_staff):
    client.force_login(cell_staff)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = client.post(
        remove_url(member), REMOVAL | {"decision_date": tomorrow.strftime("%d/%m/%Y")}
    )

    assert list(response.context["form"].errors) == ["decision_date"]
    assert Removal.objects.count() == 0


def test_service_errors_land_next_to_the_field(client, member, cell_staff):
    client.force_login(cell_staff)

    # The member joined the cell in 2010: a decision before that is the service's refusal.
    response = client.post(remove_url(member), REMOVAL | {"decision_date": "01/01/2009"})

    errors = response.context["form"].errors
    assert list(errors) == ["decision_date"]
    assert errors["decision_date"][0].startswith("Ngày này trước ngày đảng viên về chi bộ")
    assert Removal.objects.count() == 0


def test_leaving_at_own_request_refused_while_a_flag_is_open(client, member, cell_staff):
    services.flag_record(member=member, detail="Vi phạm", actor=cell_staff)
    client.force_login(cell_staff)

    response = client.post(
        remove_url(member),
        REMOVAL | {"form": RemovalForm.LEFT_AT_OWN_REQUEST, "ground": RemovalGround.OWN_REQUEST},
    )

    assert list(response.context["form"].errors) == ["form"]
    assert Removal.objects.count() == 0


def test_removed_member_cannot_be_removed_again(client, member, cell_staff):
    client.force_login(cell_staff)
    client.post(remove_url(member), REMOVAL)

    response = client.get(remove_url(member))

    assert response.status_code == 302
    assert response.url == detail_url(member)
    assert Removal.objects.count() == 1


def test_outsider_gets_404_on_removal(client, member, outsider):
    client.force_login(outsider)

    assert client.get(remove_url(member)).status_code == 404
    assert client.post(remove_url(member), REMOVAL).status_code == 404
    assert Removal.objects.count() == 0


def test_leader_gets_403_on_removal(client, member, leader):
    client.force_login(leader)

    assert client.get(remove_url(member)).status_code == 403
    assert client.post(remove_url(member), REMOVAL).status_code == 403
    assert Removal.objects.count() == 0


def test_removal_page_is_get_or_post_only(client, member, cell_staff):
    client.force_login(cell_staff)

    assert client.put(remove_url(member)).status_code == 405


# --- exemptions ------------------------------------------------------------------------


def test_exemption_started_and_ended(client, member, cell_staff):
    client.force_login(cell_staff)

    assert client.get(start_url(member)).status_code == 200
    response = client.post(
        start_url(member), {"start_on": "01/03/2024", "reason": "Tuổi cao, sức yếu"}
    )
    assert response.status_code == 302
    assert response.url == detail_url(member)
    exemption = Exemption.objects.get()
    assert (exemption.start_on, exemption.end_on) == (D(2024, 3, 1), None)

    assert "Tuổi cao, sức yếu" in client.get(end_url(member)).text
    response = client.post(end_url(member), {"end_on": "01/09/2024"})
    assert response.status_code == 302
    exemption.refresh_from_db()
    assert exemption.end_on == D(2024, 9, 1)
    kinds = MembershipEvent.objects.filter(member=member).values_list("kind", flat=True)
    assert {EventKind.EXEMPTION_START, EventKind.EXEMPTION_END} <= set(kinds)


def test_exemption_needs_a_reason(client, member, cell_staff):
    client.force_login(cell_staff)

    response = client.post(start_url(member), {"start_on": "01/03/2024", "reason": ""})

    assert response.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert Exemption.objects.count() == 0


def test_second_exemption_refused_next_to_the_date(client, member, cell_staff):
    services.exemption_start(
        member=member, start_on=D(2024, 3, 1), reason="Ốm dài ngày", actor=cell_staff
    )
    client.force_login(cell_staff)

    response = client.post(start_url(member), {"start_on": "01/05/2024", "reason": "Khác"})

    assert list(response.context["form"].errors) == ["start_on"]
    assert Exemption.objects.count() == 1


def test_exemption_end_before_start_refused(client, member, cell_staff):
    services.exemption_start(
        member=member, start_on=D(2024, 3, 1), reason="Ốm dài ngày", actor=cell_staff
    )
    client.force_login(cell_staff)

    response = client.post(end_url(member), {"end_on": "01/02/2024"})

    assert list(response.context["form"].errors) == ["end_on"]
    assert Exemption.objects.get().end_on is None


def test_ending_without_an_exemption_goes_back_to_the_member(client, member, cell_staff):
    client.force_login(cell_staff)

    response = client.get(end_url(member))

    assert response.status_code == 302
    assert response.url == detail_url(member)


def test_outsider_and_leader_cannot_exempt(client, member, outsider, leader):
    data = {"start_on": "01/03/2024", "reason": "Tuổi cao"}
    client.force_login(outsider)
    assert client.get(start_url(member)).status_code == 404
    assert client.post(start_url(member), data).status_code == 404
    assert client.get(end_url(member)).status_code == 404
    client.force_login(leader)
    assert client.get(start_url(member)).status_code == 403
    assert client.post(start_url(member), data).status_code == 403
    assert client.post(end_url(member), {"end_on": "01/09/2024"}).status_code == 403
    assert Exemption.objects.count() == 0


def test_member_page_links_to_removal_and_exemption_for_staff(client, member, cell_staff):
    client.force_login(cell_staff)
    text = client.get(detail_url(member)).text
    for url in (remove_url(member), start_url(member), end_url(member)):
        assert f'href="{url}"' in text


def test_member_page_has_no_write_links_for_the_leader(client, member, leader):
    client.force_login(leader)
    response = client.get(detail_url(member))
    assert response.status_code == 200
    assert f'href="{remove_url(member)}"' not in response.text
