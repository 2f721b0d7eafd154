"""Workbooks for the import tests, built with openpyxl the way staff fill the templates."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import translation
from openpyxl import Workbook

from imports import services
from imports.kinds import spec_for
from imports.models import ImportJob

BORN = datetime.date(1985, 4, 12)
ADMITTED = datetime.date(2015, 6, 1)
CEREMONY = datetime.date(2015, 6, 15)
OFFICIAL = datetime.date(2016, 6, 15)


def member_row(n: int = 1, **values) -> dict:
    """A valid row of the members sheet for cell C1, keyed by column key."""
    row = {
        "number": n,
        "full_name": f"Phạm Văn Nhập {n}",
        "gender": "Nam",
        "date_of_birth": BORN,
        "national_id": f"0260900{n:05d}",
        "ethnicity": "Kinh",
        "cell_code": "C1",
        "status": "Đảng viên chính thức",
        "admission_decision_date": ADMITTED,
        "admission_decision_number": f"{n}-QĐ/HU",
        "ceremony_date": CEREMONY,
        "official_date": OFFICIAL,
    }
    row.update(values)
    return row


def workbook(kind: str, rows, *, keys=None, sheet=None, titles=None) -> bytes:
    """A workbook of ``kind`` with the template's titles (Vietnamese) and ``rows``.

    ``keys`` chooses the columns (default: those used by the rows, in template order);
    ``titles`` overrides some titles by key; ``sheet`` renames the sheet.
    """
    spec = spec_for(kind)
    used = set().union(*(row.keys() for row in rows)) if rows else {"full_name"}
    keys = keys or [c.key for c in spec.all_columns if c.key in used]
    titles = titles or {}
    with translation.override("vi"):
        book = Workbook()
        ws = book.active
        ws.title = sheet or str(spec.sheet_title)
        ws.append([titles.get(key, spec.column(key).title()) for key in keys])
        for row in rows:
            ws.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(user, kind: str, data: bytes, name: str = "danh-sach.xlsx") -> ImportJob:
    """Upload as the web does; the test task backend checks it at once."""
    with translation.override("vi"):
        job = services.import_job_create(user=user, kind=kind, file=ContentFile(data, name=name))
    job.refresh_from_db()
    return job


def confirm(job: ImportJob, user) -> ImportJob:
    with translation.override("vi"):
        services.import_job_confirm(job=job, user=user)
    job.refresh_from_db()
    return job


def problems(job: ImportJob) -> list[tuple]:
    """(row, column, message) of every problem."""
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def vi(message: str, **params) -> str:
    """``message`` as the import reports it: in Vietnamese, with its parameters."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % params if params else text


def label(kind: str, key: str) -> str:
    with translation.override("vi"):
        return str(spec_for(kind).column(key).label)
