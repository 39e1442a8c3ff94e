"""Marking a search query in titles and text, with everything else escaped."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _variants(char):
    """The characters that news.search.normalize folds to `char`: case and full width."""
    variants = {char, char.upper()}
    for form in tuple(variants):
        if "!" <= form <= "~":
            variants.add(chr(ord(form) + 0xFEE0))  # the full-width form
    return variants


@lru_cache(maxsize=256)
def _pattern(query):
    """A regular expression finding `query` (normalised) in the original, unnormalised text."""
    parts = []
    for char in query:
        if char == " ":
            parts.append(r"\s+")
        else:
            parts.append("[" + "".join(re.escape(v) for v in sorted(_variants(char))) + "]")
    return re.compile("".join(parts))


def _match_spans(text, query):
    """(start, end) spans of `text` where the normalised `query` occurs."""
    if not query or not text:
        return []
    return [match.span() for match in _pattern(query).finditer(text)]


def _marked(text, spans):
    out, position = [], 0
    for start, end in spans:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece is escaped above


def highlight(text, query):
    """`text`, escaped, with each occurrence of `query` in <mark>."""
    return _marked(text or "", _match_spans(text or "", query))


def snippet(text, query, *, before=30, length=120):
    """About `length` characters of `text` around the first occurrence of `query`, marked."""
    text = (text or "").replace("\n", " ")
    match = _pattern(query).search(text) if query and text else None
    start = max(0, match.start() - before) if match else 0
    end = min(len(text), start + length)
    window = text[start:end]
    piece = _marked(window, _match_spans(window, query))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{piece}{suffix}")  # piece is escaped by _marked
