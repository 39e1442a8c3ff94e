"""
Real app servers for the tests that need them: gunicorn with the production settings
module and deploy/gunicorn.conf.py, on 127.0.0.1, against the test database.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = PROJECT / ".venv" / "bin" / "gunicorn"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict=None):
    """The URL of the database the tests use (pytest-django's test database)."""
    db = settings_dict or connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def collect_static(target):
    """Run collectstatic with the production storage (hashed, compressed names)."""
    env = production_env(
        static_root=target, media_root=Path(target) / "unused-media", db_url="sqlite:///:memory:", redis_url=""
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=300,
    )


def production_env(*, static_root, media_root=None, db_url=None, redis_url=None, **extra):
    """The environment of a production deployment, pointing at the test database."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
    env.update(
        DJANGO_SETTINGS_MODULE="wuda_portal.settings",
        DEBUG="0",
        SECRET_KEY="production-like-test-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=db_url or database_url(),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root or settings.MEDIA_ROOT),
        # Plain HTTP on 127.0.0.1: no TLS proxy in front, so cookies cannot be Secure.
        SECURE_COOKIES="0",
        GUNICORN_ACCESSLOG="",
    )
    redis_url = settings.REDIS_URL if redis_url is None else redis_url
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "wuda-test"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_until_up(base_url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn at {base_url} did not come up")


# The master process of each running gunicorn, by base URL (to find its workers).
MASTER_PIDS = {}


def worker_pids(base_url):
    master = MASTER_PIDS[base_url]
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


@contextmanager
def gunicorn(env, *, workers=2, log=None, app="wuda_portal.wsgi"):
    """A gunicorn with deploy/gunicorn.conf.py; yields its base URL. workers=None: the config's."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers is not None:
        env["GUNICORN_WORKERS"] = str(workers)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", app],
        cwd=PROJECT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    MASTER_PIDS[base_url] = process.pid
    try:
        wait_until_up(base_url)
        yield base_url
    finally:
        MASTER_PIDS.pop(base_url, None)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def fetch(url, timeout=10):
    """(status, headers, body text) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def _as_postgres_user(command):
    """PostgreSQL's server tools refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _postgres_bin(tool):
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), reverse=True)
    return str(candidates[0]) if candidates else tool


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port, to stop and start."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="wuda-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres_user(
                [
                    _postgres_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args):
        subprocess.run(
            _as_postgres_user([_postgres_bin("pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self):
        self._ctl("-m", "fast", "-w", "stop")

    def remove(self):
        try:
            self._ctl("-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayRedis:
    """A Redis server of its own on a free port, to stop and start."""

    def __init__(self):
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def manage(env, *args, timeout=600):
    """Run manage.py with `env` (production settings), return its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout
