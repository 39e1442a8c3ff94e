from django.http import HttpResponse
from django.urls import path

# About 10 KB of HTML, like a portal page: built once, sent every time.
PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>基准页面</title></head><body><main>'
    + "".join(f"<p>第{i}段：乌达区扎实推进党建引领基层治理，推动各项工作落地见效。</p>" for i in range(100))
    + "</main></body></html>"
)


def page(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", page), path("healthz", page)]
