"""Exemptions from Party work and activities, with their membership events."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from evaluation import services
from evaluation.models import Exemption
from members.choices import EventKind
from members.errors import DomainError
from members.models import MembershipEvent

D = datetime.date


def test_exemption_start_and_end_write_events_at_the_member_cell(tree, make_member, cell_staff):
    member = make_member(tree.c1)

    exemption = services.exemption_start(
        member=member,
        start_on=D(2023, 4, 1),
        reason="Tuổi cao, sức yếu",
        decision_number="05-QĐ/CB",
        actor=cell_staff,
    )
    services.exemption_end(exemption=exemption, end_on=D(2024, 4, 1), actor=cell_staff)

    exemption.refresh_from_db()
    events = MembershipEvent.objects.filter(
        kind__in=[EventKind.EXEMPTION_START, EventKind.EXEMPTION_END]
    )
    assert [(e.kind, e.date, e.organization, e.actor) for e in events] == [
        (EventKind.EXEMPTION_START, D(2023, 4, 1), tree.c1, cell_staff),
        (EventKind.EXEMPTION_END, D(2024, 4, 1), tree.c1, cell_staff),
    ]
    assert (exemption.start_event, exemption.end_event) == tuple(events)
    assert exemption.history.count() == 2


def test_overlapping_exemption_refused(tree, make_member, admin_user):
    member = make_member(tree.c1)
    exemption = services.exemption_start(
        member=member, start_on=D(2023, 4, 1), reason="Ốm", actor=admin_user
    )
    services.exemption_end(exemption=exemption, end_on=D(2023, 9, 1), actor=admin_user)

    with pytest.raises(DomainError) as exc:
        services.exemption_start(
            member=member, start_on=D(2023, 8, 1), reason="Ốm", actor=admin_user
        )

    assert "start_on" in exc.value.message_dict
    assert Exemption.objects.count() == 1


def test_exemption_requires_a_reason(tree, make_member, admin_user):
    member = make_member(tree.c1)

    with pytest.raises(DomainError) as exc:
        services.exemption_start(
            member=member, start_on=D(2023, 4, 1), reason=" ", actor=admin_user
        )

    assert "reason" in exc.value.message_dict
    assert not MembershipEvent.objects.filter(kind=EventKind.EXEMPTION_START).exists()


def test_exemption_end_before_start_refused(tree, make_member, admin_user):
    exemption = services.exemption_start(
        member=make_member(tree.c1), start_on=D(2023, 4, 1), reason="Ốm", actor=admin_user
    )

    with pytest.raises(DomainError) as exc:
        services.exemption_end(exemption=exemption, end_on=D(2023, 4, 1), actor=admin_user)

    assert "end_on" in exc.value.message_dict


def test_outsider_cannot_exempt(tree, make_member, outsider):
    with pytest.raises(PermissionDenied):
        services.exemption_start(
            member=make_member(tree.c1), start_on=D(2023, 4, 1), reason="Ốm", actor=outsider
        )
