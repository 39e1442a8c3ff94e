"""
The production stack measured as residents reach it: through nginx, over TLS (HTTP/1.1 with
keep-alive, as wrk speaks it), in one run:

    .venv/bin/python bench/stack.py            # about 2 minutes; prints the table
    .venv/bin/python bench/stack.py --write    # and puts it in docs/benchmarks.md

- a page-cache hit of the home page and of an article;
- /healthz (Django and one database query, never cached);
- nginx sending a 10 KB static file: the ceiling of this machine for anything through
  nginx with TLS. Each page is reported as a ratio to it.
Each at 16 and 64 connections (`wrk -t2 --latency`), p50 and p99. Goals: no errors, p99
of the cached pages at most 50 ms at 64 connections.

Starts its own stack with deploy/stack.sh (STACK_DIR .stack-bench/, ports 18080/18443 and
18001/18002 unless STACK_* say otherwise) on DATABASE_URL (default: the stack's own
database wuda_stack) and REDIS_URL (default redis://127.0.0.1:6379/6, away from bench/run.py's
2 and 3), with the production gunicorn configuration, and stops it at the end. Traffic stays
on 127.0.0.1.
"""

import argparse
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT / "docs" / "benchmarks.md"
SECTION = "## Through the production stack: nginx with TLS, two app servers (bench/stack.py)"


def stack_env():
    env = dict(os.environ)
    env.setdefault("STACK_DIR", str(PROJECT / ".stack-bench"))
    env.setdefault("STACK_HTTP_PORT", "18080")
    env.setdefault("STACK_HTTPS_PORT", "18443")
    env.setdefault("STACK_APP_PORTS", "18001 18002")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    env["GUNICORN_ACCESSLOG"] = ""  # as measured: no access log line per request from gunicorn
    return env


def stack(env, command):
    return subprocess.run(
        ["bash", str(PROJECT / "deploy" / "stack.sh"), command], env=env, check=True, capture_output=True, text=True
    )


def fetch(url, certificate, headers=None):
    context = ssl.create_default_context(cafile=str(certificate))  # the stack's own, self-signed
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        return answer.headers, answer.read()


def wrk(url, connections, seconds):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"\s50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1)),
        "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--write", action="store_true", help="put the table in docs/benchmarks.md")
    args = parser.parse_args()

    env = stack_env()
    base = f"https://127.0.0.1:{env['STACK_HTTPS_PORT']}"
    started = time.monotonic()
    print("deploy/stack.sh up ...", file=sys.stderr)
    stack(env, "up")
    try:
        static_root = Path(env.get("STATIC_ROOT", Path(env["STACK_DIR"]) / "static"))
        (static_root / "bench").mkdir(exist_ok=True)
        (static_root / "bench" / "10k.txt").write_bytes(b"0123456789abcdef" * 640)  # 10,240 bytes
        certificate = Path(env["STACK_DIR"]) / "tls" / "certificate.pem"
        home = fetch(base + "/", certificate)[1].decode()
        article = re.search(r'href="(/articles/\d+/)"', home).group(1)
        targets = [
            ("nginx: static file of 10 KB (the ceiling)", "/static/bench/10k.txt"),
            ("首页 /, page-cache hit", "/"),
            ("article, page-cache hit (view counted)", article),
            ("/healthz (Django, one query, not cached)", "/healthz"),
        ]
        for _, path in targets[1:3]:
            fetch(base + path, certificate)
            assert fetch(base + path, certificate)[0]["X-Page-Cache"] == "hit", path
        results = {}
        for connections in (16, 64):
            for name, path in targets:
                results[name, connections] = wrk(base + path, connections, args.duration)
                print(name, connections, results[name, connections], file=sys.stderr)
    finally:
        stack(env, "down")
    minutes = (time.monotonic() - started) / 60
    report = render(targets, results, args.duration, minutes)
    print(report)
    if args.write:
        write(report)


def render(targets, results, duration, minutes):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        SECTION,
        "",
        f"Command: `bench/stack.py --duration {duration}` ({minutes:.1f} minutes), commit {commit}, "
        f"{datetime.now():%Y-%m-%d}. `deploy/stack.sh up` with its defaults (two app servers of "
        "`deploy/gunicorn.conf.py`, sharing 2 × cores + 1 sync workers), the demo content, "
        f"`wrk -t2 -d{duration}s --latency` over HTTPS to nginx on 127.0.0.1; wrk, nginx, both app "
        "servers, PostgreSQL and Redis share the machine's two cores. Ratio: requests/s against "
        "nginx sending a 10 KB static file at the same number of connections.",
        "",
        "| target | connections | req/s | ratio to static | p50 ms | p99 ms | errors | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for connections in (16, 64):
        ceiling = results[targets[0][0], connections]["rps"]
        for index, (name, _) in enumerate(targets):
            r = results[name, connections]
            goal = "errors 0: " + ("met" if r["errors"] == 0 else "NOT met")
            if index in (1, 2) and connections == 64:
                goal += "; p99 ≤ 50 ms: " + ("met" if r["p99"] <= 50 else "NOT met")
            lines.append(
                f"| {name} | {connections} | {r['rps']:.0f} | {r['rps'] / ceiling:.2f} | "
                f"{r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | {goal} |"
            )
    return "\n".join(lines) + "\n"


def write(report):
    """Replace this script's section of docs/benchmarks.md (from its heading to the next), or add it at the end."""
    text = BENCHMARKS.read_text()
    if SECTION in text:
        start = text.index(SECTION)
        following = text.find("\n## ", start + len(SECTION))
        rest = text[following + 1 :] if following != -1 else ""
        text = text[:start].rstrip("\n") + "\n\n" + report.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + report.rstrip("\n") + "\n"
    BENCHMARKS.write_text(text)


if __name__ == "__main__":
    main()
