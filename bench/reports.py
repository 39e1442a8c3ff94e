"""
The 错敏词 check, the compliance check and the statistics at 100,000 articles (issue 18):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_reports_bench .venv/bin/python bench/reports.py

The database is one of its own, filled by `manage.py migrate`, `manage.py load_demo` and
`manage.py generate_articles 100000` (its media in the project's media/, as that command
leaves them). Production settings (DEBUG off), no cache server; pages are requested through
Django's test client in this process as a logged-in reviewer, so the times are Django's and
the database's, without a web server. Before measuring, five editor accounts are given the
generated articles by id, and 1 % of the articles a 错敏词 and a broken link (idempotent;
their search entries are saved again, as saving an article keeps them).

Measured:
- matching: a 10,000-character body (generated text, as HTML) against 5,000 entries (the
  starter list and generated ones), html_to_text + check, and the check alone;
- the content scan of every public article (scan_content: links, files, 错敏词), in process;
  --scan-only: its parts apart, and the 错敏词 scan also the reference way (every text read),
  with whether both found the same;
- `manage.py site_check --json`, as cron runs it (a new process, wall time);
- the check page, the statistics page and its Excel export (median of --runs).
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.admin_list import collect_static, settings_env  # noqa: E402


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[-1]


def synthetic_entries(count, seed=18):
    """`count` entries beyond the starter list: pairs of 2-6 character strings of generated text."""
    from demo import textgen
    from wording.matching import Entry

    rng = random.Random(seed)
    text = "".join("".join(textgen.article(seed * 1000 + n).paragraphs) for n in range(60))
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    entries, seen = [], set()
    while len(entries) < count:
        length = rng.randint(2, 6)
        wrong = "".join(rng.choice(chars) for _ in range(length))
        if wrong in seen:
            continue
        seen.add(wrong)
        entries.append(Entry(wrong, wrong[::-1] + "甲", "ordinary" if rng.random() < 0.8 else "serious"))
    return entries


def bench_matching(runs):
    from demo import textgen
    from news.sanitize import html_to_text
    from wording.matching import Entry, Matcher
    from wording.models import WordingEntry

    starter = [Entry(e.wrong, e.right, e.severity) for e in WordingEntry.objects.all()]
    entries = starter + synthetic_entries(5000 - len(starter))
    started = time.perf_counter()
    matcher = Matcher(entries)
    build_ms = (time.perf_counter() - started) * 1000
    paragraphs, seed = [], 7
    while sum(len(p) for p in paragraphs) < 10000:
        paragraphs += textgen.article(seed).paragraphs
        seed += 1
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    text = html_to_text(body)[:10000]
    found = len(matcher.check([("正文", text)]))
    check = timed(lambda: matcher.check([("正文", text)]), runs)
    whole = timed(lambda: matcher.check([("正文", html_to_text(body))]), runs)
    return {
        "entries": len(entries),
        "text_chars": len(text),
        "html_chars": len(body),
        "findings": found,
        "build_ms": build_ms,
        "check": check,
        "html_and_check": whole,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--scan-only", action="store_true", help="only the content scan's two parts, with this process's CPU time"
    )
    args = parser.parse_args()
    db_url = os.environ.get("DATABASE_URL")
    if not db_url or not db_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL benchmark database (see the docstring).")
    static_root = Path(tempfile.gettempdir()) / "wuda-reports-bench-static"
    env = settings_env(db_url, static_root)
    os.environ.update(env)
    collect_static(env)

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from news.models import Article, ArticleSearchEntry
    from reports import compliance, content_scan
    from tests.factories import UserFactory, ensure_workflow_groups

    ensure_workflow_groups()
    editors = [UserFactory(username=f"bench-editor-{n}", group="编辑") for n in range(5)]
    with connection.cursor() as cursor:
        ids = [e.pk for e in editors]
        cursor.execute(
            "UPDATE news_article SET created_by_id = (%s::int[])[id %% 5 + 1] WHERE created_by_id IS NULL", [ids]
        )
        # 1 % of the articles get a 错敏词 and a link to an article that does not exist, so
        # that the scan has findings to report (body and search text alike; idempotent).
        cursor.execute(
            "UPDATE news_article SET body = body || %s WHERE id %% 100 = 5 AND body NOT LIKE %s",
            ['<p>认真布署。<a href="/articles/999999999/">相关文章</a></p>', "%认真布署%"],
        )
        # Their search entries follow, as saving them would keep them: the text and its
        # bigram vector, which the 错敏词 scan asks first (reports.wording_scan).
        cursor.execute(
            "SELECT article_id FROM news_articlesearchentry WHERE article_id %% 100 = 5 AND text NOT LIKE %s",
            ["%认真布署%"],
        )
        stale = [pk for (pk,) in cursor.fetchall()]
        for article in Article.objects.filter(pk__in=stale).iterator(1000):
            ArticleSearchEntry(article=article, **ArticleSearchEntry.fields_for(article)).save()
        # What autovacuum does in time: the statistics' index-only scans need it after the updates.
        cursor.execute("VACUUM ANALYZE news_article")
        cursor.execute("VACUUM ANALYZE news_articlesearchentry")
    reviewer = UserFactory(username="bench-reviewer", group="审核发布")
    assert reviewer.groups.filter(pk=Group.objects.get(name="审核发布").pk).exists()
    public = Article.objects.published().count()
    print(f"articles: {Article.objects.count()}, public: {public}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )

    if args.scan_only:
        from reports.wording_scan import scan_wording

        results = {}
        for name, part in [
            (
                "links (the bodies news_article_links_idx names)",
                lambda: content_scan.scan_links(content_scan.FileIndex(), {}),
            ),
            ("错敏词 (the texts the bigram index names; what site_check runs)", lambda: scan_wording(every_text=False)),
            ("错敏词, every public article's text read (the reference)", lambda: scan_wording(every_text=True)),
        ]:
            load, wall, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
            results[name] = part()
            print(
                f"{name}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU of this "
                f"process; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
            )
        fast, reference = list(results.values())[1:]
        print(f"错敏词 findings: {len(fast[0])}, the same as reading every text: {fast == reference}")
        return

    m = bench_matching(max(args.runs * 10, 100))
    print(
        f"matching: {m['entries']} entries built in {m['build_ms']:.0f} ms; "
        f"{m['text_chars']} characters of text ({m['findings']} findings): check median {m['check'][0]:.2f} ms, "
        f"max {m['check'][1]:.2f} ms; from {m['html_chars']} characters of HTML, html_to_text + check median "
        f"{m['html_and_check'][0]:.2f} ms, max {m['html_and_check'][1]:.2f} ms"
    )

    started = time.perf_counter()
    findings, count = content_scan.scan_content()
    scan_s = time.perf_counter() - started
    print(
        f"content scan (scan_content, in process): {count} public articles in {scan_s:.1f} s; "
        f"{len(findings['wording'])} 错敏词 findings, {len(findings['broken_links'])} broken links, "
        f"{len(findings['missing_files'])} missing files"
    )
    state_ms = timed(compliance.category_states, args.runs)
    print(f"category states: median {state_ms[0]:.1f} ms, max {state_ms[1]:.1f} ms")

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "site_check", "--json"],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    site_check_s = time.perf_counter() - started
    print(
        f"site_check --json (new process, wall): {site_check_s:.1f} s, exit {result.returncode}, {len(result.stdout)} bytes"
    )

    client = Client()
    client.force_login(reviewer)
    year = max(
        (d.year for d in Article.objects.published().dates("published_at", "year")), default=time.localtime().tm_year
    )
    for name, url, params in [
        ("check page (合规自查)", reverse("reports:compliance"), {}),
        (f"statistics page ({year})", reverse("reports:statistics"), {"year": year}),
        (f"statistics Excel ({year})", reverse("reports:statistics"), {"year": year, "export": "xlsx"}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        median, worst = timed(lambda url=url, params=params: client.get(url, params), args.runs)
        print(f"{name}: median {median:.0f} ms, max {worst:.0f} ms, {len(response.content)} bytes")


if __name__ == "__main__":
    main()
