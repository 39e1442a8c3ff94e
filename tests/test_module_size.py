"""
Issue 15's rule for the layout: no runtime module is over 300 lines (settings and
migrations aside), so that each stays readable at a glance; a module that grows past it
is split by what it does.
"""

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
APPS = [
    "core",
    "news",
    "attachments",
    "topics",
    "review",
    "wording",
    "desk",
    "reports",
    "legacy",
    "demo",
    "wuda_portal",
]
LIMIT = 300


def runtime_modules():
    for app in APPS:
        for path in sorted((PROJECT / app).rglob("*.py")):
            if "migrations" not in path.parts and path.name != "settings.py":
                yield path


@pytest.mark.parametrize("path", list(runtime_modules()), ids=lambda path: str(path.relative_to(PROJECT)))
def test_no_runtime_module_is_over_300_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{path.relative_to(PROJECT)}: {lines} lines"
