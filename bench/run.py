"""
The benchmark of docs/benchmarks.md:

    .venv/bin/python bench/run.py                 # 100,000 and 1,000 articles, about 35 minutes
    .venv/bin/python bench/run.py --quick         # a short run to try the script

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/), Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379; databases 2 and 3 are used and emptied)
and wrk, all on this machine; traffic stays on 127.0.0.1.

Each figure is quoted against a minimal Django page (bench/baseline) served by the same
gunicorn configuration. For every page, in every cache mode, the baseline and the portal
at both archive sizes (one gunicorn each, each with its own Redis database) are measured in
turn, seconds apart, several times over: the machine's own speed drifts by more than the
differences measured, so every figure is compared with runs made next to it.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import psycopg2
import redis

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.servers import collect_static, gunicorn, production_env, worker_pids  # noqa: E402

PYTHON = sys.executable
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
REDIS_SERVER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
REDIS_URLS = [f"{REDIS_SERVER}/2", f"{REDIS_SERVER}/3"]  # one per archive size: caches and view counts apart
WRK = ["wrk", "-t2", "-c16", "--latency"]


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def manage(db_url, *args, media_root, capture=False, redis_url=""):
    env = production_env(static_root=tempfile.gettempdir(), media_root=media_root, db_url=db_url, redis_url=redis_url)
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else None


def ensure_database(count, media_root, regenerate=False):
    """A database with the demo content and `count` generated articles; reused if present."""
    name = f"wuda_bench_{count}"
    db_url = BASE_URL.rstrip("/") + "/" + name
    admin = psycopg2.connect(BASE_URL.rstrip("/") + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists and not regenerate:
        conn = psycopg2.connect(db_url)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM news_article")
                enough = cursor.fetchone()[0] >= count
        finally:
            conn.close()  # before migrating: an open transaction's lock would block its ALTERs
        if enough:
            log(f"reusing {name}")
            manage(db_url, "migrate", "-v0", media_root=media_root)
            return db_url, None
    if exists:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage(db_url, "migrate", "-v0", media_root=media_root)
    manage(db_url, "load_demo", media_root=media_root)
    log(f"generating {count} articles")
    started = time.monotonic()
    output = manage(db_url, "generate_articles", str(count), media_root=media_root, capture=True)
    elapsed = time.monotonic() - started
    log(output.strip())
    return db_url, {"count": count, "seconds": round(elapsed, 1), "output": output.strip()}


def page_urls(db_url):
    """The pages measured, picked from the data: the largest 栏目, a mid-aged article, a running 专题, a demo single page."""
    with psycopg2.connect(db_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.slug, count(*) FROM news_article a JOIN news_category c ON c.id = a.category_id "
            "WHERE a.status = 'published' GROUP BY c.slug ORDER BY 2 DESC LIMIT 1"
        )
        slug, articles = cursor.fetchone()
        cursor.execute(
            "SELECT id FROM news_article WHERE status = 'published' ORDER BY published_at DESC OFFSET %s LIMIT 1",
            [min(500, articles // 2)],
        )
        article_id = cursor.fetchone()[0]
        # The demo's running 专题 (load_demo); a database made before topics existed has none.
        cursor.execute(
            "SELECT slug FROM topics_topic WHERE status = 'published' AND start_date <= current_date "
            'AND (end_date IS NULL OR end_date >= current_date) ORDER BY "order", id LIMIT 1'
        )
        topic = cursor.fetchone()
    last_page = max(1, -(-articles // 20))
    urls = {
        "home": "/",
        "list-first": f"/news/{slug}/",
        "list-last": f"/news/{slug}/?page={last_page}",
        "article": f"/articles/{article_id}/",
        "search-2": "/search/?q=%E5%85%9A%E5%BB%BA",  # 党建
        "search-4": "/search/?q=%E5%9F%BA%E5%B1%82%E6%B2%BB%E7%90%86",  # 基层治理
        "single-page": "/pages/lianxiwomen/",  # 联系我们 (load_demo)
    }
    if topic is not None:
        urls["topic"] = f"/topics/{topic[0]}/"
    return urls


def wrk(url, duration):
    result = subprocess.run([*WRK, f"-d{duration}s", url], capture_output=True, text=True, check=True)
    out = result.stdout

    def latency(percentile):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "requests": requests,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def rss_of(pids):
    values = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        values.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return values


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()


def flush_views(db_url, redis_url, media_root):
    manage(db_url, "flush_view_counts", media_root=media_root, capture=True, redis_url=redis_url)


def view_count(db_url, article_path):
    article_id = int(article_path.strip("/").split("/")[-1])
    with psycopg2.connect(db_url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT view_count FROM news_article WHERE id = %s", [article_id])
        return cursor.fetchone()[0]


MODES = {
    # name: (PAGE_CACHE_SECONDS, OBJECT_CACHE_SECONDS)
    "cached": (30, 30),  # production settings
    "page-cache-off": (0, 30),  # what a page the page cache does not hold costs
    "no-cache": (0, 0),  # the database path: every page's queries on every request
}


def measure(sizes, static_root, media_root, *, mode, duration, pairs):
    """
    sizes: {count: (db_url, redis_url, urls)}. For every page, pairs of: a baseline run,
    then a run of the page at every size (the order of the sizes turned round each time).
    Returns {count: figures per page}, each size's runs paired with the same baseline runs.
    """
    page_seconds, object_seconds = MODES[mode]

    def portal_env(db_url, redis_url):
        redis.Redis.from_url(redis_url).flushdb()  # every mode starts with empty caches
        return production_env(
            static_root=static_root,
            media_root=media_root,
            db_url=db_url,
            redis_url=redis_url,
            PAGE_CACHE_SECONDS=page_seconds,
            OBJECT_CACHE_SECONDS=object_seconds,
        )

    counts = list(sizes)
    any_size = sizes[counts[0]]
    baseline_env = {**portal_env(any_size[0], any_size[1]), "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"}
    results = {count: {} for count in counts}
    with ExitStack() as servers:
        baseline = servers.enter_context(gunicorn(baseline_env, workers=None, app="bench.baseline.wsgi"))
        portals = {
            count: servers.enter_context(gunicorn(portal_env(db_url, redis_url), workers=None))
            for count, (db_url, redis_url, _) in sizes.items()
        }
        for name in any_size[2]:
            for _ in range(20):  # warm up: caches, connections, the page cache
                fetch(baseline + "/")
                for count in counts:
                    fetch(portals[count] + sizes[count][2][name])
            runs = {count: [] for count in counts}
            for pair in range(pairs):
                base_run = wrk(baseline + "/", duration)
                for count in counts if pair % 2 == 0 else counts[::-1]:
                    page_run = wrk(portals[count] + sizes[count][2][name], duration)
                    runs[count].append({"baseline": base_run, "page": page_run})
                log(
                    f"{mode} {name} pair {pair + 1}: baseline {base_run['rps']:.0f}/s, "
                    + ", ".join(
                        f"{count:,} articles {runs[count][-1]['page']['rps']:.0f}/s "
                        f"(p50 {runs[count][-1]['page']['p50']:.2f} ms, p99 {runs[count][-1]['page']['p99']:.2f} ms)"
                        for count in counts
                    )
                )
            for count in counts:
                results[count][name] = summarise(runs[count])
                if name == "article":
                    db_url, redis_url, urls = sizes[count]
                    results[count][name]["views"] = count_views_exactly(
                        portals[count], urls[name], db_url, redis_url, media_root
                    )
        for count in counts:
            results[count]["_memory_mb"] = sorted(round(v, 1) for v in rss_of(worker_pids(portals[count])))
    return results


def count_views_exactly(base, path, db_url, redis_url, media_root, threads=16, each=100):
    """
    Whether N answered requests add N views. wrk cannot say: when a run ends it drops the
    requests in flight, which the server may already have counted. So: 16 threads that
    each wait for every answer.
    """
    flush_views(db_url, redis_url, media_root)
    before = view_count(db_url, path)
    statuses = []

    def reader():
        for _ in range(each):
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                statuses.append(response.status)

    workers = [threading.Thread(target=reader) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    flush_views(db_url, redis_url, media_root)
    return {
        "requests": len(statuses),
        "answered_200": statuses.count(200),
        "counted": view_count(db_url, path) - before,
    }


def summarise(runs):
    page = [r["page"] for r in runs]
    base = [r["baseline"] for r in runs]
    ratios = [p["rps"] / b["rps"] for p, b in zip(page, base, strict=True)]
    return {
        "rps_median": statistics.median(p["rps"] for p in page),
        "rps_min": min(p["rps"] for p in page),
        "rps_max": max(p["rps"] for p in page),
        "baseline_median": statistics.median(b["rps"] for b in base),
        "ratio_median": statistics.median(ratios),
        "p50_median": statistics.median(p["p50"] for p in page),
        "p99_median": statistics.median(p["p99"] for p in page),
        "p99_max": max(p["p99"] for p in page),
        "non2xx": sum(p["non2xx"] for p in page),
        "socket_errors": sum(p["socket_errors"] for p in page),
        "runs": runs,
    }


def run_script(script, db_url, media_root, static_root):
    env = production_env(
        static_root=static_root,
        media_root=media_root,
        db_url=db_url,
        redis_url="",
        PAGE_CACHE_SECONDS=0,
        OBJECT_CACHE_SECONDS=0,
    )
    env["ALLOWED_HOSTS"] += ",testserver"
    result = subprocess.run(
        [PYTHON, str(PROJECT / "bench" / script)], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"{script} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def versions():
    def out(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (FileNotFoundError, IndexError):
            return "?"

    import django
    import gunicorn as gunicorn_package

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    commit = out("git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD")
    changed = subprocess.run(
        ["git", "-C", str(PROJECT), "status", "--porcelain"], capture_output=True, text=True
    ).stdout
    return {
        "commit": commit + (" with uncommitted changes" if changed.strip() else ""),
        "machine": f"{cpu}, {os.cpu_count()} cores, {memory // 1024} GiB RAM, {platform.platform()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn_package.__version__,
        "postgresql": out("psql", "--version"),
        "redis": out("redis-server", "--version"),
        "wrk": out("wrk", "--version") or "wrk",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--growth-articles", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--pairs", type=int, default=3, help="baseline/page pairs per page")
    parser.add_argument("--quick", action="store_true", help="2,000 and 200 articles, 3-second runs")
    parser.add_argument("--output", default=str(PROJECT / "bench" / "results" / "latest.json"))
    parser.add_argument("--modes", default=",".join(MODES), help="which cache modes to measure")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names)")
    parser.add_argument("--no-growth", action="store_true", help="skip the small database")
    parser.add_argument("--no-checks", action="store_true", help="skip EXPLAIN and the search check")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again (and time it)")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.growth_articles, args.duration = 2_000, 200, 3

    media_root = Path(tempfile.mkdtemp(prefix="wuda-bench-media-"))
    static_root = Path(tempfile.mkdtemp(prefix="wuda-bench-static-"))
    collect_static(static_root)
    report = {"versions": versions(), "command": " ".join(sys.argv), "settings": vars(args), "sizes": {}}
    modes = [m for m in MODES if m in args.modes.split(",")]
    counts = (args.articles,) if args.no_growth else (args.articles, args.growth_articles)
    sizes = {}
    for count, redis_url in zip(counts, REDIS_URLS, strict=False):
        db_url, generated = ensure_database(count, media_root, regenerate=args.regenerate)
        urls = page_urls(db_url)
        if args.pages:
            urls = {name: url for name, url in urls.items() if name in args.pages.split(",")}
        sizes[count] = (db_url, redis_url, urls)
        report["sizes"][str(count)] = {"generated": generated, "urls": urls}
    for mode in modes:
        for count, figures in measure(
            sizes, static_root, media_root, mode=mode, duration=args.duration, pairs=args.pairs
        ).items():
            report["sizes"][str(count)][mode] = figures
    if not args.no_checks:
        db_url = sizes[args.articles][0]
        log("EXPLAIN of every page's queries")
        report["sizes"][str(args.articles)]["explain"] = run_script("explain.py", db_url, media_root, static_root)
        log("search against an exhaustive scan")
        report["sizes"][str(args.articles)]["search_exactness"] = run_script(
            "search_exactness.py", db_url, media_root, static_root
        )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    log(f"results in {args.output}; `python bench/report.py {args.output}` writes docs/benchmarks.md")


if __name__ == "__main__":
    main()
