"""
Finding 错敏词 in text: one Aho-Corasick automaton (ahocorasick-rs, a DFA) over every wrong
form of the list and the right forms that contain one, built once per version of the list
and kept in the process. (pyahocorasick was tried first: with thousands of patterns over the
CJK alphabet it walks the text some twenty times slower; docs/benchmarks.md.)

A wrong form inside an occurrence of a right form is no finding: an entry's right form may
contain its wrong form (or another entry's), and text that has the right form is right.
"""

import threading
import time
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick_rs
from django.db.models import Count, Max

from .models import Severity, WordingEntry

_WRONG, _RIGHT = 0, 1


@dataclass(frozen=True)
class Entry:
    wrong: str
    right: str
    severity: str
    note: str = ""

    @property
    def is_serious(self):
        return self.severity == Severity.SERIOUS


@dataclass(frozen=True)
class Finding:
    """A wrong form found in one field: `start` is its offset (in characters) in that field's text."""

    field: str
    start: int
    entry: Entry

    @property
    def end(self):
        return self.start + len(self.entry.wrong)

    @property
    def is_serious(self):
        return self.entry.is_serious

    def describe(self):
        """The finding in one Chinese sentence, for editors."""
        level = "严重" if self.is_serious else "一般"
        note = f"（{self.entry.note}）" if self.entry.note else ""
        return (
            f"错敏词（{level}）：{self.field}第 {self.start + 1} 字起“{self.entry.wrong}”应为“{self.entry.right}”{note}"
        )


def _automaton(keys):
    """(automaton, [(kind, entry index), ...] per pattern) over the keys of `keys`."""
    patterns = list(keys)
    automaton = ahocorasick_rs.AhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA)
    return automaton, [tuple(keys[pattern]) for pattern in patterns]


class Matcher:
    def __init__(self, entries):
        self.entries = list(entries)
        self._automaton = None
        if not self.entries:
            return
        keys = {}
        for index, entry in enumerate(self.entries):
            keys.setdefault(entry.wrong, []).append((_WRONG, index))
        wrong_only, _ = _automaton(keys)
        # Only a right form that contains a wrong form can cover a finding: the others (most,
        # and common words such as 部署) stay out, so that ordinary text yields few matches.
        for index, entry in enumerate(self.entries):
            if wrong_only.find_matches_as_indexes(entry.right):
                keys.setdefault(entry.right, []).append((_RIGHT, index))
        self._automaton, self._values = _automaton(keys)

    def find(self, text):
        """The (start, entry) of each wrong form in `text` not inside a right form, in order."""
        if self._automaton is None or not text:
            return []
        wrong = []
        right_spans = []
        for pattern, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for kind, index in self._values[pattern]:
                if kind == _WRONG:
                    wrong.append((start, end, index))
                else:
                    right_spans.append((start, end))
        if not wrong:
            return []
        found = []
        for start, end, index in wrong:
            # Few right forms occur in a text: a plain scan is the fast way here.
            if any(r_start <= start and end <= r_end for r_start, r_end in right_spans):
                continue
            found.append((start, self.entries[index]))
        found.sort(key=lambda item: item[0])
        return found

    def texts_with_matches(self, texts):
        """
        The indexes of `texts` in which some wrong or right form occurs: the only ones find()
        may have findings in. One walk of the automaton over them all, joined by NUL, which
        neither text from the database nor a form can hold, so that no match spans two texts.
        """
        if self._automaton is None:
            return set()
        ends = list(accumulate(len(text) + 1 for text in texts))
        matches = self._automaton.find_matches_as_indexes("\x00".join(texts), overlapping=True)
        return {bisect_right(ends, start) for _, start, _ in matches}

    def check(self, fields):
        """Findings in `fields`, pairs of (field label, text), field by field."""
        return [Finding(label, start, entry) for label, text in fields for start, entry in self.find(text)]


_lock = threading.Lock()
_cached = {"version": None, "matcher": None, "checked": 0.0}
# How long a process trusts the version it last read before asking the database again: a
# page that checks many articles (the workbench's queue) asks once. An edit in this process
# is seen at once (forget(), connected in apps.py); one in another process within this time.
VERSION_CHECK_SECONDS = 1.0


def list_version():
    """What changes whenever an entry is added, changed or deleted (one small query)."""
    stats = WordingEntry.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    return (stats["count"], stats["latest"])


def forget(**kwargs):
    """Make the next check read the list's version again (the list changed in this process)."""
    _cached["checked"] = 0.0


def current_matcher():
    """The matcher of the list as it is now: built again only when the list changed."""
    now = time.monotonic()
    matcher = _cached["matcher"]
    if matcher is not None and now - _cached["checked"] < VERSION_CHECK_SECONDS:
        return matcher
    version = list_version()
    if matcher is not None and _cached["version"] == version:
        _cached["checked"] = now
        return matcher
    with _lock:
        if _cached["matcher"] is None or _cached["version"] != version:
            entries = [
                Entry(wrong, right, severity, note)
                for wrong, right, severity, note in WordingEntry.objects.values_list(
                    "wrong", "right", "severity", "note"
                )
            ]
            _cached["matcher"] = Matcher(entries)
            _cached["version"] = version
        _cached["checked"] = now
        return _cached["matcher"]


def check(fields):
    """Findings of the current list in `fields`, pairs of (field label, text)."""
    return current_matcher().check(fields)
