"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest

from members.choices import StaffRole
from tests.factories import UserFactory, assign

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told it is safe (it is: the loop is idle).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Chromium is not installed (make chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # An English-speaking browser: the interface must still come up in Vietnamese.
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class Screenshots:
    """Saves a full-page screenshot of each page visited, numbered in visiting order."""

    def __init__(self, test_name: str):
        self.prefix = re.sub(r"[^a-z0-9_]+", "-", test_name.lower())
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{self.prefix}-*.png"):
            old.unlink()

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request):
    return Screenshots(request.node.name)


@pytest.fixture
def lapthach(tree):
    user = UserFactory(username="lapthach")
    assign(user, tree.d1, StaffRole.STAFF)
    return user


@pytest.fixture
def vinhyen(tree):
    user = UserFactory(username="vinhyen")
    assign(user, tree.d2, StaffRole.STAFF)
    return user


def log_in(page, shot, username, password="password"):
    page.goto("/accounts/login/")
    shot(page, f"login-{username}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def log_out(page):
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
