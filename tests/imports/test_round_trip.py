"""Export the member list (members/exports.py), import it back: nothing changes."""

import datetime

from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from imports.models import ImportStatus
from members.choices import Ethnicity, Gender, MemberStatus, OccupationGroup
from members.models import Member, MemberPlacement, MembershipEvent, Person
from tests.factories import MemberFactory, PersonFactory

from .sheets import upload


def _snapshot():
    return (
        sorted(Person.objects.values_list()),
        sorted(Member.objects.values_list()),
        sorted(MemberPlacement.objects.values_list()),
        MembershipEvent.objects.count(),
        get_history_model_for_model(Person).objects.count(),
        get_history_model_for_model(Member).objects.count(),
    )


def test_exported_member_list_imports_back_unchanged(client, district_staff, tree):
    MemberFactory(
        cell=tree.c1,
        person=PersonFactory(
            full_name="Trần Thị Bình",
            gender=Gender.FEMALE,
            ethnicity=Ethnicity.TAY,
            occupation_group=OccupationGroup.TEACHER,
            home_town="Xã Đình Chu",
        ),
        party_card_number="AB123",
    )
    MemberFactory(
        cell=tree.c2,
        status=MemberStatus.PROBATIONARY,
        admission_decision_date=datetime.date(2025, 3, 3),
    )
    MemberFactory(cell=tree.g2, admission_committee="Huyện ủy Lập Thạch")
    client.force_login(district_staff)
    export = client.get(reverse("members:member_export"))
    assert export.status_code == 200
    before = _snapshot()

    job = upload(district_staff, "members", export.content, name="dang-vien.xlsx")

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.to_create, job.to_update, job.unchanged, job.error_count) == (0, 0, 3, 0)
    assert _snapshot() == before
