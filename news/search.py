"""
站内搜索: substring search over Chinese text that an index can serve.

PostgreSQL's text parser takes a run of Chinese characters as one word, so full-text search
does not find 党建 inside 党建引领, and a trigram index cannot serve a two-character
query. Instead every article keeps an `ArticleSearchEntry` (a table of its own, so that
article pages never load it) with

- `text`: its searchable text (title, subtitle, source, author, body), normalised (NFKC,
  lower case, runs of spaces as one), and
- `vector` (PostgreSQL only): the set of that text's overlapping two-character pieces, plus
  its last character alone, as a `tsvector` with a GIN index -- the bigram scheme of
  Lucene's CJK analyzer. Past PostgreSQL's 1 MB, the pieces of the text's start, marked
  as partial: search checks those texts themselves (tsvector_literal, pieces_match).

A query is normalised the same way and becomes a `tsquery` that the index answers:

- one character `c`: `c:*`, every piece that starts with `c` (every occurrence of `c` is
  the start of a piece, or the last character of the text, which is a piece of its own);
- two characters: that piece;
- more: all of its pieces, and the candidates are then checked with `strpos(text, query)`,
  because the pieces may occur apart.

Pieces that are each in nearly every article can still meet rarely (服务 and 务落 in
服务落): the bigram index then offers the whole archive to be checked. So queries of three
or more characters go to a second index, on the trigrams of `key`'s lines by month of
publication (`line_grams`), which serves `key LIKE '%search_key(query)%'` one month or a
run of months at a time:

- On `text`, a query that spans punctuation between two common phrases (个。年轻干部坚持)
  would have to be found through the phrases alone. `key` is `text` with every punctuation
  mark and symbol of PUNCTUATION swapped with a rarely used character (CJK Extension A),
  so trigrams span the junction (个。年 is one) and read as letters anywhere. The swap is
  a permutation of characters, so `key` contains search_key(query) exactly when `text`
  contains the query: `LIKE` on the key is the exact check.
- An article built of common phrases holds the trigrams of a long query apart far more
  often than together; within one line (a field, a paragraph of the body: some 240
  characters) that is rare, and a line is quick to check. So the index is on the key's
  lines (`ArticleSearchLine`, kept from the entry by a trigger in PostgreSQL); no query
  spans a line, as queries hold no newline.
- A common trigram is in half of all lines, and search wants the newest matches: an index
  of trigrams alone, even with the publication time beside them (btree_gin), reads the
  whole archive's posting lists to answer for one month. Each lexeme is therefore a
  trigram prefixed with its line's month of publication (UTC, `YYYYMM`), so that a month's
  posting lists hold that month's lines only, and a search reads about what the months it
  looks at hold.

news.selectors.search decides which index, if any, a search asks.

So the index never misses a match, and the check never lets a non-match through: results
equal an exhaustive substring scan of `text`. On SQLite the scan is all there is.
"""

import re
import unicodedata
from datetime import UTC

from django.db import models
from django.db.models import Q

MAX_QUERY_LENGTH = 100


_SPACES = re.compile(r"[^\S\n]+")


def normalize(text):
    """Fold width and case and collapse spaces; newlines (field separators) are kept."""
    text = (text or "").replace("\x00", "")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text.lower())


def normalize_query(query):
    """A query as it is matched: normalised, on one line, trimmed."""
    return normalize((query or "").replace("\n", " ")).strip()


def bigrams(text):
    """The overlapping two-character pieces of `text`, and its last character."""
    if not text:
        return set()
    pieces = set(map(str.__add__, text, text[1:]))
    pieces.add(text[-1])
    return pieces


def _quote(lexeme):
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return "'" + lexeme + "'"


# PostgreSQL refuses a tsvector whose lexemes take over 1 MB ("string is too long for
# tsvector"): a body of varied characters (names, pasted tables) passes it near 175,000
# characters. Past VECTOR_BYTES of literal (more than its lexemes), a vector holds only the
# pieces of its text's start, and PARTIAL: never a piece (it has three characters), and no
# `c:*` meets it (no query holds a newline). Search checks such a text itself
# (pieces_match), so results stay exact; only articles of that size pay for the check.
VECTOR_BYTES = 1_000_000
PARTIAL = "\n\n\n"
_CHUNK = 65_536  # a text of megabytes is cut into pieces this many characters at a time


def _pieces_in_order(text):
    """bigrams(text), each once, in the order they first occur (the last character alone last)."""
    seen = set()
    for start in range(0, len(text) - 1, _CHUNK):
        chunk = text[start : start + _CHUNK + 1]
        for piece in dict.fromkeys(map(str.__add__, chunk, chunk[1:])):
            if piece not in seen:
                seen.add(piece)
                yield piece
    if text:
        yield text[-1]


def tsvector_literal(text):
    """
    The `tsvector` input text of `text`'s pieces; past VECTOR_BYTES, of the pieces of its
    start that fit, and PARTIAL.
    """
    quoted, size = [], 0
    for piece in _pieces_in_order(text):
        literal = _quote(piece)
        size += len(literal.encode()) + 1
        if size > VECTOR_BYTES:
            quoted.append(_quote(PARTIAL))
            break
        quoted.append(literal)
    return " ".join(quoted)


