"""A district's staff rate a cell's members for a year in the browser, trip the 20% rule
(R10), fix it and save; then record a removal (R12) and check that the member leaves the
active list while the reconciliation of the province still balances.

Controls are found by id or value where the interface text is new (its Vietnamese
translation is added with the catalog); messages from the rules are checked in Vietnamese.
"""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from evaluation.models import Grade, MemberRating, Removal
from members.choices import MemberStatus
from reports.metrics import reconciliation
from tests.browser.conftest import log_in
from tests.factories import MemberFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024
NAMES = [
    "Bùi Văn An",
    "Đặng Thị Bích",
    "Đỗ Văn Cường",
    "Hoàng Thị Dung",
    "Lê Văn Giang",
    "Ngô Thị Hà",
    "Nguyễn Văn Hùng",
    "Phạm Thị Lan",
    "Phan Văn Minh",
    "Trần Thị Nga",
    "Vũ Văn Phúc",
]


@pytest.fixture
def cell_members(tree):
    """Eleven members to rate in C1, and one admitted too late in the year to be rated."""
    members = [MemberFactory(cell=tree.c1, person=PersonFactory(full_name=name)) for name in NAMES]
    recent = MemberFactory(
        cell=tree.c1,
        person=PersonFactory(full_name="Trịnh Văn Mới"),
        admission_decision_date=datetime.date(YEAR, 9, 5),
    )
    return members, recent


def grade_select(page, member):
    return page.locator(f'select[name="grade_{member.pk}"]')


