"""
What one page-cache hit costs inside the application, without gunicorn, a network or wrk:
each URL is built once (a miss, kept), then asked --hits times through the WSGI application
(core.pagecache in front of Django) with production settings, on DATABASE_URL and REDIS_URL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_main REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/hit_cost.py / /articles/1/ '/search/?q=%E5%85%9A%E5%BB%BA'

prints the answer's size and the wall time per hit (which includes the Redis round trip
and so moves with the machine's load).
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "wuda_portal.settings",
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_COOKIES": "0",
    "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "wuda-hit-cost-static"),
    # Long enough that no kept page goes stale during a run (a rebuild would count as a hit).
    "PAGE_CACHE_SECONDS": "3600",
    "OBJECT_CACHE_SECONDS": "3600",
    "CACHE_KEY_PREFIX": "wuda-hit-cost",
}


def environ(url):
    parts = urlsplit(url)
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "bench/hit_cost.py",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }


def ask(application, url):
    """(status, headers, body) of one GET through the WSGI application."""
    answer = []
    body = application(environ(url), lambda status, headers, exc_info=None: answer.append((status, headers)))
    try:
        return (*answer[0], b"".join(body))
    finally:
        if hasattr(body, "close"):
            body.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--hits", type=int, default=3000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("DATABASE_URL (PostgreSQL, with the demo content) and REDIS_URL must be set.")
    os.environ.update(SETTINGS)
    if not (Path(SETTINGS["STATIC_ROOT"]) / "staticfiles.json").exists():
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, cwd=PROJECT, check=True)
    from wuda_portal.wsgi import application

    for url in args.urls:
        ask(application, url)  # built and kept
        status, headers, body = ask(application, url)
        if ("X-Page-Cache", "hit") not in headers:
            sys.exit(f"{url}: {status}, not a page-cache hit")
        started = time.perf_counter()
        for _ in range(args.hits):
            ask(application, url)
        per_hit = (time.perf_counter() - started) / max(args.hits, 1) * 1e6
        print(f"{url}: {status}, {len(body)} bytes, {per_hit:.1f} µs per hit ({args.hits} hits)")


if __name__ == "__main__":
    main()
