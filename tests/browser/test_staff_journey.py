"""A committee staff member's day in the browser, in Vietnamese, scoped to their district."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.factories import MemberFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def an(tree):
    MemberFactory(cell=tree.c2, person=PersonFactory(full_name="Nguyễn Văn Anh"))
    MemberFactory(cell=tree.c3, person=PersonFactory(full_name="Nguyễn Văn An"))
    return MemberFactory(
        cell=tree.c1,
        person=PersonFactory(full_name="Nguyễn Văn An", date_of_birth=datetime.date(1984, 9, 2)),
        admission_decision_date=datetime.date(2010, 3, 2),
    )


def test_find_edit_and_transfer_a_member_then_another_district_cannot_see_it(
    page, shot, tree, an, lapthach, vinhyen
):
    log_in(page, shot, "lapthach")
    expect(page.locator("#scope")).to_contain_text("Huyện ủy Lập Thạch")
    shot(page, "home")

    page.get_by_role("link", name="Đảng viên", exact=True).click()
    expect(page.get_by_role("heading", name="Danh sách đảng viên")).to_be_visible()
    page.get_by_label("Tìm kiếm").fill("nguyen van an")
    page.get_by_label("Tìm kiếm").press("Enter")
    # "Nguyễn Văn Anh" matches too; the namesake in Vĩnh Yên is outside the scope.
    expect(page.locator("#result-count")).to_contain_text("2 đảng viên")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Chi bộ thôn Phấn Kiến")
    expect(page.locator("#results")).not_to_contain_text("Chi bộ tổ dân phố 1")
    shot(page, "search")

    results.get_by_role("link", name="Nguyễn Văn An", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#timeline")).to_contain_text("Kết nạp")
    shot(page, "member")

    page.get_by_role("link", name="Sửa").click()
    page.get_by_label("Nơi ở hiện nay").fill("Thôn Phấn Kiến, xã Đình Chu")
    shot(page, "edit")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")
    expect(page.locator("#personal-data")).to_contain_text("Thôn Phấn Kiến, xã Đình Chu")
    expect(page.locator("#edit-history")).to_contain_text("lapthach")
    shot(page, "saved")

    page.get_by_role("link", name="Chuyển sinh hoạt", exact=True).click()
    page.get_by_placeholder("Gõ để lọc danh sách…").fill("dong tam")
    page.get_by_label("Chi bộ chuyển đến").select_option(
        label="Chi bộ thôn Đồng Tâm — Đảng bộ xã Đình Chu"
    )
    page.get_by_label("Ngày chuyển").fill("01/09/2024")
    shot(page, "transfer")
    page.get_by_role("button", name="Lưu").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Chuyển sinh hoạt đi")
    expect(timeline).to_contain_text("Chuyển sinh hoạt đến")
    expect(timeline).to_contain_text("01/09/2024")
    expect(page.locator("#party-data")).to_contain_text("Chi bộ thôn Đồng Tâm")
    shot(page, "transferred")
    member_url = page.url

    log_out(page)
    log_in(page, shot, "vinhyen")
    response = page.goto(member_url)
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("Không tìm thấy")
    shot(page, "not-found")


def test_wrong_dates_show_the_vietnamese_error_next_to_the_field(page, shot, tree, an, lapthach):
    log_in(page, shot, "lapthach")
    page.goto(f"/members/{an.pk}/edit/")
    birth = page.get_by_label("Ngày sinh")

    birth.fill("31/02/2020")
    page.get_by_role("button", name="Lưu").click()
    error = page.locator("#id_date_of_birth ~ .invalid-feedback")
    expect(error).to_have_text("Nhập ngày hợp lệ theo dạng dd/mm/yyyy.")
    shot(page, "impossible-date")

    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    page.get_by_label("Ngày sinh").fill(tomorrow.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu").click()
    expect(error).to_have_text("Ngày sinh phải là một ngày trong quá khứ.")
    shot(page, "future-birth")
    expect(page).to_have_url(re.compile(r"/edit/$"))


def test_new_member_form_in_the_browser(page, shot, tree, lapthach):
    log_in(page, shot, "lapthach")
    page.goto(f"/org/{tree.c2.pk}/")
    shot(page, "cell")
    page.get_by_role("link", name="Thêm đảng viên").click()
    page.get_by_label("Họ và tên").fill("Đỗ Thị Hạnh")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Ngày sinh").fill("12/08/1995")
    page.get_by_label("Số CCCD").fill("026195000777")
    page.get_by_label("Trạng thái").select_option(label="Đảng viên chính thức")
    page.get_by_label("Ngày quyết định kết nạp").fill("19/05/2019")
    page.get_by_label("Ngày lễ kết nạp").fill("25/05/2019")
    page.get_by_label("Ngày chính thức").fill("25/05/2020")
    shot(page, "new")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Đỗ Thị Hạnh")
    expect(page.locator("#party-data")).to_contain_text("Chi bộ thôn Đồng Tâm")
    shot(page, "created")
