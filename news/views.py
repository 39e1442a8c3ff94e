from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from wuda_portal.cache import prefetch
from wuda_portal.frame import CACHE_NAME as SITE_FRAME
from wuda_portal.pagecache import as_is, flag, page_number, public_page

from . import selectors
from .search import MAX_QUERY_LENGTH
from .viewcounts import count_view_along, record_view, view_counted_along


def _page_number(request):
    try:
        return selectors.parse_page_number(request.GET.get("page"))
    except InvalidPage:
        raise Http404("页码无效") from None


@require_safe
@public_page()
def home(request):
    prefetch(SITE_FRAME, selectors.CATEGORY_TREE, selectors.HOME)
    tree = selectors.category_tree()
    headlines, blocks = selectors.home_content(tree)
    return render(request, "news/home.html", {"tree": tree, "headlines": headlines, "blocks": blocks})


@require_safe
@public_page({"page": page_number})
def category_detail(request, slug):
    number = _page_number(request)
    prefetch(SITE_FRAME, selectors.CATEGORY_TREE, selectors.category_listing_cache_name(slug, number))
    tree = selectors.category_tree()
    category = tree.by_slug.get(slug)
    if category is None:
        raise Http404("没有这个栏目")
    try:
        page = selectors.category_listing(tree, category, number)
    except InvalidPage:
        raise Http404("没有这一页") from None
    parent = tree.parent_of(category)
    return render(
        request,
        "news/category_detail.html",
        {
            "tree": tree,
            "category": category,
            "parent": parent,
            "subcategories": tree.children.get(category.pk, []),
            "siblings": tree.children.get(parent.pk, []) if parent else [],
            "page": page,
        },
    )


@require_safe
@public_page({"print": flag})
def article_detail(request, pk):
    printing = request.GET.get("print") == "1"
    # A visitor without a session is not staff and sees public articles only: the view is
    # counted in the same round trip as the cache reads, and taken back if there is none.
    visitor = settings.SESSION_COOKIE_NAME not in request.COOKIES
    counting = count_view_along(pk) if visitor and not printing else None
    counted = prefetch(SITE_FRAME, selectors.CATEGORY_TREE, selectors.article_cache_name(pk), along=counting)
    # Staff preview drafts, articles in review and scheduled ones at their public address.
    data = selectors.article_page(pk, preview=not visitor and request.user.is_staff)
    if counted:
        view_counted_along(pk, shown=data is not None)
    if data is None:
        raise Http404("没有这篇文章")
    article = data.article
    tree = selectors.category_tree()
    category = tree.by_id.get(article.category_id)
    if category is None:  # a 栏目 newer than the cached tree (its version move was lost)
        tree = selectors.category_tree(fresh=True)
        category = tree.by_id.get(article.category_id)
        if category is None:
            raise Http404("没有这篇文章")
    if article.is_public and not printing and not counted:
        record_view(article.pk)
    response = render(
        request,
        "news/article_print.html" if printing else "news/article_detail.html",
        {
            "tree": tree,
            "article": article,
            "category": category,
            "parent": tree.parent_of(category),
            "attachments": data.attachments,
            "previous": data.previous,
            "next": data.next,
            "is_preview": not article.is_public,
            "site_root": f"{request.scheme}://{request.get_host()}",  # for the page's full address
        },
    )
    if not article.is_public:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    elif not printing:
        # Served again from the page cache, the page still counts the view.
        response.cache_hit_payload = {"article_view": article.pk}
    return response


@require_safe
@public_page({"q": as_is, "category": as_is, "page": page_number})
def search(request):
    query = selectors.parse_search_query(request.GET.get("q"))
    slug = request.GET.get("category", "")
    number = _page_number(request) if query.normalized else 1
    results = [selectors.search_page_cache_name(query.normalized, number, slug)] if query.normalized else []
    prefetch(SITE_FRAME, selectors.CATEGORY_TREE, *results)
    tree = selectors.category_tree()
    category = tree.by_slug.get(slug)
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
        "page": None,
        # Pagination links keep the query and the 栏目.
        "page_query": urlencode({"q": query.text, **({"category": category.slug} if category else {})}) + "&",
    }
    if query.normalized:
        try:
            page = selectors.search_page(query.normalized, number, tree=tree, category=category)
        except InvalidPage:
            raise Http404("没有这一页") from None
        except selectors.SearchTooSlow:
            context["too_slow"] = True
            return render(request, "news/search.html", context)
        context["page"] = page
    return render(request, "news/search.html", context)


@require_safe
@public_page()
def site_map(request):
    return render(request, "news/site_map.html", {"tree": selectors.category_tree()})
