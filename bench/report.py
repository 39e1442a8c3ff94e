"""
Write docs/benchmarks.md from a result file of bench/run.py:

    .venv/bin/python bench/report.py bench/results/latest.json
"""

import json
import statistics
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
STACK_SECTION = "## Through the production stack"
PAGES = {
    "home": "首页 /",
    "list-first": "栏目 page 1",
    "list-last": "栏目 last page",
    "article": "article (view counted)",
    "search-2": "search, 2 characters (党建)",
    "search-4": "search, 4 characters (基层治理)",
    "single-page": "single page (联系我们)",
}
MODE_TITLES = {
    "cached": "Production settings: page cache on (PAGE_CACHE_SECONDS=30, OBJECT_CACHE_SECONDS=30)",
    "page-cache-off": "Page cache off, object cache on (PAGE_CACHE_SECONDS=0, OBJECT_CACHE_SECONDS=30); "
    "a repeated search reads its ranking from the object cache, the no-cache table shows the scan",
    "no-cache": "Page and object caches off: every request runs its queries (both 0)",
}
TARGETS = {
    ("cached", "home"): 0.75,
    ("cached", "list-first"): 0.75,
    ("cached", "list-last"): 0.75,
    ("cached", "article"): 0.60,
    ("cached", "single-page"): 0.75,
    ("page-cache-off", "article"): 0.25,
    ("page-cache-off", "list-first"): 0.20,
    ("page-cache-off", "list-last"): 0.20,
}
SEARCH_P99_TARGET_MS = 100  # two-character term, 16 connections
WORKER_RSS_TARGET_MB = 80
GROWTH_TARGET = 1.3
LAST_PAGE_TARGET = 1.5  # the last page's latency against page 1's


def verdict(value, target):
    if target is None:
        return ""
    return f"≥ {target:.2f}: {'met' if value >= target else 'NOT met'}"


def page_verdict(mode, name, r):
    if name == "search-2":
        met = r["p99_median"] <= SEARCH_P99_TARGET_MS
        if mode == "no-cache":  # the production settings keep a searched term's ranking
            return f"p99 ≤ {SEARCH_P99_TARGET_MS} ms: {'met' if met else 'not met'} without any cache (for the record)"
        return f"p99 ≤ {SEARCH_P99_TARGET_MS} ms: {'met' if met else 'NOT met'}"
    return verdict(r["ratio_median"], TARGETS.get((mode, name)))


