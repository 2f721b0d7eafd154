"""Exports of the dashboard's tables and of the term report to .xlsx: sheets, translated
headers, the same numbers as the pages, scope."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports.exports import HEADER_ROW, XLSX
from reports.models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget


@pytest.fixture
def term(tree):
    term = CongressTerm.objects.create(
        organization=tree.p, name="XVII", first_year=2019, last_year=2022
    )
    TermTarget.objects.create(
        term=term, metric=Metric.ADMISSIONS_PER_YEAR, comparator=Comparator.GTE, value=2
    )
    return term


@pytest.fixture
def quotas(tree):
    for org, number in ((tree.p, 4), (tree.d1, 3), (tree.d2, 1)):
        AdmissionQuota.objects.create(organization=org, year=2021, number=number)


def url(name, *args, language="vi"):
    # Under i18n_patterns the active language picks the prefix ("/en/..." for English).
    with translation.override(language):
        return reverse(name, args=args)


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return load_workbook(io.BytesIO(response.content))


def table(sheet):
    """The header row and the rows below it, as lists of values."""
    rows = [list(r) for r in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]
    return rows[0], rows[1:]


def test_dashboard_workbook_has_every_table(client, tree, history, term, quotas, leader):
    client.force_login(leader)

    wb = workbook(client.get(url("reports:dashboard_export", language="en"), {"year": 2021}))

    assert wb.sheetnames == [
        "Targets",
        "Subordinate organizations",
        "By year",
        "Pipeline",
        "New members",
    ]
    header, rows = table(wb["Subordinate organizations"])
    assert header[:5] == ["Organization", "Quota", "Admitted", "Share of quota", "Members"]
    assert rows[0][:5] == ["Huyện ủy Lập Thạch", 3, 1, pytest.approx(1 / 3), 4]
    assert rows[1][:3] == ["Thành ủy Vĩnh Yên", 1, 0]
    assert rows[-1][:3] == ["Total", 4, 1]
    assert wb["Subordinate organizations"]["D4"].number_format == "0.0%"
    header, rows = table(wb["By year"])
    assert [r[:3] for r in rows] == [[2019, 5, 2], [2020, 0, 2], [2021, 1, 2], [2022, 0, 2]]
    _header, rows = table(wb["Targets"])
    assert rows[0][:4] == ["Admissions per year", ">= 2", 1, "Not met"]
    assert rows[-1][:3] == ["Admissions against the quota", 4, 1]
    _header, rows = table(wb["New members"])
    assert rows[0][:2] == ["New members", 1]
    assert wb["Targets"]["A1"].value == "Đảng bộ tỉnh, year 2021"


def test_dashboard_workbook_headers_are_vietnamese_by_default(client, tree, leader):
    client.force_login(leader)

    wb = workbook(client.get(url("reports:dashboard_export")))

    header, _rows = table(wb.worksheets[1])
    with translation.override("vi"):
        assert header[:3] == [
            translation.gettext("Organization"),
            translation.gettext("Quota"),
            translation.gettext("Admitted"),
        ]


def test_dashboard_export_of_a_district_and_scope(client, tree, history, quotas, outsider):
    client.force_login(outsider)
    export = url("reports:dashboard_export", language="en")

    wb = workbook(client.get(export, {"year": 2021}))
    _header, rows = table(wb["Subordinate organizations"])
    assert [r[0] for r in rows] == ["Đảng bộ phường Liên Bảo", "Total"]
    assert client.get(export, {"org": tree.d1.pk}).status_code == 404
    assert client.post(export).status_code == 405


def test_term_workbook(client, tree, history, term, leader):
    client.force_login(leader)

    wb = workbook(
        client.get(url("reports:term_export", term.pk, language="en"), {"on": "2020-10-08"})
    )

    assert wb.sheetnames == ["By year", "Targets", "Structure", "Restructuring"]
    _header, rows = table(wb["By year"])
    assert [r[:2] for r in rows[:4]] == [[2019, 5], [2020, 0], [2021, 1], [2022, 0]]
    assert rows[4][:2] == ["Term", 6]
    assert rows[5][:2] == ["Average a year", 1.5]
    _header, rows = table(wb["Targets"])
    assert rows == [["Admissions per year", ">= 2", 1.5, "1/4", "Not met"]]
    _header, rows = table(wb["Structure"])
    assert [r[1:] for r in rows] == [[2, 3, 3, 0], [2, 3, 3, 5], [2, 3, 3, 4]]
