"""
Search against an exhaustive scan (run by bench/run.py against the benchmark database):
for 50 terms of 1 to 4 characters taken from the articles, the bigram index's matches must
equal a sequential strpos() scan of every public entry, which uses no index at all.
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

from news.models import ArticleSearchEntry  # noqa: E402
from news.search import normalize_query  # noqa: E402
from news.selectors import search_entries  # noqa: E402


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


def scanned(term):
    """Every public entry containing `term`, by a sequential scan (indexes switched off)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "SELECT article_id FROM news_articlesearchentry WHERE is_public AND published_at <= now() AND strpos(text, %s) > 0",
            [term],
        )
        return {row[0] for row in cursor.fetchall()}


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
    print(
        json.dumps(
            {"terms": len(results), "all_identical": all(r["identical"] for r in results), "results": results},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
