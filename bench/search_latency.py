"""
Every search at its worst (issue 14): each query of a set built from the archive asked once
with nothing cached, against the PostgreSQL database in DATABASE_URL filled by
`manage.py load_demo` and `manage.py generate_articles 100000` (see the README's Speed
section; bench/run.py's database does too):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_search_bench .venv/bin/python bench/search_latency.py

The query set (`queries()`, also checked against a sequential scan by
bench/search_exactness.py), three kinds of --per-kind queries each:

- `short`: substrings of 1 to 8 characters cut from random articles;
- `glued`: 3- and 4-character strings glued from the archive's most frequent bigrams (two
  that overlap in one character, or two side by side): every piece is everywhere, the whole
  is rare or absent, plus the ones the outside review found (服务落, 任务群, 落实际, 层党员);
- `long`: substrings of 8 to 20 characters, each of which must find its article.

The set is written to --queries (a JSON file) the first time and read from it afterwards,
so that two versions of the code are measured on the same queries.

Each query: the cache emptied, then `GET /search/?q=…` through Django's test client in this
process, with production settings (DEBUG off, hashed static files): the time is Django's and
the database's for the whole page, without a network or a web server. Reported: p50, p99
and max per kind and over all, the slowest query's database time, how many answers were
"搜索用时过长" (must be none), and for the long substrings whether their article was found
(among the ranked matches, or older than the newest SEARCH_MAX_RESULTS of more).
"""

import argparse
import gc
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

KINDS = ("short", "glued", "long")
QUERIES_FILE = PROJECT / "bench" / "results" / "search_queries.json"
REVIEW_QUERIES = ["服务落", "任务群", "落实际", "层党员"]
TOO_SLOW = "搜索用时过长"
_HAN = re.compile(r"[\u4e00-\u9fff]{2}")


def _lines(text):
    return [line for line in text.split("\n") if line.strip()]


def _cut(rng, text, shortest, longest):
    """A normalised substring of `text` (one of its lines) of shortest..longest characters, or None."""
    from news.search import normalize_query

    line = rng.choice(_lines(text))
    if len(line) < shortest:
        return None
    length = rng.randint(shortest, min(longest, len(line)))
    start = rng.randrange(0, len(line) - length + 1)
    query = line[start : start + length]
    return query if normalize_query(query) == query else None  # no edge spaces


def build(per_kind, seed):
    """{kind: [{"q": query, "article": id or None}]}: the query set, from the archive."""
    from news.models import ArticleSearchEntry

    rng = random.Random(seed)
    public = ArticleSearchEntry.objects.public()
    ids = list(public.order_by("article_id").values_list("article_id", flat=True))
    sample = rng.sample(ids, min(len(ids), 3 * per_kind + 500))
    texts = dict(public.filter(article_id__in=sample).values_list("article_id", "text"))
    picked = iter(sample)
    chosen = {kind: [] for kind in KINDS}
    seen = set()

    def add(kind, query, article=None):
        if query and query not in seen:
            seen.add(query)
            chosen[kind].append({"q": query, "article": article})

    while len(chosen["short"]) < per_kind:
        add("short", _cut(rng, texts[next(picked)], 1, 8))
    while len(chosen["long"]) < per_kind:
        article = next(picked)
        add("long", _cut(rng, texts[article], 8, 20), article)

    # The most frequent two-character pieces (Chinese characters only) of 500 articles.
    counts = Counter()
    for article in sample[-500:]:
        counts.update(_HAN.findall(texts[article]))
        counts.update(_HAN.findall(texts[article][1:]))
    top = [piece for piece, _ in counts.most_common(60)]
    overlapping = sorted({a + b[1] for a in top for b in top if a[1] == b[0] and a != b})
    side_by_side = sorted({a + b for a in top for b in top if a != b})
    for query in REVIEW_QUERIES:
        add("glued", query)
    threes = rng.sample(overlapping, min(len(overlapping), per_kind))
    fours = rng.sample(side_by_side, per_kind)
    for three, four in zip(threes + [None] * per_kind, fours, strict=False):
        if len(chosen["glued"]) >= per_kind:
            break
        add("glued", three)
        if len(chosen["glued"]) < per_kind:
            add("glued", four)
    return chosen


