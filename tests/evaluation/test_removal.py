"""Removals (R12): every field required, the ground fits the form, the placement ends."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from evaluation import services
from evaluation.models import Removal, RemovalForm, RemovalGround
from members.choices import EventKind, MemberStatus
from members.errors import DomainError
from members.models import MemberPlacement, MembershipEvent

D = datetime.date
DECISION = {
    "form": RemovalForm.STRUCK_OFF,
    "ground": RemovalGround.ABSENT_3_MONTHS,
    "decision_number": "125-QĐ/HU",
    "decision_date": D(2024, 5, 6),
    "deciding_committee": "Ban Thường vụ Huyện ủy Lập Thạch",
}


@pytest.fixture
def member(tree, make_member):
    return make_member(tree.c1)


def remove(member, actor, **changes):
    return services.member_remove(member=member, actor=actor, **(DECISION | changes))


def state(member):
    member.refresh_from_db()
    return {
        "status": member.status,
        "removals": Removal.objects.count(),
        "events": list(MembershipEvent.objects.values_list("kind", flat=True)),
        "open_placements": MemberPlacement.objects.open().filter(member=member).count(),
    }


@pytest.mark.parametrize(
    "field", ["form", "ground", "decision_number", "decision_date", "deciding_committee"]
)
def test_removal_refused_without_each_required_field(member, cell_staff, field):
    before = state(member)

    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, **{field: None if field == "decision_date" else ""})

    assert list(exc.value.message_dict) == [field]
    assert (
        state(member)
        == before
        == {
            "status": MemberStatus.OFFICIAL,
            "removals": 0,
            "events": [EventKind.ADMISSION],
            "open_placements": 1,
        }
    )


def test_removal_ends_the_placement_and_writes_the_event(tree, member, cell_staff):
    removal = remove(member, cell_staff)

    member.refresh_from_db()
    assert (member.status, member.ended_on) == (MemberStatus.REMOVED, D(2024, 5, 6))
    assert MemberPlacement.objects.get(member=member).end_on == D(2024, 5, 6)
    event = removal.event
    assert (
        event.kind,
        event.subkind,
        event.date,
        event.organization,
        event.decision_number,
        event.issuing_committee,
        event.actor,
    ) == (
        EventKind.REMOVAL,
        RemovalForm.STRUCK_OFF,
        D(2024, 5, 6),
        tree.c1,
        "125-QĐ/HU",
        "Ban Thường vụ Huyện ủy Lập Thạch",
        cell_staff,
    )
    assert removal.history.count() == 1


def test_ground_must_fit_the_form(member, cell_staff):
    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, form=RemovalForm.EXPELLED)

    assert list(exc.value.message_dict) == ["ground"]
    remove(member, cell_staff, form=RemovalForm.EXPELLED, ground=RemovalGround.DISCIPLINARY)


def test_other_ground_needs_its_detail(member, cell_staff):
    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, ground=RemovalGround.OTHER)

    assert list(exc.value.message_dict) == ["ground_detail"]


def test_unrecognized_probation_ground_only_for_probationary_members(member, cell_staff):
    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, ground=RemovalGround.PROBATION_NOT_RECOGNIZED)

    assert list(exc.value.message_dict) == ["ground"]


def test_leaving_at_own_request_refused_while_a_flag_is_open(member, cell_staff):
    own_request = {"form": RemovalForm.LEFT_AT_OWN_REQUEST, "ground": RemovalGround.OWN_REQUEST}
    flag = services.flag_record(member=member, detail="Vi phạm kỷ luật", actor=cell_staff)

    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, **own_request)
    assert list(exc.value.message_dict) == ["form"]
    assert Removal.objects.count() == 0

    services.flag_resolve(flag=flag, action_taken="Đã kiểm điểm", actor=cell_staff)
    assert remove(member, cell_staff, **own_request).form == RemovalForm.LEFT_AT_OWN_REQUEST


def test_removal_resolves_open_flags(member, cell_staff):
    flag = services.flag_record(
        member=member, detail="Bỏ sinh hoạt", actor=cell_staff, on=D(2024, 2, 1)
    )

    remove(member, cell_staff)

    flag.refresh_from_db()
    assert flag.resolved_on == D(2024, 5, 6)
    assert "125-QĐ/HU" in flag.action_taken


def test_removal_dated_before_the_current_placement_refused(member, cell_staff):
    with pytest.raises(DomainError) as exc:
        remove(member, cell_staff, decision_date=D(2005, 1, 1))

    assert list(exc.value.message_dict) == ["decision_date"]


def test_removed_member_cannot_be_removed_again(member, cell_staff):
    remove(member, cell_staff)

    with pytest.raises(DomainError):
        remove(member, cell_staff, decision_number="126-QĐ/HU")
    assert Removal.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "leader"])
def test_removal_refused_without_write_access(member, persona, request):
    with pytest.raises(PermissionDenied):
        remove(member, request.getfixturevalue(persona))

    assert Removal.objects.count() == 0
