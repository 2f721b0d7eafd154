"""python manage.py import_xlsx: the same checks and report, an exit code, a progress line."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.models import ImportJob, ImportStatus
from members.models import Member

from .sheets import label, member_row, workbook


@pytest.fixture
def file(tmp_path):
    def write(rows, name="dang-vien.xlsx"):
        path = tmp_path / name
        path.write_bytes(workbook("members", rows))
        return str(path)

    return write


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_xlsx", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_checks_and_writes_nothing(tree, file):
    out, _err = _call("members", file([member_row(1), member_row(2)]), "--dry-run")
    job = ImportJob.objects.get()
    assert (job.status, job.to_create, job.user) == (ImportStatus.READY, 2, None)
    assert not Member.objects.exists()
    assert "100%" in out
    assert f"#{job.pk}" in out


def test_import_writes_and_reports(tree, file):
    out, _err = _call("members", file([member_row(1), member_row(2)]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert Member.objects.count() == 2
    assert "2" in out


def test_problems_are_listed_and_the_exit_code_is_non_zero(tree, file):
    path = file([member_row(1), member_row(2, national_id="123")])
    with pytest.raises(CommandError) as raised:
        _call("members", path)
    assert raised.value.returncode == 1
    assert not Member.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.INVALID


def test_problems_go_to_stderr_with_row_and_column(tree, file):
    path = file([member_row(1, cell_code="C3")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_xlsx", "members", path, "--org", "D1", stdout=io.StringIO(), stderr=err
        )
    assert label("members", "cell_code") in err.getvalue()
    assert "(G2)" in err.getvalue()


def test_org_and_user_limit_the_scope(tree, file, cell_staff):
    path = file([member_row(1, cell_code="C2")])
    with pytest.raises(CommandError):
        _call("members", path, "--user", cell_staff.username)
    assert ImportJob.objects.get().user == cell_staff


def test_unknown_organization_is_refused(tree, file):
    with pytest.raises(CommandError):
        _call("members", file([member_row(1)]), "--org", "NOPE")
    assert not ImportJob.objects.exists()
