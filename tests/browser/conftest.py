"""Playwright driving Debian's chromium (never a browser Playwright downloads itself)."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(autouse=True)
def allow_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around
    # it are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    # One browser per test: Playwright's sync API keeps an event loop running while it is open, and
    # Django refuses ORM calls from tests that would run beside that loop.
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: scripts/browser-deps.sh installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    refused = []  # what the Content-Security-Policy blocked: an inline script, handler or style left somewhere
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text[:120]}")
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert refused == [], f"{len(refused)} breaches of the Content-Security-Policy, first: {refused[:3]}"


@pytest.fixture
def screenshot(page):
    def take(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, base, username, password="Demo@2026"):
    """Sign in through the portal's own login page as a demo user, and land on the home page."""
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Việc cần làm")
