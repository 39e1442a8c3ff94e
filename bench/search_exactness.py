"""
Search against an exhaustive scan (run by bench/run.py against the benchmark database):
for 50 terms of 1 to 4 characters taken from the articles, the bigram index's matches must
equal a sequential strpos() scan of every public entry, which uses no index at all; and for
the queries of bench/search_latency.py (the review's four and the first few of each kind),
the newest matches the public search ranks (runs of months through the grams index, or the walk
and the bigram index) must equal the newest of that scan.
"""

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.search_latency import KINDS, QUERIES_FILE, REVIEW_QUERIES, queries  # noqa: E402
from news.models import ArticleSearchEntry  # noqa: E402
from news.search import normalize_query  # noqa: E402
from news.selectors import search_entries  # noqa: E402
from news.selectors.search import SEARCH_MAX_RESULTS, _candidates  # noqa: E402


def terms(count=50, seed=7):
    rng = random.Random(seed)
    texts = list(ArticleSearchEntry.objects.public().order_by("?").values_list("text", flat=True)[:200])
    chosen = ["党建", "基层治理", "乌", "icp", "2021", "网格化管理", "”“", "街道党工委"]
    while len(chosen) < count:
        text = rng.choice(texts)
        length = rng.choice([1, 2, 2, 3, 4])
        start = rng.randrange(0, max(1, len(text) - length))
        term = normalize_query(text[start : start + length])
        if term and term not in chosen:
            chosen.append(term)
    return chosen[:count]


def scanned(term, newest=None):
    """
    Every public entry containing `term`, by a sequential scan (indexes switched off): a set
    of ids, or the newest `newest` as the search ranks them, (id, published_at, in title).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "SELECT article_id, published_at, (strpos(title, %s) > 0)::int FROM news_articlesearchentry"
            " WHERE is_public AND published_at <= now() AND strpos(text, %s) > 0",
            [term, term],
        )
        rows = cursor.fetchall()
    if newest is None:
        return {row[0] for row in rows}
    return sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)[:newest]


def ranked_terms(each=10):
    """
    The review's queries and the first `each` of every kind of bench/search_latency.py's set
    (the file in $SEARCH_QUERIES, or its default).
    """
    chosen = queries(os.environ.get("SEARCH_QUERIES", QUERIES_FILE))
    return list(dict.fromkeys([*REVIEW_QUERIES, *(item["q"] for kind in KINDS for item in chosen[kind][:each])]))


def main():
    results = []
    for term in terms():
        started = time.monotonic()
        indexed = set(search_entries(term).values_list("article_id", flat=True))
        index_ms = (time.monotonic() - started) * 1000
        exhaustive = scanned(term)
        results.append(
            {
                "term": term,
                "matches": len(exhaustive),
                "identical": indexed == exhaustive,
                "index_ms": round(index_ms, 1),
            }
        )
    ranked = []
    for term in ranked_terms():
        started = time.monotonic()
        newest = _candidates(term, None)
        ranked_ms = (time.monotonic() - started) * 1000
        exhaustive = scanned(term, SEARCH_MAX_RESULTS + 1)
        ranked.append(
            {"term": term, "newest": len(exhaustive), "identical": newest == exhaustive, "ms": round(ranked_ms, 1)}
        )
    print(
        json.dumps(
            {
                "terms": len(results),
                "all_identical": all(r["identical"] for r in results + ranked),
                "results": results,
                "ranked": ranked,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
