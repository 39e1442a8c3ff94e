import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.factories import UserFactory

# CI turns this on (`pytest --require-services`, or PORTAL_REQUIRE_SERVICES=1): a test that
# needs PostgreSQL, Redis or a browser and cannot have it fails instead of skipping, so a
# green run means everything ran.
REQUIRE_SERVICES_ENV = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
LEGACY_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "legacy"
CHROMIUM = "/usr/bin/chromium"


def _redis_available():
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _missing(marker_name):
    """Why a test with this marker cannot run here, or None."""
    if marker_name == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker_name == "redis" and not _redis_available():
        return "needs Redis: set REDIS_URL=redis://... to a running server"
    if marker_name == "browser" and not Path(CHROMIUM).exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)"
    if marker_name == "legacy_sample" and not LEGACY_DIR.is_dir():
        return f"needs the old site's sample pages in {LEGACY_DIR}"
    if marker_name == "load" and not shutil.which("wrk"):
        return "needs wrk (apt-get install wrk)"
    if marker_name == "vnu":
        from tests.quality import vnu

        return vnu.missing()
    if marker_name == "server" and not shutil.which("gunicorn", path=str(Path(settings.BASE_DIR) / ".venv" / "bin")):
        return "needs gunicorn in .venv"
    if marker_name == "stack":
        path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin"
        missing = [tool for tool in ("nginx", "openssl", "envsubst", "curl") if not shutil.which(tool, path=path)]
        if missing:
            return f"needs {', '.join(missing)} for deploy/stack.sh (apt-get install nginx-light openssl gettext-base curl)"
    return None


def pytest_addoption(parser):
    parser.addoption(
        "--require-services",
        action="store_true",
        default=REQUIRE_SERVICES_ENV,
        help="fail, instead of skipping, a test whose PostgreSQL, Redis, browser or tool is missing",
    )


def pytest_runtest_setup(item):
    require = item.config.getoption("--require-services")
    for marker in item.iter_markers():
        reason = _missing(marker.name)
        if reason:
            if require:
                pytest.fail(f"--require-services is on but this test {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With --require-services no skip of any origin passes silently: it becomes a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and item.config.getoption("--require-services"):
        report.outcome = "failed"
        report.longrepr = f"skipped under --require-services: {report.longrepr}"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads in a fresh folder per test, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_content_types():
    """
    Every test looks content types up afresh. After two browser tests in a row that write
    in the admin, the second one's flush leaves the content type table empty while the
    process's ContentType cache still names the old ids, and the next test that writes a
    revision or an admin log entry fails on a foreign key (seen with test_backup.py).
    """
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def fresh_cache():
    """
    Every test starts with an empty cache (with REDIS_URL, the test Redis database), and
    with Redis taken as reachable whatever an earlier test did to it.
    """
    from core.store import forget_failures

    forget_failures()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", group="编辑")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", group="审核发布")


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once per session, as production does it."""
    from tests.servers import collect_static

    target = tmp_path_factory.mktemp("staticfiles")
    collect_static(target)
    return target


@pytest.fixture(scope="session")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The production stack, `deploy/stack.sh up`, on the test database and the test Redis:
    started once per session, by the first test that needs it, and stopped at the end.
    """
    from django.core.management import call_command

    from tests.factories import ensure_workflow_groups
    from tests.stack.running import Stack, stack_environment

    running = Stack(tmp_path_factory.mktemp("stack"), stack_environment())
    try:
        with django_db_blocker.unblock():
            ensure_workflow_groups()  # what migrate made, before a test emptied the tables
        running.up()
        # `up` filled the empty test database with the demo content. Tests start from an
        # empty one, as after any test that empties the tables, and load what they need.
        with django_db_blocker.unblock():
            call_command("flush", "--noinput", verbosity=0)
        yield running
    finally:
        running.down()
