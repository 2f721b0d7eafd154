"""The write path of databases other than PostgreSQL (bulk_create_with_history)."""

import pytest
from simple_history.utils import get_history_model_for_model

from imports.models import ImportStatus
from members.choices import EventKind
from members.models import Member, MemberPlacement, MembershipEvent, Person

from .sheets import confirm, member_row, upload, workbook


@pytest.fixture(autouse=True)
def _orm_path(monkeypatch):
    monkeypatch.setattr("imports.bulk.fast_path", lambda: False)


def test_members_are_written_with_history_through_the_orm(district_staff, tree):
    job = confirm(
        upload(district_staff, "members", workbook("members", [member_row(1), member_row(2)])),
        district_staff,
    )
    assert job.status == ImportStatus.DONE, job.errors
    assert Member.objects.count() == 2
    assert set(MembershipEvent.objects.values_list("kind", flat=True)) == {EventKind.ADMISSION}
    for model in (Person, Member, MemberPlacement):
        reasons = set(
            get_history_model_for_model(model).objects.values_list(
                "history_change_reason", flat=True
            )
        )
        assert reasons == {f"import #{job.pk}"}
