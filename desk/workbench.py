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
the review record). Each model costs two queries, the articles' 已排期 and 最近发布 two.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, OuterRef, TextField, When, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from news import wordcheck
from news.models import Article
from news.prepublish import prepublish_warnings
from review import rules
from review.records import Action, display_name, last_record_time, last_state_record
from review.rules import Status

from .alerts import alerts_for

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


# --- What differs between models ------------------------------------------------------------


def has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model, **query):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def related(model):
    """What a row shows beyond the object's own columns: its author and 栏目."""
    names = ["created_by"] if has_field(model, "created_by") else []
    if has_field(model, "category"):
        names.append("category__parent")
    return names


def without_long_text(model):
    """The long text columns (bodies) a row does not show."""
    return [field.name for field in model._meta.concrete_fields if isinstance(field, TextField)]


def section_of(obj):
    category = getattr(obj, "category", None)
    return category.tree_label if category is not None else ""


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


def queue(models):
    """Everything in review, oldest submission first (the time of its last 提交审核)."""
    items, total = [], 0
    for model in models:
        rows = list(
            with_warning_data(model, model._default_manager.filter(status=Status.REVIEW))
            .select_related(*related(model))
            .annotate(
                submitted_at=submission_time(model),
                total=Window(Count("pk")),
            )
            .order_by("submitted_at", "pk")[:QUEUE_SHOWN]
        )
        total += rows[0].total if rows else 0
        items += [(row.submitted_at, item(row, time=row.submitted_at, warnings=warning_count(row))) for row in rows]
    items.sort(key=lambda pair: (pair[0] is None, pair[0] or timezone.now()))
    more = changelist_url(models[0], status=Status.REVIEW) if len(models) == 1 else ""
    return Listing([entry for _, entry in items[:QUEUE_SHOWN]], total, more)


def mine(models, user):
    """The user's drafts and submissions: returned ones first, then the latest changed."""
    returned, drafts, submitted, total = [], [], [], 0
    for model in models:
        if not has_field(model, "created_by"):
            continue  # no author kept: nothing of it is anyone's
        rows = list(
            model._default_manager.filter(created_by=user, status__in=(Status.DRAFT, Status.REVIEW))
            .select_related(*related(model))
            .defer(*without_long_text(model))
            .annotate(
                last_action=last_state_record(model, "action"),
                last_comment=last_state_record(model, "comment"),
                last_by=last_state_record(model, "user_name"),
                last_at=last_state_record(model, "at"),
                total=Window(Count("pk")),
                returned_first=Case(When(last_action=Action.RETURNED, status=Status.DRAFT, then=0), default=1),
            )
            .order_by("returned_first", *(["-updated_at"] if has_field(model, "updated_at") else []), "-pk")[
                :MINE_SHOWN
            ]
        )
        total += rows[0].total if rows else 0
        for row in rows:
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
    returned, drafts, submitted, mine_total = mine(models, user) if models else ([], [], [], 0)
    sees_articles = Article in models
    return Workbench(
        can_review=bool(reviewing),
        queue=queue(reviewing) if reviewing else None,
        returned=returned,
        drafts=drafts,
        submitted=submitted,
        mine_total=mine_total,
        scheduled=scheduled_articles(timezone.now()) if sees_articles else None,
        recent=recent_articles() if sees_articles else None,
        alerts=alerts_for(request),
    )
