"""
EXPLAIN every query of the measured pages (run by bench/run.py against the benchmark
database): prints JSON with each page's queries, their plans' scans and any sequential
scan of the article or search tables.

`--search 服务落 --search 基层治理`: instead, the plans PostgreSQL chose, run with
EXPLAIN (ANALYZE, BUFFERS), for the queries of the search table that the search page makes
for each query, with nothing cached (docs/benchmarks.md shows them):

    DATABASE_URL=postgres://… .venv/bin/python bench/explain.py --search 服务落
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.run import page_urls  # noqa: E402
from tests.servers import database_url  # noqa: E402

WATCHED = {"news_article", "news_articlesearchentry", "news_articlesearchline"}


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explain_searches(queries):
    """EXPLAIN (ANALYZE, BUFFERS) of the search table's queries of each search, as text."""
    from news.selectors.search import _candidates

    for query in queries:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            found = _candidates(query, None)
        print(f"### `{query}`: {len(found)} of the newest matches ranked\n")
        for sql in (q["sql"] for q in captured.captured_queries):
            if "news_articlesearch" not in sql:  # the entries and their lines
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"```\n{sql}\n\n{plan}\n```\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--search", action="append", help="a search query whose plans to show (repeatable)")
    args = parser.parse_args()
    if args.search:
        explain_searches(args.search)
        return
    urls = page_urls(database_url())
    client = Client()
    report = {}
    for name, url in urls.items():
        cache.clear()
        client.get(url)  # the frame and 栏目 tree cached, as on a warm server
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        queries = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0][0]["Plan"]
            scans = [
                f"{n['Node Type']} on {n.get('Relation Name', '?')}"
                + (f" using {n['Index Name']}" if "Index Name" in n else "")
                for n in nodes(plan)
                if "Scan" in n["Node Type"]
            ]
            seq = [
                n["Relation Name"]
                for n in nodes(plan)
                if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in WATCHED
            ]
            queries.append({"sql": sql[:160], "scans": scans, "seq_scans_of_big_tables": seq})
        report[name] = {
            "url": url,
            "status": status,
            "queries": queries,
            "ok": not any(q["seq_scans_of_big_tables"] for q in queries),
        }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
