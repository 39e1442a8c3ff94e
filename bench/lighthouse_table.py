"""
The score table of bench/lighthouse.sh: reads its JSON reports and writes the table into
docs/quality.md between the markers (or prints it when the file has none).

    python bench/lighthouse_table.py bench/results/lighthouse docs/quality.md
"""

import json
import sys
from pathlib import Path

BEGIN, END = "<!-- lighthouse:begin -->", "<!-- lighthouse:end -->"
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
PAGES = ("home", "list", "article", "search")


def table(results):
    rows = [
        "| page | preset | accessibility | best practices | SEO | performance | not at 100 (besides performance) |",
        "|---|---|---|---|---|---|---|",
    ]
    version = ""
    for page in PAGES:
        for preset in ("mobile", "desktop"):
            report = json.loads((results / f"{page}-{preset}.json").read_text(encoding="utf-8"))
            version = report["lighthouseVersion"]
            scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
            failing = sorted(
                {
                    ref["id"]
                    for c in CATEGORIES[:3]
                    for ref in report["categories"][c]["auditRefs"]
                    if ref["weight"] > 0
                    and (report["audits"][ref["id"]]["score"] or 0) < 1
                    and report["audits"][ref["id"]]["scoreDisplayMode"]
                    not in ("notApplicable", "manual", "informative")
                }
            )
            rows.append(f"| {page} | {preset} | " + " | ".join(map(str, scores)) + f" | {', '.join(failing) or '—'} |")
    return (
        f"Lighthouse {version}, Chromium {report['environment']['hostUserAgent'].split('Chrome/')[1].split()[0]}:\n\n"
        + "\n".join(rows)
    )


def main(results, target):
    text = table(Path(results))
    path = Path(target)
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        path.write_text(f"{head}{BEGIN}\n{text}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
