"""
The compliance self-check (合规自查) against the national indicators for government sites
(政府网站与政务新媒体检查指标): each 栏目's updates against its rule, links in published
bodies to what is gone, attachments whose file is missing, and 错敏词 in published articles.

The 栏目 states are a few indexed queries, read live (here). The content scan reads every
published article (reports.content_scan); `python manage.py site_check` runs it (from cron)
and keeps its result (SiteCheck), which the check page and the workbench show.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from news.models import Article, Category, UpdateRule, public

from .content_scan import scan_content
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
        if self.last_published is None:  # unchecked and nothing published: a 栏目 showing a single page
            return f"栏目“{self.name}”：不检查更新（显示单页或不要求更新）。"
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