def queries(path=None, per_kind=100, seed=14):
    """The query set: read from `path` if it exists, else built (and written to `path`)."""
    if path and Path(path).exists():
        return json.loads(Path(path).read_text())
    chosen = build(per_kind, seed)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(chosen, ensure_ascii=False, indent=1))
    return chosen


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * fraction + 0.5) - 1))]


def ask(client, query):
    """(ms for the page, ms of its slowest database query, too slow?, ranked ids, more)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news.search import normalize_query
    from news.selectors.search import ranked_matches

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/search/", {"q": query})
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (query, response.status_code)
    too_slow = TOO_SLOW in response.content.decode()
    slowest = max((float(q["time"]) * 1000 for q in captured.captured_queries), default=0.0)
    ranked, more = ([], False) if too_slow else ranked_matches(normalize_query(query))  # kept by the request
    return elapsed, slowest, too_slow, ranked, more


def found(article, ranked, more):
    """Whether the long substring's article was found, or rightly left out (older than the ranked)."""
    from news.models import ArticleSearchEntry

    if article in ranked:
        return "found"
    if more:
        oldest = ArticleSearchEntry.objects.filter(article_id__in=ranked).order_by("published_at").first()
        mine = ArticleSearchEntry.objects.get(article_id=article)
        if (mine.published_at, article) < (oldest.published_at, oldest.article_id):
            return "older than the ranked"
    return "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--queries", default=str(QUERIES_FILE), help="the query set (JSON): read if it exists, else written"
    )
    parser.add_argument("--slowest", type=int, default=5, help="list this many slowest queries")
    args = parser.parse_args()
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database with generated articles.")
    from bench.admin_list import collect_static, settings_env

    env = settings_env(db_url, Path(tempfile.gettempdir()) / "wuda-admin-bench-static")
    collect_static(env)
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from news.models import ArticleSearchEntry

    chosen = queries(args.queries, args.per_kind, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    client = Client()
    client.get("/search/", {"q": "党建"})  # imports, templates and the connection warmed up
    gc.freeze()  # what is loaded by now is out of the collector's way, as in the app servers (deploy/gunicorn.conf.py)
    print(f"- archive: {ArticleSearchEntry.objects.public().count()} public articles; queries from {args.queries}")
    print(f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"- python {platform.python_version()}, django {django.get_version()}, postgresql {server}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"- each query asked once, the cache emptied before it; times in ms; load average before: {load}\n")
    started = time.monotonic()
    rows, every, slow = [], [], []
    outcomes = Counter()
    for kind in KINDS:
        times, db_times, too_slow = [], [], 0
        for item in chosen[kind]:
            elapsed, slowest, gave_up, ranked, more = ask(client, item["q"])
            times.append(elapsed)
            db_times.append(slowest)
            too_slow += gave_up
            slow.append((elapsed, slowest, kind, item["q"], len(ranked), more))
            if kind == "long":
                outcomes[found(item["article"], ranked, more)] += 1
        every += times
        rows.append((kind, times, db_times, too_slow))
    rows.append(("all", every, [s[1] for s in slow], sum(r[3] for r in rows)))
    print("| queries | n | p50 | p99 | max | slowest database query: p99 | max | 搜索用时过长 |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, times, db_times, too_slow in rows:
        print(
            f"| {kind} | {len(times)} | {percentile(times, 0.5):.1f} | {percentile(times, 0.99):.1f} "
            f"| {max(times):.1f} | {percentile(db_times, 0.99):.1f} | {max(db_times):.1f} | {too_slow} |"
        )
    print(f"\nlong substrings: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")
    print(f"slowest {args.slowest}:")
    for elapsed, slowest, kind, query, matches, more in sorted(slow, reverse=True)[: args.slowest]:
        print(f"- {elapsed:.0f} ms (database {slowest:.0f}) {kind} `{query}`: {matches}{'+' if more else ''} ranked")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nran {time.monotonic() - started:.0f} s; load average after: {load}")


if __name__ == "__main__":
    main()
