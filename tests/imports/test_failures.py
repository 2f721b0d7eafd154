"""Unexpected failures end the job as FAILED, with nothing written; confirmation rules."""

import pytest

from imports import services
from imports.models import ImportStatus
from members.errors import DomainError
from members.models import Member, Person

from .sheets import confirm, member_row, upload, vi, workbook


def test_a_failure_while_writing_leaves_nothing_written(district_staff, tree, monkeypatch):
    job = upload(district_staff, "members", workbook("members", [member_row(1), member_row(2)]))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("imports.kinds.members.insert_rows", broken)
    job = confirm(job, district_staff)
    assert job.status == ImportStatus.FAILED
    assert job.message == vi("The import stopped on an error; nothing was written.")
    assert not Person.objects.exists()


def test_a_failure_while_checking_is_reported(district_staff, tree, monkeypatch):
    monkeypatch.setattr(
        "imports.kinds.members.MembersProcessor.batch",
        lambda self, rows: 1 / 0,
    )
    job = upload(district_staff, "members", workbook("members", [member_row(1)]))
    assert job.status == ImportStatus.FAILED
    assert job.message == vi("The check stopped on an error.")


def test_only_the_uploader_confirms_and_only_once(district_staff, cell_staff, tree):
    job = upload(district_staff, "members", workbook("members", [member_row(1)]))
    with pytest.raises(DomainError):
        services.import_job_confirm(job=job, user=cell_staff)
    confirm(job, district_staff)
    with pytest.raises(DomainError):
        services.import_job_confirm(job=job, user=district_staff)
    assert Member.objects.count() == 1


def test_a_leader_cannot_create_an_import(leader, tree):
    with pytest.raises(DomainError):
        upload(leader, "members", workbook("members", [member_row(1)]))
