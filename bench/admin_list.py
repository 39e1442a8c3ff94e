"""
The admin's list of articles on a large archive (issue 20): how long the 文章 list takes
for what editors do with it, against the PostgreSQL database in DATABASE_URL, one of its
own filled by `manage.py load_demo` and `manage.py generate_articles 100000` (see the
README's Speed section; not bench/run.py's database, whose articles must stay published):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_admin_bench .venv/bin/python bench/admin_list.py

Production settings (DEBUG off, the hashed static files of a collectstatic into a temporary
folder), no cache server needed: the admin does not use it. Requests go through Django's
test client, in this process, as a logged-in reviewer: the time is Django's and the
database's, without a network or a web server. Each case is requested twice to warm up,
then --runs times; the queries of one more request are recorded with their times.

Before measuring, the archive gets the states an admin list has (generate_articles makes
every article published): 2 % drafts and 1 % in review never published, 0.5 % withdrawn,
0.1 % scheduled for the coming month, chosen by id, so running it again changes nothing.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

STATES = """
UPDATE news_article SET status = 'draft', published_at = NULL, is_scheduled = false
    WHERE id % 50 = 1 AND status <> 'draft';
UPDATE news_article SET status = 'review', published_at = NULL, is_scheduled = false
    WHERE id % 100 = 2 AND status <> 'review';
UPDATE news_article SET status = 'withdrawn' WHERE id % 200 = 3 AND status <> 'withdrawn';
UPDATE news_article SET published_at = date_trunc('hour', now()) + (id % 30 + 1) * interval '1 day', is_scheduled = true
    WHERE id % 1000 = 4 AND NOT is_scheduled;
UPDATE news_articlesearchentry e SET is_public = (a.status = 'published'), published_at = a.published_at
    FROM news_article a
    WHERE a.id = e.article_id
      AND (e.is_public <> (a.status = 'published') OR e.published_at IS DISTINCT FROM a.published_at);
ANALYZE news_article;
ANALYZE news_articlesearchentry;
"""


def settings_env(db_url, static_root):
    return {
        "DJANGO_SETTINGS_MODULE": "wuda_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": db_url,
        "REDIS_URL": "",
        "STATIC_ROOT": str(static_root),
    }


def collect_static(env):
    """The admin's pages name hashed static files: collect them once into a temporary folder."""
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=PROJECT,
            env={**os.environ, **env},
            check=True,
        )


def cases():
    """(name, query parameters) of the list pages measured, picked from the data."""
    from django.db.models import Count

    from news.models import Article

    articles = Article.objects.count()
    largest = Article.objects.values("category").annotate(n=Count("id")).order_by("-n").first()["category"]
    last_page = -(-articles // 50)
    return [
        ("全部文章，第 1 页", {}),
        ("全部文章，第 2 页", {"p": 2}),
        (f"全部文章，最后一页（第 {last_page} 页）", {"p": last_page}),
        ("栏目（最大的栏目）", {"category__id__exact": largest}),
        ("状态：待审核", {"status": "review"}),
        ("状态：已发布", {"status": "published"}),
        ("状态：定时发布", {"status": "scheduled"}),
        ("栏目 + 状态：已发布", {"category__id__exact": largest, "status": "published"}),
        ("发布年份：2024", {"year": 2024}),
        ("搜索 2 个字：党建", {"q": "党建"}),
        ("搜索 4 个字：基层治理", {"q": "基层治理"}),
        ("搜索 4 个字，正文里没有：笃信笃行", {"q": "笃信笃行"}),
        ("搜索 2 个字 + 栏目 + 状态：草稿", {"q": "党建", "category__id__exact": largest, "status": "draft"}),
        ("搜索 4 个字 + 栏目", {"q": "基层治理", "category__id__exact": largest}),
    ]


def measure(client, path, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    count_ms = sum(ms for ms, sql in queries if sql.startswith('SELECT COUNT(*) AS "__count" FROM "news_article"'))
    slowest = max(queries)
    times.sort()
    return {
        "median": statistics.median(times),
        # On a shared machine the wall time waits for the cores: this process's own CPU time
        # and the queries' time say what a page costs apart from the waiting.
        "cpu": statistics.median(cpu),
        "db_ms": sum(ms for ms, _ in queries),
        "p95": times[max(0, round(len(times) * 0.95) - 1)],
        "max": times[-1],
        "queries": len(queries),
        "count_ms": count_ms,
        "slowest_ms": slowest[0],
        "slowest_sql": slowest[1][:70].replace("|", "/"),
        "result": result_count(response),
    }


def result_count(response):
    """The number of articles the list says it holds (the paginator's line)."""
    match = re.search(r'<p class="paginator">.*?(\d+) 文章', response.content.decode(), re.S)
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database with generated articles.")
    env = settings_env(db_url, Path(tempfile.gettempdir()) / "wuda-admin-bench-static")
    collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from news.models import Article

    with connection.cursor() as cursor:
        cursor.execute(STATES)
    reviewer, _ = get_user_model().objects.get_or_create(
        username="bench-admin-list", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(reviewer)
    states = dict(
        Article.objects.values_list("status").annotate(n=django.db.models.Count("id")).values_list("status", "n")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    print(f"- archive: {sum(states.values())} articles ({', '.join(f'{k} {v}' for k, v in sorted(states.items()))})")
    print(f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"- python {platform.python_version()}, django {django.get_version()}, postgresql {server}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"- {args.runs} requests per case after 2 to warm up; times in ms; load average before: {load}\n")
    print("| case | matches | median | p95 | max | CPU | queries | DB | COUNT | slowest query |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    started = time.monotonic()
    for name, params in cases():
        path = "/admin/news/article/" + ("?" + urlencode(params) if params else "")
        r = measure(client, path, args.runs)
        print(
            f"| {name} | {r['result']} | {r['median']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['cpu']:.0f} "
            f"| {r['queries']} | {r['db_ms']:.0f} | {r['count_ms']:.1f} | {r['slowest_ms']:.1f} `{r['slowest_sql']}…` |",
            flush=True,
        )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nran {time.monotonic() - started:.0f} s; load average after: {load}")


if __name__ == "__main__":
    main()
