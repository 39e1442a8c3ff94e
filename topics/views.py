from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.pagecache import page_number, public_page
from core.views import invalid_page
from news.selectors import parse_page_number

from . import selectors
from .presenters import index_link


@require_safe
@public_page()
def topic_index(request):
    tree, running, ended = selectors.topic_index()
    return render(
        request, "topics/index.html", {"tree": tree, "running": running, "ended": ended, "index_link": index_link()}
    )


@require_safe
@public_page()
def topic_detail(request, slug):
    tree, data = selectors.topic_page(slug)
    if data is None:
        raise Http404("没有这个专题")
    context = {"tree": tree, "topic": data.topic, "sections": data.sections, "index_link": index_link()}
    return render(request, "topics/topic_detail.html", context)


@require_safe
@public_page({"page": page_number})
def section_detail(request, slug, pk):
    try:
        tree, data = selectors.section_page(slug, pk, parse_page_number(request.GET.get("page")))
    except InvalidPage:
        _, data = selectors.section_page(slug, pk, 1)
        if data is None:
            raise Http404("没有这个专题栏目") from None
        return invalid_page(request, what=f"“{data.section.name}”", first_page=request.path)
    if data is None:
        raise Http404("没有这个专题栏目")
    context = {
        "tree": tree,
        "topic": data.topic,
        "section": data.section,
        "page": data.page,
        "index_link": index_link(),
    }
    return render(request, "topics/section_detail.html", context)
