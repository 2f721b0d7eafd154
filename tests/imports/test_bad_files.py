"""Files that cannot be imported: each gets one clear message, and nothing is written."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from imports.models import ImportJob, ImportStatus
from members.models import Person

from .sheets import label, member_row, problems, upload, vi, workbook

NOT_A_WORKBOOK = "The file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (.xlsx)”."


def _refused(job, message, **params):
    assert job.status == ImportStatus.INVALID
    assert problems(job) == [(None, "", vi(message, **params))]
    assert not Person.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(district_staff, tree):
    job = upload(district_staff, "members", "Họ và tên;Ngày sinh\n".encode(), name="danh-sach.csv")
    _refused(job, NOT_A_WORKBOOK)


def test_a_zip_that_is_not_a_workbook_is_refused(district_staff, tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    job = upload(district_staff, "members", buffer.getvalue())
    _refused(job, "The file is not an Excel workbook (.xlsx) or it is damaged.")


def test_a_wrong_sheet_name_is_refused(district_staff, tree):
    job = upload(district_staff, "members", workbook("members", [member_row()], sheet="Sheet1"))
    _refused(
        job,
        "The workbook has no sheet named “%(name)s” (its sheets: %(sheets)s).",
        name=vi("Party members"),
        sheets="“Sheet1”",
    )


def test_missing_and_renamed_headers_are_refused(district_staff, tree):
    data = workbook(
        "members",
        [member_row()],
        keys=[
            "full_name",
            "gender",
            "date_of_birth",
            "national_id",
            "cell_code",
            "status",
            "admission_decision_date",
        ],
        titles={"date_of_birth": "Sinh ngày"},
    )
    job = upload(district_staff, "members", data)
    assert job.status == ImportStatus.INVALID
    assert problems(job) == [
        (
            1,
            "",
            vi(
                "Column %(letter)s has an unknown title “%(title)s”: use the column titles of "
                "the template.",
                letter="C",
                title="Sinh ngày",
            ),
        ),
        (
            1,
            "",
            vi(
                "The column “%(title)s” is missing: the first row must hold the column titles "
                "of the template.",
                title=label("members", "date_of_birth"),
            ),
        ),
    ]


def test_an_empty_sheet_is_refused(district_staff, tree):
    book = Workbook()
    book.active.title = vi("Party members")
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(district_staff, "members", buffer.getvalue())
    _refused(job, "The sheet “%(name)s” is empty.", name=vi("Party members"))


def test_a_sheet_with_titles_and_no_rows_is_refused(district_staff, tree):
    data = workbook("members", [], keys=[c for c in member_row()])
    job = upload(district_staff, "members", data)
    _refused(job, "The sheet has no data rows below the column titles.")


def test_formulas_are_refused_with_the_cell_address(district_staff, tree):
    data = workbook("members", [member_row(1), member_row(2)])
    book = load_workbook(io.BytesIO(data))
    book.active["B3"] = '=UPPER("Phạm Văn Nhập 2")'
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(district_staff, "members", buffer.getvalue())
    assert job.status == ImportStatus.INVALID
    assert (
        3,
        "",
        vi(
            "The cell %(cell)s holds a formula: enter values only (copy the cells and paste "
            "them as values).",
            cell="B3",
        ),
    ) in problems(job)
    assert not Person.objects.exists()


def test_merged_cells_are_refused(district_staff, tree):
    data = workbook("members", [member_row(1), member_row(2)])
    book = load_workbook(io.BytesIO(data))
    book.active.merge_cells("N2:N3")
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(district_staff, "members", buffer.getvalue())
    _refused(
        job,
        "The sheet has merged cells (%(ranges)s): unmerge them and fill every cell, one row "
        "per person.",
        ranges="N2:N3",
    )


def test_text_in_a_date_column_is_refused(district_staff, tree):
    rows = [member_row(1), member_row(2, admission_decision_date="tháng 6 năm 2015")]
    job = upload(district_staff, "members", workbook("members", rows))
    assert job.status == ImportStatus.INVALID
    assert problems(job) == [
        (
            3,
            label("members", "admission_decision_date"),
            vi(
                "“%(value)s” is not a date: write it as dd/mm/yyyy or enter an Excel date.",
                value="tháng 6 năm 2015",
            ),
        )
    ]
    assert not Person.objects.exists()


def test_an_excel_error_value_is_refused(district_staff, tree):
    data = workbook("members", [member_row(1, residence="#N/A")])
    # openpyxl writes "#N/A" as an error cell.
    job = upload(district_staff, "members", data)
    assert problems(job) == [
        (
            2,
            label("members", "residence"),
            vi("The cell holds the Excel error %(code)s.", code="#N/A"),
        )
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    client, district_staff, tree, settings
):
    # A 50 MB file is not written in a test: the limit comes down to 1,000 bytes instead.
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(district_staff)
    big = SimpleUploadedFile("lon.xlsx", b"x" * 1001)
    response = client.post(reverse("imports:upload"), {"kind": "members", "file": big})
    assert response.status_code == 200
    with translation.override("vi"):
        expected = vi(
            "The file is %(size)s; the largest file accepted is %(limit)s.",
            size=filesizeformat(1001),
            limit=filesizeformat(1000),
        )
    assert response.context["form"].errors["file"] == [expected]
    assert expected in response.content.decode()
    assert not ImportJob.objects.exists()
