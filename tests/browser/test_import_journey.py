"""Importing a members workbook in the browser: two problems, fixed, then in the registry."""

import datetime
import io
import re

import pytest
from django.utils import translation
from openpyxl import Workbook
from playwright.sync_api import expect

from imports.kinds import spec_for
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEYS = [
    "number",
    "full_name",
    "gender",
    "date_of_birth",
    "national_id",
    "cell_code",
    "status",
    "admission_decision_date",
    "ceremony_date",
    "official_date",
]


def _row(n, name, **values):
    row = {
        "number": n,
        "full_name": name,
        "gender": "Nữ",
        "date_of_birth": datetime.date(1990, 2, 14),
        "national_id": f"0261900000{n:02d}",
        "cell_code": "C1",
        "status": "Đảng viên chính thức",
        "admission_decision_date": datetime.date(2018, 5, 19),
        "ceremony_date": datetime.date(2018, 6, 1),
        "official_date": datetime.date(2019, 6, 1),
    }
    row.update(values)
    return row


def _workbook(path, rows):
    spec = spec_for("members")
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = str(spec.sheet_title)
        sheet.append([spec.column(key).title() for key in KEYS])
        for row in rows:
            sheet.append([row[key] for key in KEYS])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _upload(page, path):
    page.goto("/imports/")
    page.locator("#upload-form input[type=file]").set_input_files(path)
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def test_upload_read_the_problems_fix_them_and_find_the_members(
    page, shot, tree, lapthach, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, shot, "lapthach")
    page.goto("/imports/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#template-members")).to_be_visible()
    shot(page, "imports")

    rows = [
        _row(1, "Đinh Thị Nhập Một"),
        _row(2, "Đinh Thị Nhập Hai", national_id="12345"),
        _row(3, "Đinh Thị Nhập Ba", date_of_birth="khoảng năm 1990"),
    ]
    _upload(page, _workbook(tmp_path / "co-loi.xlsx", rows))
    expect(page.locator("#count-errors")).to_have_text("2")
    problems = page.locator("#import-errors tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("3")
    expect(problems.nth(0)).to_contain_text("Số CCCD")
    expect(problems.nth(0)).to_contain_text("E3")
    expect(problems.nth(1)).to_contain_text("4")
    expect(problems.nth(1)).to_contain_text("Ngày sinh")
    expect(problems.nth(1)).to_contain_text("khoảng năm 1990")
    expect(page.locator("#confirm-import")).to_have_count(0)
    expect(page.locator(".progress-bar")).to_have_text("100%")
    shot(page, "problems")

    rows[1]["national_id"] = "026190000002"
    rows[2]["date_of_birth"] = "14/02/1990"
    _upload(page, _workbook(tmp_path / "da-sua.xlsx", rows))
    expect(page.locator("#count-errors")).to_have_text("0")
    expect(page.locator("#count-create")).to_have_text("3")
    shot(page, "preview")
    page.locator("#confirm-import").click()
    expect(page.locator("#count-create")).to_have_text("3")
    expect(page.locator("#confirm-import")).to_have_count(0)
    shot(page, "imported")

    page.goto("/members/?q=dinh thi nhap")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(3)
    expect(page.locator("#results")).to_contain_text("Đinh Thị Nhập Hai")
    expect(page.locator("#results")).to_contain_text("Chi bộ thôn Phấn Kiến")
    shot(page, "registry")


def test_the_progress_bar_follows_the_worker_until_the_preview(page, shot, tree, lapthach):
    from imports.models import ImportJob, ImportStatus

    job = ImportJob.objects.create(
        kind="members",
        user=lapthach,
        status=ImportStatus.CHECKING,
        file_name="lon.xlsx",
        sha256="0" * 64,
        total_rows=70000,
        processed_rows=14000,
    )
    log_in(page, shot, "lapthach")
    page.goto(f"/imports/{job.pk}/")
    expect(page.locator(".progress-bar")).to_have_text("20%")
    expect(page.locator("#job-counts")).to_have_count(0)
    shot(page, "checking")

    ImportJob.objects.filter(pk=job.pk).update(processed_rows=49000)
    expect(page.locator(".progress-bar")).to_have_text("70%")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.READY, processed_rows=70000, to_create=70000
    )
    # The partial tells htmx to reload the page, which then shows the preview.
    expect(page.locator("#confirm-import")).to_be_visible()
    expect(page.locator("#count-create")).to_have_text(re.compile(r"70[.,]?000"))
    shot(page, "checked")
