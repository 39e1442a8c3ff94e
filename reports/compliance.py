"""
The compliance self-check (合规自查) against the national indicators for government sites
(政府网站与政务新媒体检查指标): each 栏目's updates against its rule, links in published
bodies to what is gone, attachments whose file is missing, and 错敏词 in published articles.

The 栏目 states are a few indexed queries, read live. The content scan reads every
published article; `python manage.py site_check` runs it (from cron) and keeps its result
(SiteCheck), which the check page and the workbench show.
"""

import os
import re
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from attachments.models import Attachment
from news.models import Article, ArticleSearchEntry, Category, UpdateRule, public
from news.search import normalize
from wording import matching

from .models import SiteCheck

SOON = timedelta(days=3)
PERIODS = {
    UpdateRule.TWO_WEEKS: relativedelta(weeks=2),
    UpdateRule.SIX_MONTHS: relativedelta(months=6),
    UpdateRule.ONE_YEAR: relativedelta(years=1),
}
# States of a 栏目; the first two are single-veto (单项否决).
OVERDUE, EMPTY, SOON_DUE, OK, UNCHECKED = "overdue", "empty", "soon", "ok", "unchecked"
STATE_LABELS = {
    OVERDUE: "超期未更新（单项否决）",
    EMPTY: "空栏目（单项否决）",
    SOON_DUE: "3 天内到期",
    OK: "正常",
    UNCHECKED: "不要求更新",
}
VETO_STATES = (OVERDUE, EMPTY)


@dataclass(frozen=True)
class CategoryState:
    pk: int
    name: str
    rule: str
    rule_label: str
    last_published: object  # datetime or None
    due: object  # datetime or None
    state: str

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def is_veto(self):
        return self.state in VETO_STATES

    @property
    def days_since(self):
        return None if self.last_published is None else (timezone.now() - self.last_published).days

    def sentence(self):
        """One line in Chinese, for the workbench and site_check."""
        if self.state == EMPTY:
            return f"栏目“{self.name}”没有已发布的文章（空栏目）。"
        days = (timezone.now() - self.last_published).days
        when = f"最近一次发布在 {timezone.localtime(self.last_published):%Y-%m-%d}（{days} 天前）"
        if self.state == OVERDUE:
            return f"栏目“{self.name}”已超过{self.rule_label}未更新：{when}，应于 {timezone.localtime(self.due):%Y-%m-%d} 前更新。"
        if self.state == SOON_DUE:
            return f"栏目“{self.name}”将于 {timezone.localtime(self.due):%Y-%m-%d %H:%M} 到期（要求{self.rule_label}内更新）：{when}。"
        return f"栏目“{self.name}”：{when}。"

    def as_json(self):
        return {
            "id": self.pk,
            "name": self.name,
            "rule": self.rule,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "due": self.due.isoformat() if self.due else None,
            "state": self.state,
            "single_veto": self.is_veto,
        }


def state_of(rule, last_published, now):
    """(state, due) of a 栏目 with `rule` whose newest public article went out at `last_published`."""
    if last_published is None:
        return EMPTY, None
    period = PERIODS.get(rule)
    if period is None:
        return UNCHECKED, None
    due = last_published + period
    if now > due:
        return OVERDUE, due
    if due - now <= SOON:
        return SOON_DUE, due
    return OK, due


