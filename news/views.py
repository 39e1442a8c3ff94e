from urllib.parse import urlencode

from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from core.pagecache import as_is, flag, page_number, public_page
from core.views import invalid_page

from . import selectors
from .qrcodes import qr_svg
from .search import MAX_QUERY_LENGTH
from .viewcounts import article_views


def _no_store_for_preview(response, shown):
    """A preview of what is not public is for the staff member alone: never kept."""
    if not shown.is_public:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


def _render_page(request, tree, page, *, category=None, parent=None):
    """
    A single page in the site frame, or its print view (?print=1): at its own address, or
    at the address of the 栏目 (`category`) that shows it.
    """
    shown_by_category = category is not None
    if not shown_by_category and page.category_id is not None:
        category = tree.by_id.get(page.category_id)
        parent = tree.parent_of(category) if category else None
    entry = tree.pages_by_id.get(page.pk)
    if shown_by_category or not (entry and entry.show_in_nav):
        active = (parent or category).pk if category else None  # its 栏目's entry in the navigation
    else:
        active = f"page:{page.slug}"  # its own entry
    context = {
        "tree": tree,
        "page": page,
        "category": category,
        "parent": parent,
        "active": active,
        "section_pages": tree.section_pages(category) if category else [],
        "shown_by_category": shown_by_category,
        "is_preview": not page.is_public,
        "site_root": f"{request.scheme}://{request.get_host()}",
    }
    template = "news/page_print.html" if request.GET.get("print") == "1" else "news/page_detail.html"
    return _no_store_for_preview(render(request, template, context), page)


@require_safe
@public_page()
def home(request):
    tree, headlines, blocks, parts = selectors.home_page()
    context = {"tree": tree, "headlines": headlines, "blocks": blocks, "parts": parts}
    return render(request, "news/home.html", context)


# ?print=1 is declared for a 栏目 that shows a single page (its print view); a list ignores it.
@require_safe
@public_page({"page": page_number, "print": flag})
def category_detail(request, slug):
    try:
        tree, category, page = selectors.category_listing(slug, selectors.parse_page_number(request.GET.get("page")))
    except InvalidPage:
        _, category, _ = selectors.category_listing(slug, 1)
        if category is None:
            raise Http404("没有这个栏目") from None
        return invalid_page(request, what=f"“{category.name}”", first_page=request.path)
    if category is None:
        raise Http404("没有这个栏目")
    parent = tree.parent_of(category)
    if tree.shown_page(category) is not None:
        # A 栏目 set to show a single page (机构职能) shows it at the 栏目's address.
        return _render_page(request, tree, page, category=category, parent=parent)
    context = {
        "tree": tree,
        "category": category,
        "parent": parent,
        "subcategories": tree.children.get(category.pk, []),
        "siblings": tree.children.get(parent.pk, []) if parent else [],
        "sub_pages": tree.pages_under(category),
        "page": page,
    }
    return render(request, "news/category_detail.html", context)


@require_safe
@public_page({"print": flag}, counts=article_views)
def article_detail(request, pk):
    # Staff preview drafts, articles in review and scheduled ones at their public address.
    tree, data = selectors.article_page(pk, preview=request.user.is_staff)
    if data is None:
        raise Http404("没有这篇文章")
    article = data.article
    if article.external_url:
        # A 外链 article's page is the other site's. 302, not 301: the editor may change the
        # address or withdraw the article, and browsers keep a 301 for good. The page cache
        # keeps no 302 (nor counts it as a view): it comes from the article's cached data.
        response = redirect(article.external_url)
    else:
        response = _article_response(request, tree, data)
    return _no_store_for_preview(response, article)


def _article_response(request, tree, data):
    article = data.article
    printing = request.GET.get("print") == "1"
    return render(
        request,
        "news/article_print.html" if printing else "news/article_detail.html",
        {
            "tree": tree,
            "article": article,
            "category": article.category,
            "parent": article.parent_category,
            "attachments": data.attachments,
            "previous": data.previous,
            "next": data.next,
            "parts": data.parts,
            "is_preview": not article.is_public,
            "site_root": f"{request.scheme}://{request.get_host()}",  # for the page's full address
        },
    )


# Browsers may keep a code a day: it changes only with the address, which never changes.
QR_BROWSER_SECONDS = 24 * 3600


@require_safe
@public_page()
def article_qr(request, pk):
    """
    分享到微信: the QR code of a public article's address, as the reader reached the site
    (scheme and host of the request, as the page's canonical link). Kept by the page cache
    under that scheme and host, and by browsers for QR_BROWSER_SECONDS.
    """
    _, data = selectors.article_page(pk)
    if data is None or data.article.external_url:
        raise Http404("没有这篇文章")
    response = HttpResponse(qr_svg(request.build_absolute_uri(data.article.url)), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=QR_BROWSER_SECONDS)
    return response


@require_safe
@public_page({"q": selectors.search_text, "category": as_is, "page": page_number})
def search(request):
    query = selectors.parse_search_query(request.GET.get("q"))
    slug = request.GET.get("category", "")
    try:
        number = selectors.parse_page_number(request.GET.get("page")) if query.normalized else 1
        tree, category, results = selectors.search_page(query.normalized, number, slug)
    except InvalidPage:
        # The same terms and 栏目 at their first page (a 栏目 that is gone: the redirect below, from there).
        first_page = f"{request.path}?{urlencode({'q': query.text, **({'category': slug} if slug else {})})}"
        return invalid_page(request, what=f"“{query.text}”的搜索结果", first_page=first_page)
    except selectors.SearchTooSlow:
        tree, category, results = selectors.search_page("", 1, slug)
        too_slow = True
    else:
        too_slow = False
    if slug and category is None:
        # A 栏目 that is gone (or never was): search them all, at the one address that
        # does (so no made-up 栏目 name becomes a page of its own in the page cache).
        return redirect(f"{request.path}?{urlencode({'q': query.text})}" if query.text else request.path)
    context = {
        "tree": tree,
        "query": query,
        "max_query_length": MAX_QUERY_LENGTH,
        "selected_category": category,
        "category_options": [
            (c.slug, f"— {c.name}" if c.parent_id else c.name)
            for top, children in tree.outline
            for c in [top, *children]
        ],
        "page": results.page if results else None,
        "more": results.more if results else False,
        "results_pages": results.pages if results else [],
        "results_text_pages": results.text_pages if results else [],
        "too_slow": too_slow,
        # Pagination links keep the query and the 栏目.
        "page_query": urlencode({"q": query.text, **({"category": category.slug} if category else {})}) + "&",
    }
    return render(request, "news/search.html", context)


@require_safe
@public_page({"print": flag})
def page_detail(request, slug):
    # Staff preview drafts and pages in review at their public address.
    tree, page = selectors.single_page(slug, preview=request.user.is_staff)
    if page is None:
        raise Http404("没有这个页面")
    return _render_page(request, tree, page)


@require_safe
@public_page()
def site_map(request):
    return render(request, "news/site_map.html", {"tree": selectors.category_tree()})
