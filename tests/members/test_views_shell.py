"""The shell of the staff interface: login, logout, language, home, placeholder sections."""

import pytest
from django.urls import reverse

from members.choices import StaffRole
from tests.factories import MemberFactory, UserFactory, assign

# Every page of the staff interface; each must send anonymous users to the login page.
PAGES = [
    ("home", {}),
    ("password_change", {}),
    ("members:organization_index", {}),
    ("members:organization_detail", {"pk": 1}),
    ("members:member_list", {}),
    ("members:member_export", {}),
    ("members:member_create", {}),
    ("members:member_transfer_in", {}),
    ("members:member_detail", {"pk": 1}),
    ("members:member_edit", {"pk": 1}),
    ("members:member_transfer", {"pk": 1}),
    ("members:member_transfer_out", {"pk": 1}),
    ("members:member_death", {"pk": 1}),
    ("recruitment:index", {}),
    ("evaluation:index", {}),
    ("reports:index", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_user_is_sent_to_login(client, db, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_login_page_is_in_vietnamese_by_default(client, db):
    # A browser asking for English still gets Vietnamese at the plain address.
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en"})
    assert response.status_code == 200
    assert "Đăng nhập" in response.text
    assert '<html lang="vi">' in response.text


def test_login_with_password_reaches_home(client, district_staff):
    response = client.post(
        reverse("login"), {"username": "district", "password": "password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Huyện ủy Lập Thạch" in response.text


def test_wrong_password_shows_vietnamese_error(client, district_staff):
    response = client.post(reverse("login"), {"username": "district", "password": "nope"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.text


def test_logout_is_post_only(client, district_staff):
    client.force_login(district_staff)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, district_staff):
    client.force_login(district_staff)
    assert "Đổi mật khẩu" in client.get(reverse("password_change")).text
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "password",
            "new_password1": "Chi-bo-thon-2024!",
            "new_password2": "Chi-bo-thon-2024!",
        },
    )
    assert response.status_code == 302
    district_staff.refresh_from_db()
    assert district_staff.check_password("Chi-bo-thon-2024!")


def test_organization_index_opens_the_single_scope_root(client, tree, district_staff):
    client.force_login(district_staff)
    response = client.get(reverse("members:organization_index"))
    assert response.status_code == 302
    assert response.url == reverse("members:organization_detail", args=[tree.d1.pk])


def test_home_is_the_dashboard_of_the_scope_root(client, tree, district_staff):
    MemberFactory(cell=tree.c1)
    MemberFactory(cell=tree.c3)
    client.force_login(district_staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["d"].organization == tree.d1
    # The scope bar names the assignment and its role.
    assert "Cán bộ" in response.text
    assert "Thành ủy Vĩnh Yên" not in response.text


def test_home_lists_each_root_of_several_assignments(client, tree):
    user = UserFactory(username="two")
    assign(user, tree.g2, StaffRole.STAFF)
    assign(user, tree.c3, StaffRole.LEADER)
    client.force_login(user)
    roots = client.get(reverse("members:organization_index")).context["roots"]
    assert {root.code for root, _figures in roots} == {"G2", "C3"}


def test_user_without_assignment_sees_advice(client, db):
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("members:organization_index"))
    assert response.status_code == 200
    assert response.context["roots"] == []


@pytest.mark.parametrize("name", ["recruitment:index", "evaluation:index", "reports:index"])
def test_every_section_of_the_navigation_opens(client, leader, name):
    # Sections still being built show the "coming" page under the same name.
    client.force_login(leader)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Quản lý đảng viên" in response.text


def test_english_is_served_under_en_prefix(client, leader):
    client.force_login(leader)
    response = client.get("/en/members/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Party member registry" in response.text


def test_language_switch_moves_to_the_english_address(client, leader):
    client.force_login(leader)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/members/?q=an"})
    assert response.status_code == 302
    assert response.url == "/en/members/?q=an"


def test_navigation_names_every_section(client, leader):
    client.force_login(leader)
    text = client.get(reverse("home")).text
    for label in ["Tổng quan", "Tổ chức", "Đảng viên", "Phát triển đảng viên", "Đánh giá"]:
        assert label in text
    assert "Báo cáo" in text


def test_navigation_offers_imports_to_staff_only(client, district_staff, leader):
    imports_url = reverse("imports:index")
    client.force_login(district_staff)
    assert f'href="{imports_url}"' in client.get(reverse("members:member_list")).text
    client.force_login(leader)
    assert f'href="{imports_url}"' not in client.get(reverse("members:member_list")).text
