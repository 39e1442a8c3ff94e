"""
The 错敏词 part of the content scan (reports.content_scan): every public article's title,
subtitle, written summary and body text against the list (scan_wording), and what
news.wordcheck checks of every public single page and topic (scan_other_wording).

The body text is the search index's copy (news.ArticleSearchEntry.text: the body without
markup, width-folded), so no body is read or stripped of markup here. On PostgreSQL even
that copy is read only where a finding can be, which at 100,000 articles is a few hundred
texts instead of 300 MB:

- the search index's bigram vectors (news.search) hold every two-character piece of the
  text, so a text that contains a wrong form holds all of its pieces: one indexed query per
  wrong form names every article whose body may have it (as search relies on, the vector
  never misses a piece of its text, and a text too large for its vector is checked itself);
- titles, subtitles and summaries are small: they are read for every article and matched
  in one walk of the automaton per few thousand articles (Matcher.texts_with_matches).

The articles named are then checked exactly as reading every text does (`every_text=True`,
the way on SQLite); tests/reports/test_wording_scan.py holds the two ways to the same findings.
"""

from django.db import connection

from news import wordcheck
from news.models import Article, ArticleSearchEntry, Page, public
from news.search import normalize, pieces_match
from topics.models import Topic
from wording import matching


def _article_fields(chunk):
    """{id: (title, subtitle, summary, confirmed)} of every public article."""
    rows = (
        Article.objects.filter(public())
        .order_by()
        .values_list("pk", "title", "subtitle", "summary", "wording_confirmed")
        .iterator(chunk_size=chunk)
    )
    return {pk: (title, subtitle, summary, confirmed) for pk, title, subtitle, summary, confirmed in rows}


def _texts(pks, chunk):
    """{article id: search text} of the articles `pks`, read a chunk of ids at a time."""
    pks = sorted(pks)
    texts = {}
    for start in range(0, len(pks), chunk):
        ids = pks[start : start + chunk]
        texts.update(ArticleSearchEntry.objects.filter(article_id__in=ids).values_list("article_id", "text"))
    return texts


def _possible_bodies(wrong_forms, limit):
    """
    Ids of the articles whose search text holds every two-character piece of some wrong
    form; None once they are more than `limit`.
    """
    found = set()
    for wrong in sorted(set(wrong_forms)):
        entries = ArticleSearchEntry.objects.filter(pieces_match(wrong)).order_by()
        found.update(entries.values_list("article_id", flat=True))
        if len(found) > limit:
            return None
    return found


def _checked_articles(fields):
    """Ids of the articles scanned: the public ones whose search entry is public too, in order."""
    entries = ArticleSearchEntry.objects.public().order_by().values_list("article_id", flat=True)
    return sorted(set(entries) & fields.keys())


def _every_text(checked, chunk):
    """(id, text) of every checked article, every text read."""
    checked = set(checked)
    texts = ArticleSearchEntry.objects.public().order_by("article_id").values_list("article_id", "text")
    return ((pk, text) for pk, text in texts.iterator(chunk_size=chunk) if pk in checked)


def _texts_that_matter(checked, fields, matcher, chunk):
    """
    (id, text) of the checked articles that may have a finding, in order; the others have
    none. Those are the articles whose body the bigram index says may hold a wrong form,
    and those with a wrong or right form in their title, subtitle or summary (matched all
    at once, a chunk of articles at a time); whether a summary is checked at all depends on
    the body (_fields), so their texts are read too.

    None when the index names more than half of the articles (a list with forms common in
    ordinary text): reading every text is then cheaper than asking further.
    """
    wanted = _possible_bodies((entry.wrong for entry in matcher.entries), limit=len(checked) // 2)
    if wanted is None:
        return None
    wanted &= set(checked)
    for start in range(0, len(checked), chunk):
        pks = checked[start : start + chunk]
        short = [value for pk in pks for value in fields[pk][:3]]
        wanted.update(pks[index // 3] for index in matcher.texts_with_matches(short))
    texts = _texts(wanted, chunk)
    return [(pk, texts[pk]) for pk in sorted(wanted) if pk in texts]  # (one deleted meanwhile is gone)


def _fields(title, subtitle, summary, text):
    """The four checked fields of an article: the body is its search text after the title, source and author."""
    body = text.split("\n", 3)[3] if text.count("\n") >= 3 else ""
    # A summary nobody wrote is the body's start (Article.summary_follows_body): checked there.
    if summary and body.replace("\n", " ").startswith(normalize(summary.rstrip("…")).strip()):
        summary = ""
    return [("标题", title), ("副标题", subtitle), ("摘要", summary), ("正文", body)]


def _finding(finding, confirmed, **names):
    """
    The JSON-ready dict of one finding in the object `names` names (kind, admin_view,
    object_id, title, and for an article the names earlier reports used). A serious one a
    reviewer confirmed with 「已核对错敏词」 (news.wordcheck), its wrong form in `confirmed`,
    is listed, but is no single-veto finding: it was published knowingly.
    """
    is_confirmed = finding.is_serious and finding.entry.wrong in confirmed
    return {
        **names,
        "field": finding.field,
        "position": finding.start + 1,
        "wrong": finding.entry.wrong,
        "right": finding.entry.right,
        "serious": finding.is_serious,
        "confirmed": is_confirmed,
        "text": finding.describe() + ("（已核对）" if is_confirmed else ""),
    }


def scan_wording(*, chunk=5000, every_text=None):
    """
    The 错敏词 in every public article (in the order of the articles' ids), as JSON-ready
    dicts; and the number of articles read. `every_text`: read every article's text
    instead of asking the bigram index first (the default off PostgreSQL, where there is none).
    """
    if every_text is None:
        every_text = connection.vendor != "postgresql"
    matcher = matching.current_matcher()
    fields = _article_fields(chunk)
    checked = _checked_articles(fields)
    rows = None if every_text else _texts_that_matter(checked, fields, matcher, chunk)
    if rows is None:
        rows = _every_text(checked, chunk)
    found = []
    for pk, text in rows:
        title, subtitle, summary, confirmed = fields[pk]
        confirmed = {line for line in (confirmed or "").splitlines() if line}
        for finding in matcher.check(_fields(title, subtitle, summary, text)):
            found.append(
                _finding(
                    finding,
                    confirmed,
                    kind="文章",
                    admin_view="admin:news_article_change",
                    object_id=pk,
                    title=title,
                    article_id=pk,  # as reports kept by earlier releases name it
                    article_title=title,
                )
            )
    return found, len(checked)


def scan_other_wording(matcher):
    """
    The 错敏词 in every public single page and topic (a few dozen: read whole, checked in
    what news.wordcheck checks of them), as scan_wording lists an article's.
    """
    found = []
    for queryset in (
        Page.objects.published().only("pk", "title", "body", "wording_confirmed"),
        Topic.objects.published().only("pk", "title", "description", "wording_confirmed"),
    ):
        opts = queryset.model._meta
        for obj in queryset.order_by("pk"):
            confirmed = wordcheck.confirmed_forms(obj)
            for finding in wordcheck.findings(obj, matcher=matcher):
                found.append(
                    _finding(
                        finding,
                        confirmed,
                        kind=opts.verbose_name,
                        admin_view=f"admin:{opts.app_label}_{opts.model_name}_change",
                        object_id=obj.pk,
                        title=obj.title,
                    )
                )
    return found
