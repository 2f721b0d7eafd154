"""The import pages: STYLE.md's four view tests, the template download, the progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportJob, ImportStatus
from members.models import Member

from .sheets import member_row, upload, workbook

INDEX = reverse("imports:index")
UPLOAD = reverse("imports:upload")


def _file(rows=None):
    data = workbook("members", rows or [member_row(1), member_row(2)])
    return SimpleUploadedFile("dang-vien.xlsx", data)


@pytest.fixture
def job(district_staff):
    return upload(district_staff, "members", workbook("members", [member_row(1)]))


def test_index_lists_my_imports_and_the_templates(client, district_staff, job, outsider):
    upload(outsider, "members", workbook("members", [member_row(2, cell_code="C3")]), name="b.xlsx")
    client.force_login(district_staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [job]
    assert reverse("imports:template", args=["members"]) in response.text


def test_index_queries_do_not_grow_with_imports(
    client, district_staff, tree, django_assert_max_num_queries
):
    for n in range(1, 6):
        upload(district_staff, "members", workbook("members", [member_row(n)]))
    client.force_login(district_staff)
    # Session, user, write role, jobs count, jobs page, scope bar.
    with django_assert_max_num_queries(7):
        assert client.get(INDEX).status_code == 200


def test_upload_checks_the_file_and_shows_the_preview(client, district_staff, tree):
    client.force_login(district_staff)
    response = client.post(UPLOAD, {"kind": "members", "file": _file()})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:job_detail", args=[job.pk])
    assert (job.status, job.user, job.to_create) == (ImportStatus.READY, district_staff, 2)
    assert len(job.sha256) == 64
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'id="confirm-import"' in page.text


def test_confirm_writes_and_shows_the_summary(client, district_staff, job):
    client.force_login(district_staff)
    response = client.post(reverse("imports:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Member.objects.count() == 1
    again = client.post(reverse("imports:job_confirm", args=[job.pk]), follow=True)
    assert Member.objects.count() == 1
    assert list(again.context["messages"])


def test_job_page_lists_problems_by_row_column_and_message(client, district_staff, tree):
    bad = upload(district_staff, "members", workbook("members", [member_row(1, national_id="12")]))
    client.force_login(district_staff)
    response = client.get(reverse("imports:job_detail", args=[bad.pk]))
    assert response.status_code == 200
    assert 'id="import-errors"' in response.text
    assert bad.errors[0]["message"] in response.text
    assert 'id="confirm-import"' not in response.text


def test_progress_partial_asks_htmx_to_reload_when_done(client, district_staff, job):
    client.force_login(district_staff)
    url = reverse("imports:job_progress", args=[job.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, total_rows=10, processed_rows=4
    )
    response = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in response
    assert 'hx-trigger="every 1s"' in response.text
    assert 'aria-valuenow="40"' in response.text


@pytest.mark.parametrize("kind", ["members", "candidacies", "ratings"])
def test_templates_download_as_workbooks(client, district_staff, tree, kind):
    client.force_login(district_staff)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4


def test_unknown_template_is_404(client, district_staff):
    client.force_login(district_staff)
    assert client.get(reverse("imports:template", args=["people"])).status_code == 404


# --- scope and roles ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["job_detail", "job_progress"])
def test_outsider_gets_404_on_someone_elses_job(client, outsider, job, name):
    client.force_login(outsider)
    assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404


def test_outsider_cannot_confirm_someone_elses_job(client, outsider, job):
    client.force_login(outsider)
    assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


@pytest.mark.parametrize(
    ("method", "name", "with_job"),
    [
        ("get", "index", False),
        ("post", "upload", False),
        ("get", "job_detail", True),
        ("post", "job_confirm", True),
    ],
)
def test_read_only_leader_gets_403(client, leader, job, method, name, with_job):
    client.force_login(leader)
    url = reverse(f"imports:{name}", args=[job.pk] if with_job else [])
    response = getattr(client, method)(
        url, {"kind": "members", "file": _file()} if name == "upload" else {}
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("name", ["upload", "job_confirm"])
def test_get_on_a_post_only_action_is_405(client, district_staff, job, name):
    client.force_login(district_staff)
    url = reverse(f"imports:{name}", args=[job.pk] if name == "job_confirm" else [])
    assert client.get(url).status_code == 405


def test_administrator_sees_every_import(client, admin_user, job):
    client.force_login(admin_user)
    assert client.get(reverse("imports:job_detail", args=[job.pk])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, job):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_job_page_queries_do_not_grow_with_problems(
    client, district_staff, tree, django_assert_max_num_queries
):
    rows = [member_row(n, national_id=str(n)) for n in range(1, 151)]
    job = upload(district_staff, "members", workbook("members", rows))
    assert job.error_count == 150
    client.force_login(district_staff)
    # Session, user, write role, job, earlier import of the same file, scope bar.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("imports:job_detail", args=[job.pk]))
    assert len(response.context["errors"].object_list) == 100
