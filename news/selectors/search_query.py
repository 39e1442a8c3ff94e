"""
What the search box's ?q= is read as, before any query runs: the one form of the text the
page cache keys on (`search_text`), cut to MAX_QUERY_LENGTH with a mark that says so, and
its normalised form the search index is searched for (`parse_search_query`). No database.
"""

from dataclasses import dataclass

from ..search import MAX_QUERY_LENGTH, normalize_query


@dataclass
class SearchQuery:
    text: str  # as the visitor typed it (cut to the maximum length)
    normalized: str
    truncated: bool


def search_text(raw):
    """
    ?q= in its one form (the page cache keys on it): what parse_search_query reads of it.
    A longer query is cut, with one mark after it that says so (all queries that share their
    first MAX_QUERY_LENGTH characters are one page).
    """
    text = (raw or "").replace("\x00", "").strip()
    return text if len(text) <= MAX_QUERY_LENGTH else text[:MAX_QUERY_LENGTH] + "…"


def parse_search_query(raw):
    raw = search_text(raw)
    truncated = len(raw) > MAX_QUERY_LENGTH
    text = raw[:MAX_QUERY_LENGTH]
    return SearchQuery(text=text, normalized=normalize_query(text), truncated=truncated)
