"""
Turning a parsed page of the old site into an article of the portal, idempotently.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from pypinyin import lazy_pinyin

from attachments.services import attachment_create
from core.models import SiteProfile
from news.models import Article, Category
from news.models.article_fields import validate_plausible_year
from news.models.categories import default_update_rule
from news.prepublish import prepublish_warnings
from news.sanitize import sanitize_html

SHANGHAI = ZoneInfo("Asia/Shanghai")
# What an update may change; the status and the workflow's fields stay as reviewers set them.
# The date is the old site's, kept when the article is published (定时发布 with that time).
IMPORTED_FIELDS = ("category_id", "title", "subtitle", "source", "author", "published_at", "is_scheduled", "body")


@dataclass
class Outcome:
    """What happened to one page: created, updated, unchanged or failed."""

    status: str
    title: str = ""
    article_id: int | None = None
    message: str = ""
    warnings: list = field(default_factory=list)
    missing_attachments: list = field(default_factory=list)


def external_key(page):
    """A stable key per source page: its 栏目, title and date (the old site had no ids in its dumps)."""
    source = "\n".join([page.category, page.title, page.subtitle, page.date.isoformat()])
    return "legacy:" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:40]


def category_slug(name):
    """An ASCII slug from the 栏目 name, two syllables a word: 党建动态 -> dangjian-dongtai."""
    syllables = lazy_pinyin(name, errors=lambda chars: [slugify(chars)])
    words = ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
    slug = slugify("-".join(w for w in words if w))[:50] or "lanmu"
    candidate, number = slug, 2
    while Category.objects.filter(slug=candidate).exists():
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def find_or_create_category(name, *, dry_run=False):
    category = Category.objects.filter(name=name).order_by("parent_id", "pk").first()
    if category or dry_run:
        return category
    return Category.objects.create(
        name=name,
        slug=category_slug(name),
        order=Category.objects.count() * 10 + 10,
        update_rule=default_update_rule(name, top_level=True, show_in_nav=True),
    )


def article_fields(page, category):
    return {
        "category_id": category.pk if category else None,
        "title": page.title[:200],
        "subtitle": page.subtitle[:200],
        "source": page.source[:100],
        "author": page.author[:100],
        "published_at": datetime.combine(page.date, time(0, 0), tzinfo=SHANGHAI),
        "is_scheduled": True,
        # Sanitised here already (Article.save() does it again) so that a second import can
        # compare it with what is stored.
        "body": sanitize_html("".join(f"<p>{escape(paragraph)}</p>" for paragraph in page.paragraphs)),
    }


class PageRefused(Exception):
    """A page that is not imported at all; the command reports it as a failure."""


def _attachment_path(attachments_dir, name):
    """
    The file for an attachment name if `attachments_dir` holds it (directly, not in a
    sub-folder), else None. Every path is resolved first: a name or a symlink that leads
    out of the folder ("../x", "/etc/x", a link to a file elsewhere) refuses the page, so
    that no file from elsewhere on the server is attached and published.
    """
    if not attachments_dir:
        return None
    folder = Path(attachments_dir).resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise PageRefused(f"附件“{name}”指向附件目录之外（{path}），已拒绝导入这一页。")
    return path if Path(name).name == name and path.is_file() else None


def _attachment_paths(page, attachments_dir):
    """Each attachment name of the page with its file (None if missing), checked before anything is written."""
    return {name: _attachment_path(attachments_dir, name) for name in page.attachment_names}


def _attach(article, page, paths):
    """Attach the files the page names that exist; return the names missing and the refusals."""
    missing, problems = [], []
    existing = set(article.attachments.values_list("original_name", flat=True))
    for order, name in enumerate(page.attachment_names):
        path = paths[name]
        if path is None:
            missing.append(name)
            continue
        if name in existing:
            continue
        with path.open("rb") as handle:
            try:
                attachment_create(article=article, file=File(handle, name=name), order=order)
            except ValidationError as refusal:
                problems.append(f"附件“{name}”未导入：{' '.join(refusal.messages)}")
    return missing, problems


def import_page(page, *, status=Article.Status.DRAFT, attachments_dir=None, dry_run=False):
    """
    Create or update the article of one page, in a transaction of its own. The body goes
    through Article.save() (the sanitiser) and the pre-publish checks are reported.
    Raises PageRefused, with nothing written, for a page whose attachments lead out of
    `attachments_dir`, or whose date is in a year no article may have.
    """
    try:
        validate_plausible_year(page.date)
    except ValidationError as error:
        raise PageRefused(f"日期“{page.date.isoformat()}”：{error.messages[0]}已拒绝导入这一页。") from None
    key = external_key(page)
    paths = _attachment_paths(page, attachments_dir)
    with transaction.atomic():
        category = find_or_create_category(page.category, dry_run=dry_run)
        fields = article_fields(page, category)
        article = Article.objects.select_for_update().filter(external_key=key).first()
        if article is None:
            outcome = "created"
            article = Article(external_key=key, status=status, **fields)
        else:
            changed = [name for name in IMPORTED_FIELDS if getattr(article, name) != fields[name]]
            outcome = "updated" if changed else "unchanged"
            for name in changed:
                setattr(article, name, fields[name])
        warnings = prepublish_warnings(article, has_attachments=bool(page.attachment_names))
        if dry_run:
            missing = [name for name, path in paths.items() if path is None]
            return Outcome(outcome, page.title, article.pk, warnings=warnings, missing_attachments=missing)
        if outcome != "unchanged":
            article.save()
        missing, problems = _attach(article, page, paths)
    return Outcome(outcome, page.title, article.pk, warnings=warnings + problems, missing_attachments=missing)


def apply_footer(footer):
    """Fill the site profile from the old site's footer (only the lines it had)."""
    values = footer.filled()
    if not values:
        return []
    profile = SiteProfile.load()
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    return sorted(values)
