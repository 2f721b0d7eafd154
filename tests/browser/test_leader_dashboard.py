"""A leader's morning in the browser, in Vietnamese: the province dashboard, a drill-down
to a district and back, another year, the table exported, a print to A4, and no way into
a write page."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def targets(tree):
    """A term covering this year with its three targets; quotas for this year and 2021;
    members admitted in 2019, one in 2021 and two so far this year, all in Lập Thạch but
    one in Vĩnh Yên."""
    this_year = timezone.localdate().year
    term = CongressTerm.objects.create(
        organization=tree.p, name="XVIII", first_year=this_year - 1, last_year=this_year + 3
    )
    for metric, comparator, value in (
        (Metric.ADMISSIONS_PER_YEAR, Comparator.GTE, 4),
        (Metric.MEMBER_RATING_RATE, Comparator.GT, 85),
        (Metric.ORGANIZATION_RATING_RATE, Comparator.GT, 90),
    ):
        TermTarget.objects.create(term=term, metric=metric, comparator=comparator, value=value)
    for year in (2021, this_year):
        for org, number in ((tree.p, 6), (tree.d1, 4), (tree.d2, 2)):
            AdmissionQuota.objects.create(organization=org, year=year, number=number)
    admitted = [
        (tree.c1, datetime.date(2019, 3, 4)),
        (tree.c2, datetime.date(2019, 5, 6)),
        (tree.c3, datetime.date(2019, 6, 7)),
        (tree.c1, datetime.date(2021, 4, 1)),
        (tree.c1, datetime.date(this_year, 1, 5)),
        (tree.c2, datetime.date(this_year, 1, 5)),
    ]
    for cell, on in admitted:
        MemberFactory(cell=cell, admission_decision_date=on)
    return term


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_leader_reads_drills_down_switches_year_exports_and_cannot_write(
    page, shot, tree, targets, leader
):
    this_year = timezone.localdate().year
    log_in(page, shot, "leader")
    page.get_by_role("link", name="Báo cáo", exact=True).click()

    expect(page.locator("#dashboard-title")).to_have_text("Đảng bộ tỉnh")
    expect(page.locator(".target-card")).to_have_count(3)
    expect(page.locator("#quota-card")).to_contain_text("2")  # 2 of 6 admitted
    rows = page.locator("#children-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Huyện ủy Lập Thạch")
    expect(page.locator("html")).to_have_attribute("data-charts-ready", "1")
    expect(page.locator("#warning-counts")).to_be_visible()  # loaded after the page
    expect(page.locator("#quota-link")).to_have_count(0)  # leaders read only
    shot(page, "province")

    rows.first.get_by_role("link", name="Huyện ủy Lập Thạch").click()
    expect(page.locator("#dashboard-title")).to_have_text("Huyện ủy Lập Thạch")
    expect(page).to_have_url(re.compile(rf"org={tree.d1.pk}"))
    expect(page.locator("#children-table tbody tr")).to_have_count(2)
    expect(page.locator("#children-table")).to_contain_text("Đảng bộ xã Đình Chu")
    shot(page, "district")

    page.locator(".breadcrumbs").get_by_role("link", name="Đảng bộ tỉnh").click()
    expect(page.locator("#dashboard-title")).to_have_text("Đảng bộ tỉnh")

    page.locator("#year-select").select_option("2021")
    expect(page).to_have_url(re.compile(r"year=2021"))
    expect(page.locator("#year-select")).to_have_value("2021")
    lapthach = page.locator("#children-table tbody tr").first
    expect(lapthach.locator("td").nth(1)).to_have_text("4")  # quota
    expect(lapthach.locator("td").nth(2)).to_have_text("1")  # F, admitted in 2021
    shot(page, "year-2021")

    with page.expect_download() as download:
        page.locator("#children-export").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(path, "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read())).worksheets[1]
    assert sheet["A4"].value == "Huyện ủy Lập Thạch"
    assert (sheet["B4"].value, sheet["C4"].value) == (4, 1)

    # The province dashboard prints on at most two A4 pages.
    page.goto(f"/reports/?year={this_year}")
    expect(page.locator("html")).to_have_attribute("data-charts-ready", "1")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "leader-dashboard.pdf").write_bytes(pdf)
    assert 1 <= pdf_pages(pdf) <= 2
    page.emulate_media(media="screen")

    response = page.goto(f"/reports/quotas/{tree.p.pk}/{this_year}/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Không có quyền")
    shot(page, "forbidden")
