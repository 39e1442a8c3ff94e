"""
What the workbench (工作台) shows a user, read in a fixed number of queries whatever the
size of the archive (tests/desk/test_workbench.py holds it to its budget):

- 待审核 (for those who may publish): everything in review, of every reviewed model,
  oldest submission first, with its author, 栏目, waiting time and pre-publish warnings;
- 我的稿件: my drafts and what I submitted, those returned to me first with the comment;
- 已排期 and 最近发布: scheduled articles, and the last ones published;
- 提醒: what the checks found (desk.alerts).

Reviewed models join by naming their review rules (review.rules.reviewed_models): their
items in review and a user's own are read the same way (status, created_by, updated_at and
the review record). Each model costs one query, the articles' 已排期 and 最近发布 two.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, Func, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from news import wordcheck
from news.models import Article
from news.prepublish import prepublish_warnings
from review import rules
from review.records import Action, display_name, last_record_time, last_state_record
from review.rules import Status

from .alerts import alerts_for
from .reviewed import (
    change_url,
    changelist_url,
    has_field,
    related,
    related_long_text,
    section_of,
    without_long_text,
)

QUEUE_SHOWN = 20
MINE_SHOWN = 20
DATED_SHOWN = 10


@dataclass
class Item:
    """One row of the workbench."""

    title: str
    url: str
    kind: str  # 文章, 单页...
    section: str  # the 栏目, or nothing for a model without
    author: str
    status: str
    time: datetime | None = None  # submitted, scheduled or published at
    warnings: int | None = None  # pre-publish warnings; None: the model has no such check
    comment: str = ""  # the open return's comment
    comment_by: str = ""
    comment_at: datetime | None = None

    @property
    def waited(self):
        return waiting_text(self.time, timezone.now()) if self.time else ""


@dataclass
class Listing:
    items: list
    total: int
    more_url: str = ""


@dataclass
class Workbench:
    can_review: bool
    queue: Listing | None
    returned: list
    drafts: list
    submitted: list
    mine_total: int
    scheduled: Listing | None
    recent: list | None
    alerts: list

    @property
    def mine_shown(self):
        return len(self.returned) + len(self.drafts) + len(self.submitted)


def waiting_text(since, now):
    """How long since `since`, as an editor says it: 45 分钟, 5 小时, 3 天 4 小时."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} 小时"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时" if hours else f"{days} 天"


def with_warning_data(model, queryset):
    """What counting an item's pre-publish warnings needs, in the same query."""
    # Whether it has attachments (a warning depends on it), without importing the app
    # above news that keeps them.
    attachments = next((rel for rel in model._meta.related_objects if rel.name == "attachments"), None)
    if attachments is not None:
        exists = attachments.related_model.objects.filter(**{attachments.field.name: OuterRef("pk")})
        return queryset.annotate(has_attachments=Exists(exists))
    return queryset


def warning_count(obj):
    """How many pre-publish warnings `obj` has (news.prepublish, for what news.wordcheck checks), or None."""
    if wordcheck.is_checked(type(obj)):
        return len(prepublish_warnings(obj, has_attachments=getattr(obj, "has_attachments", None)))
    check = getattr(obj, "prepublish_warnings", None)
    return len(check()) if callable(check) else None


def item(obj, *, time=None, warnings=None, **extra):
    return Item(
        title=str(obj),
        url=change_url(obj),
        kind=obj._meta.verbose_name,
        section=section_of(obj),
        author=display_name(obj.created_by) if getattr(obj, "created_by_id", None) else "—",
        status=obj.get_status_display(),
        time=time,
        warnings=warnings,
        **extra,
    )


# --- The parts ----------------------------------------------------------------------------


def submission_time(model):
    """When each item was submitted: its last 提交审核, or its last change for one submitted before records were kept."""
    submitted = last_record_time(model, Action.SUBMITTED)
    return Coalesce(submitted, "updated_at") if has_field(model, "updated_at") else submitted


def count_of(queryset):
    """Its row count, as a scalar subquery (one figure beside the rows, no query of its own)."""
    return Subquery(queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1])


def in_queue(model):
    return model._default_manager.filter(status=Status.REVIEW)


def own(model, user):
    return model._default_manager.filter(created_by=user, status__in=(Status.DRAFT, Status.REVIEW))