def table(mode, results):
    lines = [
        "| page | req/s median (min–max) | baseline req/s median | ratio median | p50 ms | p99 ms (max) | non-2xx | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, label in PAGES.items():
        r = results.get(name)
        if not r:
            continue
        lines.append(
            f"| {label} | {r['rps_median']:.0f} ({r['rps_min']:.0f}–{r['rps_max']:.0f}) | {r['baseline_median']:.0f} | "
            f"**{r['ratio_median']:.2f}** | {r['p50_median']:.1f} | {r['p99_median']:.1f} ({r['p99_max']:.1f}) | "
            f"{r['non2xx'] + r['socket_errors']} | {page_verdict(mode, name, r)} |"
        )
    first, last = results.get("list-first"), results.get("list-last")
    if first and last:
        ratio = last["p50_median"] / first["p50_median"]
        lines.append("")
        lines.append(
            f"Last page of the largest 栏目 against its page 1: p50 {last['p50_median']:.1f} ms / "
            f"{first['p50_median']:.1f} ms = {ratio:.2f} (target ≤ {LAST_PAGE_TARGET}: "
            f"{'met' if ratio <= LAST_PAGE_TARGET else 'NOT met'})."
        )
    memory = results.get("_memory_mb")
    if memory:
        lines.append("")
        lines.append(
            f"RSS of the portal's gunicorn workers after these runs: {', '.join(f'{m:.1f}' for m in memory)} MB "
            f"(target ≤ {WORKER_RSS_TARGET_MB} MB: {'met' if max(memory) <= WORKER_RSS_TARGET_MB else 'NOT met'})."
        )
    article = results.get("article", {}).get("views")
    if article:
        exact = article["answered_200"] == article["counted"] == article["requests"]
        lines.append(
            f"View counting: {article['requests']} requests for the article from 16 threads that wait for every "
            f"answer, {article['answered_200']} answered 200, view count grew by {article['counted']} "
            f"({'exact' if exact else 'NOT exact'})."
        )
    return "\n".join(lines)


def growth(report, big, small):
    """
    Latency at both sizes. The runs at the two sizes were made in turn, seconds apart (with
    a baseline run before them), so each pair of runs is compared: the ratio column is the
    median over the pairs of p50 at the large size / p50 at the small size, with the
    smallest and largest pair's ratio beside it.
    """
    lines = [
        f"| mode | page | p50 ms at {int(small):,} | p50 ms at {int(big):,} | ratio of p50, median of pairs "
        f"(min–max) (target ≤ {GROWTH_TARGET}) | ratio of p99 medians (for the record) |",
        "|---|---|---|---|---|---|",
    ]
    for mode in MODE_TITLES:
        for name, label in PAGES.items():
            try:
                a = report["sizes"][small][mode][name]
                b = report["sizes"][big][mode][name]
            except KeyError:
                continue
            pairs = [rb["page"]["p50"] / ra["page"]["p50"] for ra, rb in zip(a["runs"], b["runs"], strict=True)]
            ratio = statistics.median(pairs)
            lines.append(
                f"| {mode} | {label} | {a['p50_median']:.1f} | {b['p50_median']:.1f} | "
                f"**{ratio:.2f}** ({min(pairs):.2f}–{max(pairs):.2f}){over(ratio)} | "
                f"{b['p99_median'] / a['p99_median']:.2f} |"
            )
    return "\n".join(lines)


def over(ratio):
    return "" if ratio <= GROWTH_TARGET else " (over)"


def main(path):
    report = json.loads(Path(path).read_text())
    sizes = sorted(report["sizes"], key=int, reverse=True)
    big = sizes[0]
    out = ["# Benchmarks", ""]
    out.append(
        "Measured by `bench/run.py` (how: its docstring). Every figure is a ratio to a minimal Django view "
        "returning about 10 KB of HTML (`bench/baseline/`), served by the same gunicorn configuration "
        "(`deploy/gunicorn.conf.py`, sync workers, 2 × cores + 1) and measured in alternation with the page: "
        f"{report['settings']['pairs']} rounds per page of `wrk -t2 -c16 -d{report['settings']['duration']}s "
        "--latency` runs, each round a baseline run and then the page at each archive size, all on 127.0.0.1. "
        "Medians over the rounds; min–max of the page's requests per second."
    )
    out += ["", "## Machine and versions", ""]
    for key, value in report["versions"].items():
        out.append(f"- {key}: {value}")
    out += ["", f"Command: `{report['command']}`", ""]
    baseline_rps = [
        run["baseline"]["rps"]
        for size in sizes[:1]  # the sizes share their baseline runs
        for mode in MODE_TITLES
        for name in PAGES
        for run in report["sizes"][size].get(mode, {}).get(name, {}).get("runs", [])
    ]
    if baseline_rps:
        out += [
            f"The machine's own speed drifts: the baseline served between {min(baseline_rps):.0f} and "
            f"{max(baseline_rps):.0f} requests/s over this run's {len(baseline_rps)} baseline runs. That is why "
            "every figure is compared with runs made next to it: each ratio with the baseline run of its round, "
            "each growth ratio between the two sizes' runs of the same round.",
            "",
        ]
    for size in sizes:
        generated = report["sizes"][size].get("generated")
        if generated:
            out.append(
                f"Data for {int(size):,} articles: `generate_articles {size}` took {generated['seconds']} s in this run."
            )
    out.append("")
    for mode, title in MODE_TITLES.items():
        if mode in report["sizes"][big]:
            out += [f"## {title}, {int(big):,} articles", "", table(mode, report["sizes"][big][mode]), ""]
    if len(sizes) > 1:
        out += ["## Growth: the same pages with fewer articles", "", growth(report, big, sizes[-1]), ""]
    explain = report["sizes"][big].get("explain")
    if explain:
        out += [f"## Query plans at {int(big):,} articles (`bench/explain.py`, caches off)", ""]
        for name, page in explain.items():
            scans = sorted({scan for q in page["queries"] for scan in q["scans"]})
            flag = "no sequential scan of the article or search tables" if page["ok"] else "SEQUENTIAL SCAN"
            out.append(f"- {PAGES.get(name, name)}: {len(page['queries'])} queries, {flag}; scans: {'; '.join(scans)}")
        out.append("")
    exact = report["sizes"][big].get("search_exactness")
    if exact:
        out += [f"## Search against an exhaustive scan at {int(big):,} articles (`bench/search_exactness.py`)", ""]
        out.append(
            f"{exact['terms']} terms; results identical to a sequential strpos() scan for "
            f"{sum(r['identical'] for r in exact['results'])} of them" + (" (all)." if exact["all_identical"] else ".")
        )
        out.append("")
        out.append("| term | matches | identical | index path ms |")
        out.append("|---|---|---|---|")
        for r in exact["results"]:
            out.append(f"| `{r['term']}` | {r['matches']} | {'yes' if r['identical'] else 'NO'} | {r['index_ms']} |")
        out.append("")
        if exact.get("ranked"):
            out.append("The newest matches the public search ranks, against the newest of the same scan")
            out.append("(queries of `bench/search_latency.py`):")
            out.append("")
            out.append("| query | newest (at most 501) | identical | ms |")
            out.append("|---|---|---|---|")
            for r in exact["ranked"]:
                out.append(f"| `{r['term']}` | {r['newest']} | {'yes' if r['identical'] else 'NO'} | {r['ms']} |")
            out.append("")
    target = PROJECT / "docs" / "benchmarks.md"
    # bench/stack.py's section (the production stack through nginx) is its own: kept.
    kept = ""
    if target.exists() and STACK_SECTION in (previous := target.read_text()):
        kept = "\n" + previous[previous.index(STACK_SECTION) :]
    target.write_text("\n".join(out) + "\n" + kept)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else PROJECT / "bench" / "results" / "latest.json")
