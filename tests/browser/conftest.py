"""
A real browser: Playwright driving Debian's Chromium (/usr/bin/chromium), never one it
downloads, against pytest-django's live server, or through the production stack (nginx
with TLS and two gunicorn app servers, deploy/stack.sh) for the tests that take `site`.
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
    """
    What a page did that it must not: console errors, CSP violations, other hosts, and
    anything it loads (an image, a stylesheet, a script) answered with an error or not at all.
    """

    host: str
    console_errors: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)
    failed_loads: list = field(default_factory=list)

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request):
        host = urlsplit(request.url).netloc
        if request.url.startswith(("http://", "https://")) and host != self.host:
            self.foreign_requests.append(request.url)

    def on_response(self, response):
        # The pages themselves may be a 404 on purpose; what they load may not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_loads.append((response.status, response.url))

    def on_request_failed(self, request):
        # net::ERR_ABORTED is the browser cancelling a load because the page went on (a
        # navigation, a dialog closed): nothing was refused. A load that fails is answered
        # with an error status (on_response) or fails otherwise (refused, reset, blocked).
        if request.failure == "net::ERR_ABORTED":
            return
        if request.resource_type != "document" and not request.url.startswith("blob:"):
            self.failed_loads.append((request.failure, request.url))

    def assert_clean(self):
        assert not self.console_errors, self.console_errors  # CSP violations are console errors too
        assert not self.foreign_requests, self.foreign_requests
        assert not self.failed_loads, self.failed_loads


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=["live-server", pytest.param("stack", marks=[pytest.mark.stack, pytest.mark.postgres])])
def site(request, settings):
    """
    Where a test's browser goes (`site.url`): pytest-django's live server, and the
    production stack over HTTPS with its self-signed certificate. Through the stack, what the
    test stores goes to the stack's media folder, and users get passwords the stack's
    production settings can check.
    """
    if request.param == "live-server":
        return request.getfixturevalue("live_server")
    stack = request.getfixturevalue("stack")
    settings.MEDIA_ROOT = stack.media_root
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    return stack


@pytest.fixture
def open_page(request, chromium):
    """open_page(viewport) -> (page, watch): a fresh browser context on `site` or the live server."""
    base = request.getfixturevalue("site" if "site" in request.fixturenames else "live_server")
    secure = base.url.startswith("https://")
    contexts = []

    def opener(viewport=DESKTOP, **options):
        # The stack's certificate is self-signed: accepted here as a visitor would accept it.
        context = chromium.new_context(
            viewport=viewport, locale="zh-CN", accept_downloads=True, ignore_https_errors=secure, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        watch = Watch(urlsplit(base.url).netloc)
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
        page.on("request", watch.on_request)
        page.on("response", watch.on_response)
        page.on("requestfailed", watch.on_request_failed)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def screenshot(page, name):
    """Saved for people to look at (artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"), full_page=True)
