"""
A real browser: Playwright driving Debian's Chromium (/usr/bin/chromium), never one it
downloads, against pytest-django's live server.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# pytest-django's live server and Playwright's sync API share the test thread's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}


@dataclass
class Watch:
    """What a page did that it must not: console errors, CSP violations, other hosts."""

    host: str
    console_errors: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request):
        host = urlsplit(request.url).netloc
        if request.url.startswith(("http://", "https://")) and host != self.host:
            self.foreign_requests.append(request.url)

    def assert_clean(self):
        assert not self.console_errors, self.console_errors  # CSP violations are console errors too
        assert not self.foreign_requests, self.foreign_requests


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(viewport) -> (page, watch): a fresh browser context on the live server."""
    contexts = []

    def opener(viewport=DESKTOP, **options):
        context = chromium.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        watch = Watch(urlsplit(live_server.url).netloc)
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        page.on("request", watch.on_request)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def screenshot(page, name):
    """Saved for people to look at (artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"), full_page=True)
