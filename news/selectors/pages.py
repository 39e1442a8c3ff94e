"""A single page's page (/pages/<slug>/) with its attachments, and the single page a 栏目 shows in place of its list."""

from core import caching
from core.frame import SITE_FRAME

from ..models import Page
from ..presenters import ShownPage
from .categories import CATEGORY_TREE


def shown_page(pages, slug):
    """ShownPage of the page `slug` among `pages`, or None."""
    page = pages.prefetch_related("attachments").filter(slug=slug).first()
    return ShownPage.of(page) if page is not None else None


def _build_public(slug):
    data = shown_page(Page.objects.published(), slug)
    if data is None and not Page.objects.filter(slug=slug).exists():
        # "Nothing there" is kept for a page that exists (a draft), not for any address.
        return caching.Unkept()
    return data


def single_page(slug, *, preview=False):
    """
    (tree, ShownPage or None) for the single page `slug`. The public get a published page,
    from the cache, read with the frame and the 栏目 tree in one round trip; staff
    (preview=True) get any page, fresh from the database.
    """
    if preview:
        _, tree = caching.get(SITE_FRAME, CATEGORY_TREE)
        return tree, shown_page(Page.objects.all(), slug)
    page = caching.Cached(f"page:{caching.short_name(slug)}", lambda: _build_public(slug), caching.object_seconds)
    _, tree, data = caching.get(SITE_FRAME, CATEGORY_TREE, page)
    return tree, data
