"""
The rich-text sanitiser's cost per body (news.sanitize.sanitize_html, run on save and again
on every page that shows a body): a body as it is stored, which the paragraph rule's quick
check lets through, and the same body as pasted, with spaces at the start of each paragraph,
which goes through its parser. Prints the median of --repeat runs of --number calls each.

    .venv/bin/python bench/sanitize.py --paragraphs 40
"""

import argparse
import os
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from news.normalize import remove_leading_spaces  # noqa: E402
from news.sanitize import sanitize_html  # noqa: E402

SENTENCE = "为深入学习贯彻党的二十大精神，区委组织部召开专题会议，<strong>对全区基层党组织建设工作</strong>进行部署。"


def median_ms(call, number, repeat):
    return statistics.median(timeit.repeat(call, number=number, repeat=repeat)) / number * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=40)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    pasted = "".join(f"<p>\u3000\u3000第{i}段：{SENTENCE}</p>" for i in range(args.paragraphs))
    stored = sanitize_html(pasted)
    print(f"body: {args.paragraphs} paragraphs, {len(stored)} characters stored")
    for name, body in (("stored", stored), ("pasted", pasted)):
        total = median_ms(lambda body=body: sanitize_html(body), args.number, args.repeat)
        print(f"sanitize_html, {name} body: {total:.3f} ms")
    rule = median_ms(lambda: remove_leading_spaces(stored), args.number, args.repeat)
    print(f"paragraph rule alone, stored body: {rule:.3f} ms")


if __name__ == "__main__":
    main()
