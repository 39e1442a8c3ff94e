"""
The workbench (工作台, the admin's index) on a large archive (issue 18 §1), against the
PostgreSQL database in DATABASE_URL filled as for bench/admin_list.py (its states are
applied the same way):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_admin_bench .venv/bin/python bench/workbench.py

Before measuring, two users get work of their own, chosen by id so that running it again
changes nothing: an editor (bench-editor) is the author of a quarter of the drafts and half of
the articles in review, and each article in review has its submission in the review record;
every fifth draft of the editor was returned with a comment. The page is requested as that
editor and as a reviewer (bench-reviewer, in 审核发布); Django's test client, in process,
production settings, as bench/admin_list.py.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.admin_list import STATES, collect_static, settings_env  # noqa: E402

WORK = """
UPDATE news_article SET created_by_id = NULL WHERE created_by_id = %(editor)s AND NOT (id %% 200 IN (1, 2));
UPDATE news_article SET created_by_id = %(editor)s
    WHERE status IN ('draft', 'review') AND id %% 200 IN (1, 2) AND created_by_id IS DISTINCT FROM %(editor)s;
DELETE FROM review_reviewrecord WHERE content_type_id = %(article_type)s AND comment = 'bench';
INSERT INTO review_reviewrecord (content_type_id, object_id, action, user_id, user_name, at, comment)
    SELECT %(article_type)s, id, 'submitted', %(editor)s, 'bench-editor', updated_at - (id %% 97) * interval '1 hour', 'bench'
    FROM news_article WHERE status IN ('review', 'draft');
INSERT INTO review_reviewrecord (content_type_id, object_id, action, user_id, user_name, at, comment)
    SELECT %(article_type)s, id, 'returned', %(reviewer)s, 'bench-reviewer', updated_at, 'bench'
    FROM news_article WHERE status = 'draft' AND created_by_id = %(editor)s AND id %% 1000 = 1;
ANALYZE review_reviewrecord;
"""


def measure(client, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get("/admin/").status_code == 200
    times, cpu, db = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get("/admin/")
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = sorted(((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True)
        db.append(sum(ms for ms, _ in queries))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, round(len(times) * 0.95) - 1)],
        "cpu": statistics.median(cpu),  # this process's own time, apart from waiting for a core
        "queries": len(queries),
        "db_ms": statistics.median(db),  # the queries' time as the client saw it
        "slowest_ms": queries[0][0],  # of the last request
        "slowest": queries[:3],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--verbose", action="store_true", help="print the three slowest queries of each user's page")
    args = parser.parse_args()
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database with generated articles.")
    # Static files collected afresh: the workbench's own stylesheet must be in the manifest.
    static_root = tempfile.mkdtemp(prefix="wuda-workbench-bench-static-")
    env = settings_env(db_url, Path(static_root))
    collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test import Client

    from news.models import Article

    User = get_user_model()
    editor, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    reviewer, _ = User.objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="编辑"))
    reviewer.groups.add(Group.objects.get(name="审核发布"))
    with connection.cursor() as cursor:
        cursor.execute(STATES)
        cursor.execute(
            WORK,
            {
                "editor": editor.pk,
                "reviewer": reviewer.pk,
                "article_type": ContentType.objects.get_for_model(Article).pk,
            },
        )
    counts = dict(Article.objects.values_list("status").annotate(n=django.db.models.Count("id")))
    print(f"- archive: {sum(counts.values())} articles ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    print(f"- bench-editor's: {Article.objects.filter(created_by=editor).count()} drafts and articles in review")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"- {args.runs} requests per user after 2 to warm up; times in ms; load average before: {load}\n")
    print("| user | median | p95 | CPU | queries | database (median) | slowest query of the last |")
    print("|---|---|---|---|---|---|---|")
    for name, user in (("编辑 (bench-editor)", editor), ("审核发布 (bench-reviewer)", reviewer)):
        client = Client()
        client.force_login(user)
        r = measure(client, args.runs)
        print(
            f"| {name} | {r['median']:.0f} | {r['p95']:.0f} | {r['cpu']:.0f} | {r['queries']} | {r['db_ms']:.1f} "
            f"| {r['slowest_ms']:.1f} |",
            flush=True,
        )
        if args.verbose:
            for ms, sql in r["slowest"]:
                print(f"    {ms:.1f} ms: {sql[:400]}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nload average after: {load}")
    shutil.rmtree(static_root)


if __name__ == "__main__":
    main()
