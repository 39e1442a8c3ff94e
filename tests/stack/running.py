"""
The production stack as deploy/stack.sh starts it (nginx with TLS in front of two gunicorn
app servers), started by the tests against the test database and the test Redis, and an
HTTP client that talks to it over HTTPS with its self-signed certificate.
"""

import http.client
import itertools
import os
import re
import signal
import ssl
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from tests.servers import PROJECT, database_url, free_port

STACK_SCRIPT = PROJECT / "deploy" / "stack.sh"


@dataclass
class Stack:
    """A stack started with deploy/stack.sh: its ports, folders and environment."""

    dir: Path
    env: dict
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    app_ports: tuple = field(default_factory=lambda: (free_port(), free_port()))
    project: Path = PROJECT
    output: str = ""
    # The content types' ids when the app servers' workers were last renewed (renew_workers).
    content_type_ids: frozenset = None

    def __post_init__(self):
        self.env = {
            **self.env,
            "STACK_DIR": str(self.dir),
            "STACK_HTTP_PORT": str(self.http_port),
            "STACK_HTTPS_PORT": str(self.https_port),
            "STACK_APP_PORTS": " ".join(map(str, self.app_ports)),
        }

    @property
    def url(self):
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def host(self):
        return f"127.0.0.1:{self.https_port}"

    @property
    def certificate(self):
        return self.dir / "tls" / "certificate.pem"

    @property
    def media_root(self):
        return self.dir / "media"

    @property
    def static_root(self):
        return self.dir / "static"

    @property
    def error_pages(self):
        return self.dir / "error-pages"

    def script(self, *args, check=True, timeout=300, name="stack.sh"):
        """Run deploy/<name> with this stack's environment; the CompletedProcess."""
        result = subprocess.run(
            ["bash", str(self.project / "deploy" / name), *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode:
            raise RuntimeError(f"deploy/{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def up(self):
        self.output = self.script("up", timeout=600).stdout
        return self

    def down(self):
        return self.script("down", check=False)

    def pid(self, name):
        path = self.dir / "run" / f"{name}.pid"
        return int(path.read_text()) if path.exists() else None

    def renew_workers(self):
        """
        A graceful reload (HUP) of each running app server: new workers, forked from a
        master that has read no content type. A worker's ContentType cache outlives a
        test that empties the tables, whose content types come back under new ids, and its
        next admin log entry failed on the foreign key (a 500). Production never renumbers
        them; the tests do, between tests.
        """
        for name in ("app1", "app2"):
            master = self.pid(name)
            if master is None or not Path(f"/proc/{master}").exists():
                continue
            old = _workers(master)
            os.kill(master, signal.SIGHUP)
            deadline = time.monotonic() + 30
            while not ((new := _workers(master)) and len(new) >= len(old) and not new & old):
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name}: its workers were not renewed within 30 s")
                time.sleep(0.05)

    def ssl_context(self):
        context = ssl.create_default_context(cafile=str(self.certificate))
        context.set_alpn_protocols(["http/1.1"])  # http.client speaks HTTP/1.1
        return context

    def request(self, method, path, *, headers=None, body=None, source="127.0.0.1", timeout=30):
        """One request through nginx over HTTPS, from the loopback address `source`."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.ssl_context(), timeout=timeout, source_address=(source, 0)
        )
        return _exchange(connection, method, path, headers, body)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def app_request(self, index, method, path, *, headers=None, body=None, timeout=30):
        """One request straight to app server `index` (0 or 1), with the headers nginx would add."""
        connection = http.client.HTTPConnection("127.0.0.1", self.app_ports[index], timeout=timeout)
        proxy_headers = {"Host": self.host, "X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1"}
        return _exchange(connection, method, path, {**proxy_headers, **(headers or {})}, body)


def _workers(master):
    try:
        return set(map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()))
    except OSError:
        return set()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def _exchange(connection, method, path, headers, body):
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def stack_environment(**extra):
    """The environment deploy/stack.sh gets from the tests: the test database and Redis."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
    env.update(
        DATABASE_URL=database_url(),
        # Two workers per app server: enough for the tests, kind to a two-core machine.
        GUNICORN_WORKERS="2",
        GUNICORN_ACCESSLOG="",
    )
    if settings.REDIS_URL:
        # The tests' own Redis database and key prefix: what the tests write through the ORM
        # moves the content version the stack's app servers read.
        env.update(REDIS_URL=settings.REDIS_URL, CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"])
    env.update({k: str(v) for k, v in extra.items()})
    return env


_addresses = itertools.count(1)


class Staff:
    """
    A member of staff in the admin, through the stack or straight to one app server. Each
    comes from a loopback address of its own: nginx limits login attempts per address, and
    the stack is shared by the whole session.
    """

    def __init__(self, stack, *, app=None, source=None):
        self.stack, self.app = stack, app
        self.source = source or f"127.0.1.{next(_addresses) % 250 + 1}"
        self.cookies = {}

    def request(self, method, path, *, headers=None, body=None, timeout=60):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": self.stack.url + path,
            **(headers or {}),
        }
        if self.app is None:
            response = self.stack.request(method, path, headers=headers, body=body, source=self.source, timeout=timeout)
        else:
            response = self.stack.app_request(self.app, method, path, headers=headers, body=body, timeout=timeout)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, files=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, headers={"Content-Type": content_type}, body=body)

    def log_in(self, username, password):
        form = self.get("/admin/login/")
        response = self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": csrf_token(form.text), "username": username, "password": password},
        )
        assert response.status == 302 and response.headers["Location"] == "/admin/", (response.status, response.text)
        return self


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def multipart(fields, files):
    """(body, content type) of a multipart/form-data form; files: {name: (filename, bytes)}."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