def rows_of(model, user, *, reviewing):
    """
    One model's rows of both lists in one query: its oldest QUEUE_SHOWN in review (if the
    user reviews it) and the user's latest MINE_SHOWN drafts and submissions, with the
    totals of both. queue() and mine() order and cut them again from these.
    """
    mine_listed = has_field(model, "created_by")
    if not (reviewing or mine_listed):
        return []
    shown = Q()
    annotations = {}
    if reviewing:
        oldest = in_queue(model).annotate(submitted_at=submission_time(model)).order_by("submitted_at", "pk")
        shown |= Q(pk__in=oldest.values("pk")[:QUEUE_SHOWN])
        annotations["queue_total"] = count_of(in_queue(model))
    if mine_listed:
        shown |= Q(pk__in=mine_order(model, own(model, user)).values("pk")[:MINE_SHOWN])
        annotations["mine_total"] = count_of(own(model, user))
    return list(
        with_warning_data(model, mine_order(model, model._default_manager.filter(shown)))
        .select_related(*related(model))
        .defer(*related_long_text(model))
        .annotate(submitted_at=submission_time(model), **annotations)
    )


def mine_order(model, queryset):
    """Returned ones first, then the latest changed."""
    return queryset.annotate(
        last_action=last_state_record(model, "action"),
        last_comment=last_state_record(model, "comment"),
        last_by=last_state_record(model, "user_name"),
        last_at=last_state_record(model, "at"),
        returned_first=Case(When(last_action=Action.RETURNED, status=Status.DRAFT, then=0), default=1),
    ).order_by("returned_first", *(["-updated_at"] if has_field(model, "updated_at") else []), "-pk")


def queue(rows_by_model):
    """Everything in review, oldest submission first (the time of its last 提交审核)."""
    items, total = [], 0
    for rows in rows_by_model.values():
        waiting = [row for row in rows if row.status == Status.REVIEW]
        total += rows[0].queue_total if rows else 0
        waiting.sort(key=lambda row: (row.submitted_at is None, row.submitted_at or timezone.now(), row.pk))
        items += [
            (row.submitted_at, item(row, time=row.submitted_at, warnings=warning_count(row)))
            for row in waiting[:QUEUE_SHOWN]
        ]
    items.sort(key=lambda pair: (pair[0] is None, pair[0] or timezone.now()))
    models = list(rows_by_model)
    more = changelist_url(models[0], status=Status.REVIEW) if len(models) == 1 else ""
    return Listing([entry for _, entry in items[:QUEUE_SHOWN]], total, more)


def mine(rows_by_model, user):
    """The user's drafts and submissions: returned ones first, then the latest changed."""
    returned, drafts, submitted, total = [], [], [], 0
    for model, rows in rows_by_model.items():
        if not has_field(model, "created_by"):
            continue  # no author kept: nothing of it is anyone's
        total += rows[0].mine_total if rows else 0
        own_rows = [row for row in rows if row.created_by_id == user.pk and row.status in (Status.DRAFT, Status.REVIEW)]
        for row in own_rows[:MINE_SHOWN]:  # in the query's order: mine_order
            if row.status == Status.DRAFT and row.last_action == Action.RETURNED:
                returned.append(
                    item(
                        row, time=row.last_at, comment=row.last_comment, comment_by=row.last_by, comment_at=row.last_at
                    )
                )
            elif row.status == Status.DRAFT:
                drafts.append(item(row, time=getattr(row, "updated_at", None)))
            else:
                submitted.append(item(row, time=row.last_at or getattr(row, "updated_at", None)))
    return returned, drafts, submitted, total


def scheduled_articles(now):
    rows = list(
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .select_related(*related(Article))
        .defer(*without_long_text(Article))
        .annotate(total=Window(Count("pk")))
        .order_by("published_at", "pk")[:DATED_SHOWN]
    )
    total = rows[0].total if rows else 0
    return Listing(
        [item(row, time=row.published_at) for row in rows], total, changelist_url(Article, status="scheduled")
    )


def recent_articles():
    rows = (
        Article.objects.published()
        .select_related(*related(Article))
        .defer(*without_long_text(Article))
        .order_by("-published_at", "-pk")[:DATED_SHOWN]
    )
    return [item(row, time=row.published_at) for row in rows]


def workbench_for(request):
    """The workbench of `request.user`."""
    user = request.user
    models = [
        model
        for model in rules.reviewed_models()
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        or user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
    ]
    reviewing = [model for model in models if rules.can_publish(user, model)]
    rows = {model: rows_of(model, user, reviewing=model in reviewing) for model in models}
    returned, drafts, submitted, mine_total = mine(rows, user)
    sees_articles = Article in models
    return Workbench(
        can_review=bool(reviewing),
        queue=queue({model: rows[model] for model in reviewing}) if reviewing else None,
        returned=returned,
        drafts=drafts,
        submitted=submitted,
        mine_total=mine_total,
        scheduled=scheduled_articles(timezone.now()) if sees_articles else None,
        recent=recent_articles() if sees_articles else None,
        alerts=alerts_for(request),
    )
