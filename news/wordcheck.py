"""
The 错敏词 check of reviewed content (the list and its matching are the wording app's): what
it finds in an article's title, subtitle, summary and body text, a single page's title and
body text, and what other apps register (a topic's title and 简介: `check_fields_of`); and
the rule that a 严重 finding stops publication until a reviewer confirms it
(「已核对错敏词」, kept in the object's `wording_confirmed`).
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


def page_fields(page, body_text=None):
    return [("标题", page.title), ("正文", html_to_text(page.body) if body_text is None else body_text)]


# What is checked of each model's objects, by model label: a function (obj, body_text=None)
# returning (label, text) pairs. Apps above news add theirs with check_fields_of.
_CHECKED_FIELDS = {"news.Article": article_fields, "news.Page": page_fields}


def check_fields_of(label, fields):
    """Check the objects of the model `label` ("topics.Topic") in what `fields(obj, body_text=None)` returns."""
    _CHECKED_FIELDS[label] = fields


def is_checked(model):
    """Whether `model`'s objects are checked (and get 发布前检查, news.prepublish)."""
    return model._meta.label in _CHECKED_FIELDS


def checked_fields(obj, body_text=None):
    return _CHECKED_FIELDS[obj._meta.label](obj, body_text)


def findings(obj, *, matcher=None, body_text=None):
    matcher = matcher or matching.current_matcher()
    return matcher.check(checked_fields(obj, body_text))


def confirmed_forms(obj):
    return {line for line in (obj.wording_confirmed or "").splitlines() if line}


def unconfirmed_serious(obj, found=None):
    """Serious findings whose wrong form no reviewer has confirmed for this object."""
    confirmed = confirmed_forms(obj)
    found = findings(obj) if found is None else found
    return [f for f in found if f.is_serious and f.entry.wrong not in confirmed]


def confirm(obj, found=None):
    """
    Mark the serious findings the object has now as checked by a reviewer; returns the
    wrong forms newly confirmed (for the review record).
    """
    found = findings(obj) if found is None else found
    before = confirmed_forms(obj)
    serious = {f.entry.wrong for f in found if f.is_serious}
    obj.wording_confirmed = "\n".join(sorted(before | serious))
    return sorted(serious - before)


def serious_counts(obj):
    """How often each serious wrong form occurs in `obj`."""
    return Counter(f.entry.wrong for f in findings(obj) if f.is_serious)


def unconfirm_new_occurrences(obj, *, previous):
    """
    A change by someone who may not confirm (an editor) that writes a confirmed serious form
    in more often than `previous` (the stored object) had it takes that confirmation back:
    the reviewer confirmed the text they read, not what is added after. Returns the forms.
    """
    confirmed = confirmed_forms(obj)
    if not confirmed or previous is None:
        return []
    now, before = serious_counts(obj), serious_counts(previous)
    dropped = sorted(form for form in confirmed if now[form] > before[form])
    if dropped:
        obj.wording_confirmed = "\n".join(sorted(confirmed - set(dropped)))
    return dropped


def publication_refusal(obj):
    """Why `obj` may not be published now (None if it may): the review rule's check (review.rules)."""
    open_findings = unconfirmed_serious(obj)
    if not open_findings:
        return None
    forms = "、".join(dict.fromkeys(f"“{f.entry.wrong}”" for f in open_findings))
    return f"“{obj.title}”中有严重错敏词 {forms}，须由审核发布人员在编辑页核对并勾选「已核对错敏词」后才能发布。"
