import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
from django.urls import reverse
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ,
    "debug": settings.DEBUG,
    "admin": reverse("admin:index"),
    "media_root": str(settings.MEDIA_ROOT),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}).get("options"),
}))
"""


def run_settings(**env):
    """Import the production settings in a fresh interpreter with exactly `env` set."""
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    clean["DJANGO_SETTINGS_MODULE"] = "wuda_portal.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=PROJECT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_without_secret_key_production_start_up_stops_with_a_clear_message():
    result = run_settings(ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_without_allowed_hosts_production_start_up_stops_with_a_clear_message():
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_defaults_for_trying_the_portal_out():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT / "db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["language"] == "zh-hans"
    assert values["time_zone"] == "Asia/Shanghai"
    assert values["use_tz"] is True
    assert values["admin"] == "/admin/"


def test_debug_is_off_by_default():
    result = run_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_everything_else_comes_from_the_environment(tmp_path):
    result = run_settings(
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://portal@db.example.org:5432/portal",
        REDIS_URL="redis://cache.example.org:6379/0",
        ADMIN_URL="houtai/",
        MEDIA_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "portal"
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["admin"] == "/houtai/"
    assert values["media_root"] == str(tmp_path)


@pytest.mark.parametrize("value", ["/admin/", "admin"])
def test_a_malformed_admin_url_is_refused(value):
    result = run_settings(DEBUG="1", ADMIN_URL=value)
    assert result.returncode != 0
    assert "ADMIN_URL" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (PROJECT / "wuda_portal" / "settings.py").read_text()
    documented = (PROJECT / ".env.example").read_text()
    import re

    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', settings_source))
    read |= set(re.findall(r'_required_in_production\(\s*"([A-Z0-9_]+)"', settings_source))
    assert read, "the pattern found no variables"
    missing = sorted(name for name in read if f"{name}=" not in documented)
    assert not missing, f".env.example does not document {missing}"


@pytest.mark.parametrize(
    ("url_options", "pgoptions", "expected"),
    [
        (None, "", "-c jit=off"),
        ("-c statement_timeout=5000", "", "-c statement_timeout=5000 -c jit=off"),
        (None, "-c lock_timeout=1000", "-c lock_timeout=1000 -c jit=off"),
        # libpq ignores PGOPTIONS once the URL sets options: so do they.
        ("-c statement_timeout=5000", "-c lock_timeout=1000", "-c statement_timeout=5000 -c jit=off"),
        # Options that choose jit themselves are kept as they are.
        ("-c jit=on", "", "-c jit=on"),
        (None, "--jit=on -c work_mem=64MB", "--jit=on -c work_mem=64MB"),
        ("-cJIT=off", "", "-cJIT=off"),
        # A setting whose name merely ends in jit is not jit.
        ("-c nojit=1", "", "-c nojit=1 -c jit=off"),
    ],
)
def test_connections_turn_jit_off_after_the_options_they_are_given(url_options, pgoptions, expected):
    from wuda_portal.settings import options_with_jit_off

    assert options_with_jit_off(url_options, pgoptions) == expected


@pytest.mark.parametrize(
    ("url_query", "pgoptions", "expected"),
    [
        ("", None, "-c jit=off"),
        ("?options=-c%20statement_timeout%3D5000", None, "-c statement_timeout=5000 -c jit=off"),
        ("", "-c lock_timeout=1000", "-c lock_timeout=1000 -c jit=off"),
        ("?options=-c%20jit%3Don", None, "-c jit=on"),
    ],
)
def test_the_settings_append_jit_off_to_the_database_url_options_or_pgoptions(url_query, pgoptions, expected):
    env = {"PGOPTIONS": pgoptions} if pgoptions is not None else {}
    result = run_settings(DEBUG="1", DATABASE_URL=f"postgres://portal@db.example.org:5432/portal{url_query}", **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["db_options"] == expected


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_compiles_no_query_just_in_time():
    """JIT cost the reviewer's workbench 1.3 s of compiling for a 60 ms query at 100,000 articles."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
