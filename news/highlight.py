"""Marking a search query in titles and text, with everything else escaped."""

import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .search import WHITESPACE


def _normalized_with_offsets(text):
    """`text` normalised as news.search.normalize does it, with each character's source index."""
    chars, offsets = [], []
    previous_space = False
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).lower():
            if folded in WHITESPACE or (folded.isspace() and folded != "\n"):
                if previous_space:
                    continue
                folded, previous_space = " ", True
            else:
                previous_space = False
            chars.append(folded)
            offsets.append(index)
    return "".join(chars), offsets


def _match_spans(text, query):
    """(start, end) spans of `text` where the normalised `query` occurs."""
    if not query:
        return []
    normalized, offsets = _normalized_with_offsets(text)
    spans = []
    start = normalized.find(query)
    while start != -1:
        end = start + len(query)
        spans.append((offsets[start], offsets[end - 1] + 1))
        start = normalized.find(query, end)
    return spans


def _marked(text, spans):
    out, position = [], 0
    for start, end in spans:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


def highlight(text, query):
    """`text`, escaped, with each occurrence of `query` in <mark>."""
    return _marked(text or "", _match_spans(text or "", query))


def snippet(text, query, *, before=30, length=120):
    """About `length` characters of `text` around the first occurrence of `query`, marked."""
    text = (text or "").replace("\n", " ")
    spans = _match_spans(text, query)
    start = max(0, spans[0][0] - before) if spans else 0
    end = min(len(text), start + length)
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    piece = _marked(text[start:end], window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{piece}{suffix}")