def category_states(now=None):
    """Every 栏目's state, in tree order; a first-level 栏目's articles include its sub-栏目's. One query."""
    now = now or timezone.now()
    newest = (
        Article.objects.filter(public(), category=OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
    )
    categories = list(Category.objects.in_tree_order().annotate(last_published=Subquery(newest)))
    latest = {c.pk: c.last_published for c in categories}
    for c in categories:
        if c.parent_id is not None and c.last_published is not None:
            parent_latest = latest.get(c.parent_id)
            if parent_latest is None or c.last_published > parent_latest:
                latest[c.parent_id] = c.last_published
    states = []
    for c in categories:
        # A 栏目 that shows a single page (机构职能) lists no articles: nothing to update or to be empty.
        state, due = (UNCHECKED, None) if c.shown_page_id else state_of(c.update_rule, latest[c.pk], now)
        states.append(
            CategoryState(c.pk, c.tree_label, c.update_rule, c.get_update_rule_display(), latest[c.pk], due, state)
        )
    return states


# --- The content scan ------------------------------------------------------------------

_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ARTICLE_PATH = re.compile(r"^/articles/(\d+)/?$")
_ATTACHMENT_PATH = re.compile(r"^/attachments/(\d+)/download/?$")


def local_path(url):
    """The path of `url` if it points into this site, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")}
        if parts.netloc.lower().split(":")[0] not in hosts:
            return None
    elif not parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def media_prefix():
    prefix = settings.MEDIA_URL
    return prefix if prefix.startswith("/") else "/" + prefix


def _stored_files(folder):
    """The names of the files under `folder` of the local media storage, or None (another storage)."""
    try:
        root = default_storage.path(folder)
    except NotImplementedError:
        return None
    names = set()
    base = default_storage.path("")
    for directory, _, files in os.walk(root):
        for name in files:
            names.add(os.path.relpath(os.path.join(directory, name), base).replace(os.sep, "/"))
    return names


class FileIndex:
    """Whether stored files exist, with one walk of the local media folder (or a question each elsewhere)."""

    def __init__(self):
        self._local = {}

    def exists(self, name):
        folder = name.split("/", 1)[0] if "/" in name else ""
        if folder not in self._local:
            self._local[folder] = _stored_files(folder) if folder else None
        known = self._local[folder]
        return name in known if known is not None else default_storage.exists(name)


@dataclass(frozen=True)
class BrokenLink:
    article_id: int
    article_title: str
    url: str
    problem: str


def _link_problem(path, articles, attachments, files):
    """What is wrong with a link to `path` of this site (None: nothing, or not something this check knows)."""
    match = _ARTICLE_PATH.match(path)
    if match:
        state = articles.get(int(match.group(1)))
        if state is None:
            return "链接的文章不存在"
        if state == Article.Status.WITHDRAWN:
            return "链接的文章已撤回"
        if state != "public":
            return "链接的文章未发布"
        return None
    match = _ATTACHMENT_PATH.match(path)
    if match:
        attachment = attachments.get(int(match.group(1)))
        if attachment is None:
            return "链接的附件不存在"
        if not files.exists(attachment):
            return "链接的附件文件缺失"
        return None
    prefix = media_prefix()
    if path.startswith(prefix):
        if not files.exists(path[len(prefix) :]):
            return "链接的图片或文件不存在"
    return None


def _article_states():
    """{id: "public" | status} of every article (for the links): one query of two columns."""
    now = timezone.now()
    states = {}
    for pk, status, published_at in Article.objects.values_list("pk", "status", "published_at").iterator(10000):
        public_now = status == Article.Status.PUBLISHED and published_at is not None and published_at <= now
        states[pk] = "public" if public_now else status
    return states


def _wording_rows(chunk):
    """
    (id, title, subtitle, written summary or "", text, confirmed) of every public article,
    `confirmed` the serious wrong forms a reviewer confirmed for it. The text is
    the search index's copy (news.ArticleSearchEntry: the body without markup, width-folded,
    the same for Chinese), so that no body is read or stripped of markup here.
    """
    # Two plain queries (a join of the two tables costs more than it saves).
    fields = {
        pk: (title, subtitle, summary, confirmed)
        for pk, title, subtitle, summary, confirmed in Article.objects.filter(public())
        .order_by()
        .values_list("pk", "title", "subtitle", "summary", "wording_confirmed")
        .iterator(chunk_size=chunk)
    }
    texts = ArticleSearchEntry.objects.public().order_by().values_list("article_id", "text").iterator(chunk_size=chunk)
    rows = ((pk, *fields[pk], text) for pk, text in texts if pk in fields)
    for pk, title, subtitle, summary, confirmed, text in rows:
        # The text is: title and subtitle, source, author, then the body (fields_for).
        body = text.split("\n", 3)[3] if text.count("\n") >= 3 else ""
        # A summary nobody wrote is the body's start (Article.summary_follows_body): checked there.
        if summary and body.replace("\n", " ").startswith(normalize(summary.rstrip("…")).strip()):
            summary = ""
        yield pk, title, subtitle, summary, body, {line for line in (confirmed or "").splitlines() if line}


def scan_wording(*, chunk=5000):
    """The 错敏词 in every public article, as JSON-ready dicts; and the number of articles read."""
    matcher = matching.current_matcher()
    found, count = [], 0
    for pk, title, subtitle, summary, body, confirmed in _wording_rows(chunk):
        count += 1
        fields = [("标题", title), ("副标题", subtitle), ("摘要", summary), ("正文", body)]
        for finding in matcher.check(fields):
            # A serious one a reviewer confirmed with 「已核对错敏词」 (news.wordcheck) is
            # listed, but is no single-veto finding: it was published knowingly.
            is_confirmed = finding.is_serious and finding.entry.wrong in confirmed
            found.append(
                {
                    "article_id": pk,
                    "article_title": title,
                    "field": finding.field,
                    "position": finding.start + 1,
                    "wrong": finding.entry.wrong,
                    "right": finding.entry.right,
                    "serious": finding.is_serious,
                    "confirmed": is_confirmed,
                    "text": finding.describe() + ("（已核对）" if is_confirmed else ""),
                }
            )
    return found, count


def scan_links(files, attachment_files, *, chunk=2000):
    """Links in public bodies to what is gone (only bodies with a link or an image are read)."""
    broken = []
    articles = None  # read only if a body links to an article
    rows = (
        Article.objects.filter(public())
        .filter(Q(body__contains="href=") | Q(body__contains="src="))
        .order_by()
        .values_list("pk", "title", "body")
        .iterator(chunk_size=chunk)
    )
    for pk, title, body in rows:
        for url in _LINK.findall(body):
            path = local_path(url)
            if path is None:
                continue
            if articles is None and _ARTICLE_PATH.match(path):
                articles = _article_states()
            problem = _link_problem(path, articles or {}, attachment_files, files)
            if problem:
                broken.append(asdict(BrokenLink(pk, title, url, problem)))
    return broken


def scan_content():
    """
    Every public article's links and 错敏词, and every attachment's file. Returns (findings
    as a JSON-ready dict, number of articles read).
    """
    files = FileIndex()
    attachment_files = dict(Attachment.objects.values_list("pk", "file"))
    broken = scan_links(files, attachment_files)
    wording, count = scan_wording()
    missing = [
        {"attachment_id": pk, "article_id": article_id, "title": title or original, "file": name}
        for pk, article_id, title, original, name in Attachment.objects.values_list(
            "pk", "article_id", "title", "original_name", "file"
        ).iterator(10000)
        if not files.exists(name)
    ]
    return {"broken_links": broken, "missing_files": missing, "wording": wording}, count


# --- The whole check -------------------------------------------------------------------


@dataclass
class Report:
    categories: list
    findings: dict
    checked_at: object
    articles: int = 0
    seconds: float = 0.0

    @property
    def veto_categories(self):
        return [c for c in self.categories if c.is_veto]

    @property
    def soon_categories(self):
        return [c for c in self.categories if c.state == SOON_DUE]

    @property
    def serious_wording(self):
        """Serious findings no reviewer confirmed: single-veto."""
        return [f for f in self.findings.get("wording", []) if f["serious"] and not f.get("confirmed")]

    @property
    def has_veto(self):
        return bool(self.veto_categories or self.serious_wording)

    def as_json(self):
        return {
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "articles": self.articles,
            "seconds": round(self.seconds, 2),
            "single_veto": self.has_veto,
            "categories": [c.as_json() for c in self.categories],
            **self.findings,
        }


def run_check():
    """The whole check now (the content scan included), kept as the latest SiteCheck."""
    started = time.monotonic()
    findings, count = scan_content()
    seconds = time.monotonic() - started
    check = SiteCheck.objects.create(seconds=seconds, articles=count, findings=findings)
    return Report(category_states(), findings, check.ran_at, count, seconds)


def latest_report():
    """The 栏目 states now, and the content findings of the last site_check (none if it never ran)."""
    last = SiteCheck.objects.only("ran_at", "seconds", "articles", "findings").first()
    if last is None:
        return Report(category_states(), {}, None)
    return Report(category_states(), last.findings, last.ran_at, last.articles, last.seconds)
