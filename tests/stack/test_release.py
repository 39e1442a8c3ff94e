"""
deploy/release.sh under load (16 connections, 30 s, or until 5 s after the release when it
takes longer on a busy machine): a new version goes live on both app servers with no failed
request and no page from a half-updated state.

The stack runs from a copy of the project, which the test changes as a release would: a
template (a marker in every page) and the site's stylesheet (a marker in the CSS, so a new
hashed name).
"""

import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

from news.models import Article
from tests.servers import PROJECT
from tests.stack.running import Stack, stack_environment
from tests.stack.test_app_server_dies import rotate_script, summary

pytestmark = [
    pytest.mark.stack,
    pytest.mark.load,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SECONDS = 30
PAGE_MARKER = '<meta name="release" content="2">'
CSS_MARKER = "/* release 2 */"


def copy_of_the_project(target):
    """The project's files (tracked and new, not ignored), with the same .venv."""
    names = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=PROJECT, capture_output=True, check=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, names):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(PROJECT / ".venv")
    return target


@pytest.fixture
def copied_stack(tmp_path, demo):
    project = copy_of_the_project(tmp_path / "project")
    stack = Stack(tmp_path / "stack", stack_environment(), project=project)
    try:
        yield stack.up()
    finally:
        stack.down()


def new_version(project):
    base = project / "templates" / "base.html"
    base.write_text(base.read_text().replace('<meta charset="utf-8">', '<meta charset="utf-8">\n' + PAGE_MARKER))
    css = project / "static" / "css" / "site.css"
    css.write_text(css.read_text() + "\n" + CSS_MARKER + "\n")


class Checker(threading.Thread):
    """
    Reads pages as residents do, half of them past the page cache (with a session cookie,
    as staff), and checks each against the stylesheet it links: a page of the new version
    must get the new stylesheet, a page of the old one the old, and both must be there.
    """

    def __init__(self, stack, paths):
        super().__init__(daemon=True)
        self.stack, self.paths = stack, paths
        self.stop = threading.Event()
        self.seen = {"old": 0, "new": 0}
        self.problems = []

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            headers = {"Cookie": "sessionid=not-a-session"} if n % 2 else {}
            try:
                self.check(self.paths[n % len(self.paths)], headers)
            except Exception as exc:  # reported by the test
                self.problems.append(repr(exc))

    def check(self, path, headers):
        page = self.stack.get(path, headers=headers)
        if page.status != 200:
            self.problems.append((path, page.status))
            return
        stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)">', page.text)
        css = self.stack.get(stylesheet.group(1))
        new_page = PAGE_MARKER in page.text
        self.seen["new" if new_page else "old"] += 1
        if css.status != 200 or (CSS_MARKER in css.text) != new_page:
            self.problems.append((path, "new" if new_page else "old", stylesheet.group(1), css.status))


def test_a_release_under_load_fails_no_request_and_shows_no_half_updated_page(copied_stack, tmp_path):
    stack = copied_stack
    paths = ["/", *(a.get_absolute_url() for a in Article.objects.published()[:8]), "/news/dangjian-dongtai/"]
    before = (stack.pid("app1"), stack.pid("app2"))
    load = subprocess.Popen(
        # Stopped below (wrk reports what it saw when interrupted).
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{4 * SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            rotate_script(tmp_path, paths),
            stack.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    started = time.monotonic()
    checker = Checker(stack, paths)
    checker.start()
    time.sleep(2)
    new_version(stack.project)
    release = stack.script(name="release.sh", timeout=120)
    released_after = time.monotonic() - started
    time.sleep(max(SECONDS - released_after, 5))
    load.send_signal(signal.SIGINT)
    output, _ = load.communicate(timeout=60)
    checker.stop.set()
    checker.join(timeout=30)

    assert "reloading app1" in release.stdout and "reloading app2" in release.stdout
    result = summary(output)
    assert result["requests"] > 1000, output
    assert result["failed"] == 0, output
    assert checker.problems == []
    assert checker.seen["old"] > 0 and checker.seen["new"] > 0, checker.seen
    # Both app servers run the new version, from new master processes.
    after = (stack.pid("app1"), stack.pid("app2"))
    assert None not in after and set(after).isdisjoint(before)
    for index in (0, 1):
        page = stack.app_request(index, "GET", "/", headers={"Cookie": "sessionid=not-a-session"})
        assert page.status == 200 and PAGE_MARKER in page.text
