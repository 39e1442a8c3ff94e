"""
The 错敏词 check of an article (the list and its matching are the wording app's): what it
finds in the title, subtitle, summary and body text, and the rule that a 严重 finding stops
publication until a reviewer confirms it (「已核对错敏词」, kept in `wording_confirmed`).
"""

from collections import Counter

from wording import matching

from .sanitize import html_to_text

SERIOUS_HINT = "文中有“严重”错敏词，审核发布人员核对后须勾选「已核对错敏词」才能发布。"


def article_fields(article, body_text=None):
    """(label, text) of what is checked; the summary only when someone wrote it (else it is the body's start)."""
    fields = [("标题", article.title), ("副标题", article.subtitle)]
    if article.summary and not article.summary_follows_body():
        fields.append(("摘要", article.summary))
    fields.append(("正文", html_to_text(article.body) if body_text is None else body_text))
    return fields


def findings(article, *, matcher=None, body_text=None):
    matcher = matcher or matching.current_matcher()
    return matcher.check(article_fields(article, body_text))


def confirmed_forms(article):
    return {line for line in (article.wording_confirmed or "").splitlines() if line}


def unconfirmed_serious(article, found=None):
    """Serious findings whose wrong form no reviewer has confirmed for this article."""
    confirmed = confirmed_forms(article)
    found = findings(article) if found is None else found
    return [f for f in found if f.is_serious and f.entry.wrong not in confirmed]


def confirm(article, found=None):
    """
    Mark the serious findings the article has now as checked by a reviewer; returns the
    wrong forms newly confirmed (for the review record).
    """
    found = findings(article) if found is None else found
    before = confirmed_forms(article)
    serious = {f.entry.wrong for f in found if f.is_serious}
    article.wording_confirmed = "\n".join(sorted(before | serious))
    return sorted(serious - before)


def serious_counts(article):
    """How often each serious wrong form occurs in `article`."""
    return Counter(f.entry.wrong for f in findings(article) if f.is_serious)


def unconfirm_new_occurrences(article, *, previous):
    """
    A change by someone who may not confirm (an editor) that writes a confirmed serious form
    in more often than `previous` (the stored article) had it takes that confirmation back:
    the reviewer confirmed the text they read, not what is added after. Returns the forms.
    """
    confirmed = confirmed_forms(article)
    if not confirmed or previous is None:
        return []
    now, before = serious_counts(article), serious_counts(previous)
    dropped = sorted(form for form in confirmed if now[form] > before[form])
    if dropped:
        article.wording_confirmed = "\n".join(sorted(confirmed - set(dropped)))
    return dropped


def publication_refusal(article):
    """Why `article` may not be published now (None if it may): the review rule's check (review.rules)."""
    open_findings = unconfirmed_serious(article)
    if not open_findings:
        return None
    forms = "、".join(dict.fromkeys(f"“{f.entry.wrong}”" for f in open_findings))
    return f"“{article.title}”中有严重错敏词 {forms}，须由审核发布人员在编辑页核对并勾选「已核对错敏词」后才能发布。"