def test_rate_a_cell_trip_the_20_percent_rule_fix_it_then_remove_a_member(
    page, shot, tree, lapthach, cell_members
):
    members, recent = cell_members
    round_url = reverse("evaluation:member_round", args=[tree.c1.pk, YEAR])
    log_in(page, shot, "lapthach")

    # The entry page: the cells of the district with their progress for the year.
    page.goto(f"{reverse('evaluation:index')}?year={YEAR}")
    cells = page.locator("#cells")
    expect(cells).to_contain_text("Chi bộ thôn Phấn Kiến")
    expect(cells).not_to_contain_text("Chi bộ tổ dân phố 1")  # Vĩnh Yên, out of scope
    shot(page, "rounds")
    cells.locator(f'a[href="{round_url}"]').click()

    # The round: the late admission is shown as not rated, with its reason.
    expect(page.locator(f"#row-{recent.pk}")).to_contain_text("Kết nạp chưa đủ 6 tháng")
    expect(grade_select(page, recent)).to_have_count(0)
    shot(page, "round")

    # Three excellent beside eight good: at most 1 (20% of 8). The counts say so live.
    for i, member in enumerate(members):
        grade_select(page, member).select_option(Grade.EXCELLENT if i < 3 else Grade.GOOD)
    rule = page.locator("#excellent-rule")
    expect(rule).to_have_attribute("data-ok", "0")
    expect(page.locator('#grade-counts tr[data-grade="EXCELLENT"]')).to_contain_text("3")
    expect(page.locator('#grade-counts tr[data-grade="GOOD"]')).to_contain_text("8")
    expect(page.locator("#excellent-rule-error")).to_contain_text("vượt quá")
    shot(page, "round-over-the-limit")

    page.locator("#save-round").click()
    errors = page.locator("#round-errors")
    expect(errors).to_contain_text(
        "Số được xếp loại hoàn thành xuất sắc nhiệm vụ (3) vượt quá 20% số được xếp loại "
        "hoàn thành tốt nhiệm vụ (8): tối đa 1."
    )
    # Nothing saved, and the staff's choices are still on the page.
    assert MemberRating.objects.count() == 0
    expect(grade_select(page, members[0])).to_have_value(Grade.EXCELLENT)
    expect(grade_select(page, members[5])).to_have_value(Grade.GOOD)
    shot(page, "round-refused")

    # Fix: one excellent beside ten good.
    grade_select(page, members[1]).select_option(Grade.GOOD)
    grade_select(page, members[2]).select_option(Grade.GOOD)
    expect(rule).to_have_attribute("data-ok", "1")
    page.locator("#save-round").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#round-errors")).to_have_count(0)
    expect(grade_select(page, members[0])).to_have_value(Grade.EXCELLENT)
    expect(grade_select(page, members[2])).to_have_value(Grade.GOOD)
    expect(page.locator(f"#row-{members[0].pk} .saved-grade")).to_contain_text(
        "Hoàn thành xuất sắc nhiệm vụ"
    )
    shot(page, "round-saved")
    assert dict(MemberRating.objects.values_list("member__person__full_name", "grade")) == {
        **dict.fromkeys(NAMES, Grade.GOOD),
        NAMES[0]: Grade.EXCELLENT,
        "Trịnh Văn Mới": Grade.NOT_RATED,
    }

    # Remove a member: every field of the decision is required.
    leaving = members[-1]
    page.goto(reverse("evaluation:member_remove", args=[leaving.pk]))
    page.locator("#id_form").select_option("EXPELLED")
    expect(page.locator("#id_ground")).to_have_value("DISCIPLINARY")  # its only ground
    page.locator("#id_form").select_option("STRUCK_OFF")
    expect(page.locator("#id_ground")).to_have_value("")
    page.locator("#id_ground").select_option("ABSENT_3_MONTHS")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    expect(page.locator("#id_decision_number")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#evaluation-form")).to_contain_text("Trường này là bắt buộc.")
    shot(page, "removal-incomplete")

    page.locator("#id_decision_number").fill("215-QĐ/HU")
    page.locator("#id_decision_date").fill("15/03/2025")
    page.locator("#id_deciding_committee").fill("Ban Thường vụ Huyện ủy Lập Thạch")
    shot(page, "removal")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    page.wait_for_url(re.compile(reverse("members:member_detail", args=[leaving.pk]) + "$"))
    expect(page.locator("#party-data")).to_contain_text("Đã ra khỏi Đảng")
    expect(page.locator("#timeline")).to_contain_text("15/03/2025")
    shot(page, "removed")

    # The active list of the cell no longer shows the member.
    page.goto(f"{reverse('members:member_list')}?org={tree.c1.pk}")
    results = page.locator("#results")
    expect(page.locator("#result-count")).to_contain_text("11")
    expect(results).not_to_contain_text("Vũ Văn Phúc")
    expect(results).to_contain_text("Bùi Văn An")
    shot(page, "active-members")
    page.goto(f"{reverse('members:member_list')}?org={tree.c1.pk}&status=REMOVED")
    expect(page.locator("#results")).to_contain_text("Vũ Văn Phúc")
    shot(page, "removed-members")

    leaving.refresh_from_db()
    assert leaving.status == MemberStatus.REMOVED
    assert Removal.objects.get().decision_number == "215-QĐ/HU"
    for organization in (tree.p, tree.d1, tree.c1):
        for year in (YEAR, 2025):
            check = reconciliation(organization, year)
            assert check.balanced, check
    removals = reconciliation(tree.p, 2025)
    assert (removals.start, removals.removed, removals.end) == (12, 1, 11)


def test_committee_round_screening_and_warnings_in_the_browser(
    page, shot, tree, lapthach, cell_members
):
    members, _recent = cell_members
    log_in(page, shot, "lapthach")

    # The district committee rates its two grassroots organizations.
    page.goto(f"{reverse('evaluation:index')}?year={YEAR}")
    committee_round = reverse("evaluation:organization_round", args=[tree.d1.pk, YEAR])
    page.locator(f'#committees a[href="{committee_round}"]').click()
    page.locator(f'select[name="grade_{tree.g1.pk}"]').select_option(Grade.EXCELLENT)
    page.locator(f'select[name="grade_{tree.g2.pk}"]').select_option(Grade.GOOD)
    expect(page.locator('#grade-counts tr[data-grade=""]')).to_contain_text("0")
    shot(page, "committee-round")
    page.locator("#save-round").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f'select[name="grade_{tree.g1.pk}"]')).to_have_value(Grade.EXCELLENT)

    # Screening: find a member, record what was found, then the action taken.
    page.goto(reverse("evaluation:screening"))
    page.locator('input[name="q"]').fill("phan van minh")
    page.locator('input[name="q"]').press("Enter")
    expect(page.locator("#found")).to_contain_text("Phan Văn Minh")
    shot(page, "flag-search")
    page.locator("#found a").first.click()
    page.locator("#id_detail").fill("Ba tháng liền không sinh hoạt chi bộ")
    shot(page, "flag-record")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto(reverse("evaluation:screening"))
    row = page.locator("#flags tbody tr").first
    expect(row).to_contain_text("Phan Văn Minh")
    expect(row).to_contain_text("Căn cứ khác do cán bộ ghi nhận")
    shot(page, "screening-open")
    row.locator("a[href$='/resolve/']").click()
    page.locator("#id_action_taken").fill("Chi bộ đã gặp gỡ, giúp đỡ")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    expect(page.locator("#flags tbody tr").first).to_contain_text("Chi bộ đã gặp gỡ, giúp đỡ")
    shot(page, "screening-resolved")

    # R13: Đồng Tâm and the school cell have fewer than 3 official members.
    page.goto(reverse("evaluation:warnings"))
    warnings = page.locator("#warnings")
    expect(warnings).to_contain_text("Chi bộ thôn Đồng Tâm")
    expect(warnings).to_contain_text("Chi bộ Trường THPT Lập Thạch")
    expect(warnings).not_to_contain_text("Chi bộ thôn Phấn Kiến")
    shot(page, "warnings")

    # An exemption from the member's page onwards: the form, then the member page.
    page.goto(reverse("evaluation:exemption_start", args=[members[0].pk]))
    page.locator("#id_start_on").fill("01/02/2025")
    page.locator("#id_reason").fill("Tuổi cao, sức yếu")
    shot(page, "exemption")
    page.get_by_role("button", name=re.compile("Lưu|Save")).click()
    page.wait_for_url(re.compile(reverse("members:member_detail", args=[members[0].pk]) + "$"))
    expect(page.locator("#timeline")).to_contain_text("01/02/2025")
    shot(page, "exempt-member")