def tsquery_literal(query):
    """The `tsquery` input text that finds every text containing the normalised `query`."""
    if len(query) == 1:
        return _quote(query) + ":*"
    return " & ".join(_quote(piece) for piece in sorted({query[i : i + 2] for i in range(len(query) - 1)}))


def needs_recheck(query):
    """Whether index candidates must be checked against the text (queries over two characters)."""
    return len(query) > 2


# The punctuation and symbols that search_key() swaps with letters: what Chinese text uses
# after normalize() (NFKC turns full-width ，：；？！（） into ASCII). A fixed list, not
# computed from unicodedata, so that a newer Python gives the same keys; changing it means
# a migration that computes every stored key again (see news migration 0015).
PUNCTUATION = (
    " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "¡¢£¤¥¦§©«¬®°±¶·»¿×÷"
    "‐‒–—―‖‘’‚‛“”„‟†‡•‣‧‰‱′‵‹›※‽⁂"
    "←↑→↓↔−∈∏∑√∞∠∧∨∩∪∫∴∵∶∷≈≠≡≤≥⊙⊥"
    "■□▲△▼▽◆◇○◎●◯★☆✓✔✕✖✗✘"
    "、。〃〈〉《》「」『』【】〒〓〔〕〖〗〘〙〚〛〜〝〞〟〰"
)
# Their partners: as many characters from the start of CJK Extension A (U+3400), almost
# never used (and letters to pg_trgm, whose index served the lines before migration 0019).
PARTNERS = "".join(chr(0x3400 + n) for n in range(len(PUNCTUATION)))
_SWAP = str.maketrans(PUNCTUATION + PARTNERS, PARTNERS + PUNCTUATION)


def search_key(text):
    """
    `text` (normalised) with each character of PUNCTUATION and its partner swapped: a
    permutation, so `search_key(a) in search_key(b)` exactly when `a in b`. Newlines (field
    separators) stay, and nothing a query can hold crosses them.
    """
    return text.translate(_SWAP)


def grams_servable(query):
    """Whether the lines' month grams serve a query: three characters or more (every character has grams)."""
    return len(query) >= 3


def month_of(moment):
    """
    A time's month as the grams' lexemes name it (UTC, YYYYMM), as migration 0019's SQL does:
    the year in four digits, as to_char() writes it (strftime's %Y writes 202, not 0202).
    """
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}{moment.month:02d}"


# A line longer than this (a paragraph of ten thousand characters: pasted text without
# breaks) has no grams: all its trigrams would pass a tsvector's 1 MB near 70,000
# characters (58,000 beyond the BMP). A partial index on the publication time of such
# lines names them to every search of their months instead (news.selectors.search
# _InMonths). Migration 0019 writes the value into the database: changing it takes a
# migration (tests/news/test_search_cost.py compares them).
LONG_LINE = 10_000


def line_grams(key, month):
    """
    The lexemes of a line's `grams` (news migration 0019 computes them in SQL): `month` and
    each three characters of the line's key; none for a line over LONG_LINE characters.
    The index's recheck is `LIKE` on the key.
    """
    if len(key) > LONG_LINE:
        return set()
    return {month + key[i : i + 3] for i in range(len(key) - 2)}


def grams_tsquery(key, month):
    """The `tsquery` input text of the lines of `month` whose grams hold every trigram of `key`."""
    return " & ".join(map(_quote, sorted(line_grams(key, month))))


class SourcedField:
    """
    A field computed on every save from another field of its model, `source`: nullable and
    not editable unless told otherwise, which its deconstruction leaves implicit.
    """

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("null", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs


class BigramVectorField(SourcedField, models.Field):
    """
    The `tsvector` of a text field's bigrams, computed on every save from `source`.

    It exists only on PostgreSQL; on other databases the column is an unused text column
    that stays NULL.
    """

    description = "Bigram tsvector of another field"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def pre_save(self, model_instance, add):
        return tsvector_literal(getattr(model_instance, self.source))

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return None
        return value

    def from_db_value(self, value, expression, connection):
        # Nothing reads the vector back; don't carry it around.
        return None


class BigramMatch(models.Lookup):
    """`vector__bigram_match=tsquery_text`: the vector matches the tsquery."""

    lookup_name = "bigram_match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]


BigramVectorField.register_lookup(BigramMatch)


def pieces_match(query):
    """
    Search entries (PostgreSQL) whose vector holds every piece of `query` (normalised), or is
    partial and whose text contains it: every entry whose text contains the query.
    """
    partial = Q(vector__bigram_match=_quote(PARTIAL)) & Q(text__contains=query)  # in this order: text last
    return Q(vector__bigram_match=tsquery_literal(query)) | partial


class SearchKeyField(SourcedField, models.TextField):
    """
    search_key() of a text field, computed on every save from `source`. Only PostgreSQL
    keeps it (its trigram index serves the search); elsewhere the column stays NULL.
    """

    description = "Search key of another field"

    def pre_save(self, model_instance, add):
        return search_key(getattr(model_instance, self.source))

    def get_db_prep_save(self, value, connection):
        return value if connection.vendor == "postgresql" else None

    def from_db_value(self, value, expression, connection):
        # Nothing reads the key back (a copy of the text); don't carry it around.
        return None
