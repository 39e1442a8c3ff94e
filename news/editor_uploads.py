"""
Image uploads from the rich-text editor (CKEditor 4's image dialog, paste and drag).

Replaces django-ckeditor's upload view, which keeps the uploader's file name and accepts
any file: here only staff who may write articles upload, and what is stored is what the
image policy (news.images) makes of the upload, under a generated name.
"""

import json
import re
import uuid
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.oversized import ENDED_SESSION_ANSWERED

from .images import clean_image

_FUNC_NUM = re.compile(r"^\d{1,6}$")


def store_editor_image(uploaded):
    """
    Store an uploaded image as the image policy (news.images) makes it; return its storage
    name and the CleanImage stored.
    """
    image = clean_image(uploaded)
    name = f"editor/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content)), image


def _same_origin(request):
    """
    CKEditor cannot send Django's CSRF token, so the view is exempt from the middleware
    and checks instead that the request comes from our own pages: the browser's Origin (or
    Sec-Fetch-Site) header, and CKEditor's own double-submitted token (cookie == field).
    """
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return False
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    token = request.POST.get("ckCsrfToken", "")
    return bool(token) and token == request.COOKIES.get("ckCsrfToken")


def _respond(request, *, url=None, error=None, size=None):
    func_num = request.GET.get("CKEditorFuncNum", "")
    if not func_num or request.GET.get("responseType") == "json":
        # CKEditor's XHR uploads (the dialog, paste, drag and drop) read JSON.
        if error:
            return JsonResponse({"uploaded": 0, "error": {"message": error}})
        answer = {"uploaded": 1, "url": url, "fileName": url.rsplit("/", 1)[-1]}
        if size:
            # uploadimage writes these into <img width height>: the stored size, not the
            # size of the photo on the editor's disk (scaled down by the image policy).
            answer["width"], answer["height"] = size
        return JsonResponse(answer)
    if not _FUNC_NUM.match(func_num):
        return JsonResponse({"uploaded": 0, "error": {"message": "参数无效。"}}, status=400)
    # The dialog's upload runs in an iframe and expects a script calling back into the
    # editor (only the admin's CSP allows it).
    # json.dumps makes JavaScript string literals; "<" is escaped so no "</script>" closes early.
    arguments = ", ".join(json.dumps(a, ensure_ascii=False).replace("<", "\\u003c") for a in (url or "", error or ""))
    return HttpResponse(f"<script>window.parent.CKEDITOR.tools.callFunction({func_num}, {arguments});</script>")


SESSION_ENDED = "登录已过期，请重新登录后再上传"


def editor_login_required(view):
    """
    Staff only, like staff_member_required, but an ended session is told in an answer
    CKEditor shows: a redirect to the login page only made it say 「不正确的服务器响应」.
    (200, because CKEditor shows its own "HTTP error" for any other status.)
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return _respond(request, error=SESSION_ENDED)
        return view(request, *args, **kwargs)

    # Before it reads the body: core.oversized lets an ended session's large upload reach it.
    setattr(checked, ENDED_SESSION_ANSWERED, True)
    return checked


@csrf_exempt
@xframe_options_sameorigin  # the image dialog shows the answer in a frame of the admin page
@editor_login_required
@require_POST
def upload_image(request):
    if not (request.user.has_perm("news.add_article") or request.user.has_perm("news.change_article")):
        return HttpResponseForbidden("没有上传图片的权限。")
    if not _same_origin(request):
        return HttpResponseForbidden("请求来源无法验证，请刷新页面后重试。")
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return _respond(request, error="没有收到图片文件。")
    try:
        name, image = store_editor_image(uploaded)
    except ValidationError as refusal:
        return _respond(request, error=" ".join(refusal.messages))
    return _respond(request, url=default_storage.url(name), size=(image.width, image.height))
