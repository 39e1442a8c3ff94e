"""
Articles as the public pages show them: plain data, worked out once when page data is
built (it is kept in the cache, and plain data is cheaper to keep and to show than
models). All formatting for display lives here: dates in the site's time zone, file sizes,
the marked search query, and sanitising on output.

To show one more field of an article in lists: add it to ListedArticle here, to
LISTING_FIELDS in news.models, and to the template.
"""

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from .highlight import highlight, snippet
from .sanitize import safe_html


def date_text(moment):
    """2024-05-01, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d")


def minute_text(moment):
    """2024-05-01 09:30, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def status_text(article):
    """The state as the admin shows it: a published article whose time has not come is 定时发布."""
    if not article.is_waiting_for_its_time:
        return article.get_status_display()
    local = timezone.localtime(article.published_at)
    when = local.strftime("%m-%d %H:%M" if local.year == timezone.localtime().year else "%Y-%m-%d %H:%M")
    return f"定时发布 {when}"


@dataclass(frozen=True)
class CategoryLink:
    """A 栏目 as a breadcrumb shows it."""

    pk: int
    name: str
    url: str

    @classmethod
    def of(cls, category):
        return cls(category.pk, category.name, reverse("news:category", args=[category.slug]))

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ListedArticle:
    """An article in a list of titles."""

    pk: int
    title: str
    subtitle: str
    url: str  # the other site's page for a 外链 article (is_external)
    published_at: object
    date: str
    is_pinned_now: bool
    is_external: bool

    @classmethod
    def of(cls, article):
        return cls(
            pk=article.pk,
            title=article.title,
            subtitle=article.subtitle,
            url=article.public_url,
            published_at=article.published_at,
            date=date_text(article.published_at),
            is_pinned_now=article.is_pinned_now,
            is_external=article.is_external,
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class Headline:
    """A 头条 in the home page's slideshow."""

    pk: int
    title: str
    full_title: str
    url: str
    cover_url: str
    is_external: bool

    @classmethod
    def of(cls, article):
        return cls(
            article.pk, article.title, article.full_title, article.public_url, article.cover.url, article.is_external
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ShownArticle:
    """An article as its own page shows it."""

    pk: int
    title: str
    subtitle: str
    full_title: str
    summary: str
    source: str
    author: str
    responsible_editor: str
    url: str  # its own page's (a 外链 article's redirects to external_url)
    external_url: str
    category: CategoryLink
    parent_category: CategoryLink | None
    status: str
    status_label: str
    is_public: bool  # when the data was built (public data is rebuilt within seconds)
    published_at: object
    published_date: str
    published_minute: str
    view_count: int
    cover_url: str
    safe_body: str

    @classmethod
    def of(cls, article):
        category = article.category
        return cls(
            pk=article.pk,
            title=article.title,
            subtitle=article.subtitle,
            full_title=article.full_title,
            summary=article.summary,
            source=article.source,
            author=article.author,
            responsible_editor=article.responsible_editor,
            url=article.get_absolute_url(),
            external_url=article.external_url,
            category=CategoryLink.of(category),
            parent_category=CategoryLink.of(category.parent) if category.parent_id else None,
            status=article.status,
            status_label=status_text(article),  # 定时发布 12-01 08:00 in a preview before its time
            is_public=article.is_public,
            published_at=article.published_at,
            published_date=date_text(article.published_at),
            published_minute=minute_text(article.published_at),
            view_count=article.view_count,
            cover_url=article.cover.url if article.cover else "",
            safe_body=safe_html(article.body),
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ShownAttachment:
    """An attachment in an article's 附件 list."""

    url: str
    display_name: str
    type_label: str
    extension: str
    size: int
    size_label: str

    @classmethod
    def of(cls, attachment):
        return cls(
            url=attachment.get_absolute_url(),
            display_name=attachment.display_name,
            type_label=attachment.type_label,
            extension=attachment.extension,
            size=attachment.size,
            size_label=filesizeformat(attachment.size),
        )

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ArticleLink:
    """上一篇 / 下一篇."""

    full_title: str
    url: str
    is_external: bool = False

    @classmethod
    def of(cls, article):
        if article is None:
            return None
        return cls(article.full_title, article.public_url, article.is_external)

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class SearchResult:
    """A search result: the title and a snippet with the query marked, everything else escaped."""

    pk: int
    title: str
    url: str
    is_external: bool
    category_name: str
    date: str
    title_html: str
    snippet_html: str

    @classmethod
    def of(cls, article, query):
        return cls(
            pk=article.pk,
            title=article.full_title,
            url=article.public_url,
            is_external=article.is_external,
            category_name=article.category.name,
            date=date_text(article.published_at),
            title_html=highlight(article.full_title, query),
            # A 外链 article has no body: its summary, if any, says what it is about.
            snippet_html=snippet(article.summary if article.is_external else article.body_text, query),
        )


@dataclass(frozen=True)
class ShownPage:
    """A single page (单页) as its own page, or the 栏目 showing it, shows it."""

    pk: int
    title: str
    slug: str
    url: str
    category_id: int | None  # the 栏目 it sits under, if any
    status: str
    status_label: str
    is_public: bool
    updated_date: str
    show_contacts: bool
    safe_body: str
    attachments: tuple  # of ShownAttachment

    @classmethod
    def of(cls, page):
        """`page` with its attachments loaded (prefetch_related("attachments"))."""
        return cls(
            pk=page.pk,
            title=page.title,
            slug=page.slug,
            url=page.get_absolute_url(),
            category_id=page.category_id,
            status=page.status,
            status_label=page.get_status_display(),
            is_public=page.is_public,
            updated_date=date_text(page.updated_at),
            show_contacts=page.show_contacts,
            safe_body=safe_html(page.body),
            attachments=tuple(ShownAttachment.of(attachment) for attachment in page.attachments.all()),
        )

    @property
    def name(self):
        """Its name in a breadcrumb."""
        return self.title

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class PageResult:
    """A single page among search results (marked 单页)."""

    title: str
    url: str
    title_html: str
    snippet_html: str = ""

    @classmethod
    def of(cls, page, query):
        """`page` (news.selectors.categories.PageEntry, with its text) found by `query`."""
        return cls(
            title=page.title,
            url=page.get_absolute_url(),
            title_html=highlight(page.title, query),
            snippet_html=snippet(page.text, query) if page.text else "",
        )

    def get_absolute_url(self):
        return self.url
