import logging
import mimetypes
import re
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import (
    FileResponse,
    Http404,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .frame import offline_site_frame
from .oversized import form_too_large
from .preferences import CARE_COOKIE, COOKIE_MAX_AGE, FONT_COOKIE, FONT_SIZES

logger = logging.getLogger(__name__)

# What a public page takes (core.pagecache.public_page): reading it.
READ_METHODS = ("GET", "HEAD")


def answers_only(*methods):
    """
    Django's require_http_methods(methods), with the other methods answered by the styled
    405 (`method_not_allowed`, before the CSRF check: core.middleware.MethodNotAllowedMiddleware).
    Public pages need not say so: they take READ_METHODS.
    """

    def decorate(view):
        view = require_http_methods(list(methods))(view)
        view.allowed_methods = methods
        return view

    return decorate


def allowed_methods(view):
    """The methods `view` takes, where it says (answers_only, or a public page); None: it decides."""
    if getattr(view, "public_page", None) is not None:
        return READ_METHODS
    return getattr(view, "allowed_methods", None)


def method_not_allowed(request, allowed):
    """A request a page does not take (a form posted to it, OPTIONS, TRACE ...): the styled 405, with Allow."""
    response = render(request, "405.html", status=405)
    response["Allow"] = ", ".join(allowed)
    return response


# How long a visitor is asked to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
# The SQLSTATEs (classes, or codes) of those that say the database cannot serve now,
# whatever is asked: connection exceptions, insufficient resources (too many connections, out
# of memory, disk full), a lock not had in time (lock_timeout), operator intervention
# (shutting down, starting up, a statement timeout) and system errors. One without a
# SQLSTATE never reached the server (refused, or the connection lost). The others come from
# what was asked, as 54 "program limit exceeded" (a tsvector over 1 MB): a retry fails the
# same, so they are server errors (500), not outages.
OUTAGE_SQLSTATES = ("08", "53", "55P03", "57", "58")


def database_down(error):
    """Whether `error` says the database is unreachable or cannot serve now (the 503 with Retry-After)."""
    if not isinstance(error, DATABASE_DOWN_ERRORS):
        return False
    code = getattr(error.__cause__, "pgcode", None)
    return not code or code.startswith(OUTAGE_SQLSTATES)


@never_cache
@answers_only(*READ_METHODS)
def healthz(request):
    """200 when the database answers a read, 503 when it does not. Writes nothing."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


# What nginx sends with the media it serves from disk (deploy/nginx.conf, /media/).
MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"
# The media folders anyone may read, under the generated names uploads are stored with.
PUBLIC_MEDIA_FOLDERS = ("covers", "editor")
PUBLIC_MEDIA_NAME = re.compile(
    rf"(?:{'|'.join(PUBLIC_MEDIA_FOLDERS)})/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.(?:jpg|jpeg|png|gif|webp)"
)


@answers_only(*READ_METHODS)
def media(request, name):
    """
    A cover or editor image from the object store (MEDIA_STORAGE, wuda_portal.storage),
    with the headers nginx gives media from disk. Attachments never: drafts' files stay
    private and downloads are counted, in their own view.
    """
    if not PUBLIC_MEDIA_NAME.fullmatch(name):
        # Only the names the portal gives covers and editor images: never an attachment
        # (drafts' files stay private and downloads are counted, in their own view), and
        # no "..", "./" or "\" a storage would resolve to another file.
        raise Http404("文件不存在")
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    patch_cache_control(response, public=True, max_age=30 * 24 * 3600)
    return response


@answers_only(*READ_METHODS)
def favicon(request):
    """For clients that ask for /favicon.ico whatever the page's <link rel="icon"> says.

    Resolved per request, not at import, so importing the URLconf never needs the
    static manifest (collectstatic may not have run yet in a management command).
    """
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def _same_site_path(request, target):
    """`target` if it is a path on this site (never a full address, never `//host`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return target


def _referring_path(request):
    """The path and query of the Referer, when it is a page of this site."""
    try:
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    except ValueError:  # e.g. a broken IPv6 address
        return None
    if referer.scheme not in ("http", "https") or referer.netloc != request.get_host():
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


@answers_only("GET")
def set_reading_preferences(request):
    """
    Plain links (no JavaScript) set the font size and 关怀模式: `?font=large`,
    `?care=1`; the visitor returns to the page they came from: the page's own links say
    which in `next`, and the Referer stands in when a link lacks it. Only paths on this
    site are followed; anything else leads to the home page.
    """
    target = (
        _same_site_path(request, request.GET.get("next", ""))
        or _same_site_path(request, _referring_path(request))
        or get_script_prefix()  # the site's root: the home page
    )
    response = HttpResponseRedirect(target)
    font = request.GET.get("font")
    if font in FONT_SIZES:
        response.set_cookie(FONT_COOKIE, font, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    care = request.GET.get("care")
    if care == "1":
        response.set_cookie(CARE_COOKIE, "1", max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    elif care == "0":
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response


def invalid_page(request, *, what, first_page):
    """
    A list's page number it does not have (?page=999, 0, abc): 404, saying so (「页码无效」),
    with a link to the first page (`first_page`); `what` names the list: “党建动态”.
    """
    return render(request, "invalid_page.html", {"what": what, "first_page": first_page}, status=404)


def bad_request(request, exception):
    """
    handler400, in the site's look (Django's default renders the template without context).
    A form too large to read is refused as such, with 413 (core.oversized).
    """
    if isinstance(exception, RequestDataTooBig):
        return form_too_large(request)
    context = {}
    if isinstance(exception, TooManyFieldsSent):
        context["message"] = (
            f"网址或表单中的参数太多（超过 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个），服务器无法处理。"
            "请检查网址是否完整、正确。"
        )
    elif isinstance(exception, TooManyFilesSent):
        context["message"] = (
            f"一次上传的文件太多（超过 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个），服务器无法处理。请分几次上传。"
        )
    return render(request, "400.html", context, status=400)


def permission_denied(request, exception):
    """
    handler403. Inside the admin, for staff, a page in the admin's look with the reason the
    refusal gave (review.admin and review.refusals give them) and the way back; anywhere
    else the public site's page, as Django renders it.
    """
    user = getattr(request, "user", None)
    in_admin = request.path_info.startswith(f"/{settings.ADMIN_URL}")
    if not (in_admin and user is not None and user.is_active and user.is_staff):
        return defaults.permission_denied(request, exception)
    from django.contrib import admin  # the portal's admin site (desk.sites.PortalAdminSite)

    context = {
        **admin.site.each_context(request),
        "title": "无法进行这个操作",
        "reason": str(exception) or "您的账号没有进行这个操作的权限。",
        "back_links": _admin_back_links(request),
    }
    return render(request, "admin/portal/403.html", context, status=403)


def _admin_back_links(request):
    """[(label, url)]: the object's page and its list, where the refused page was about one; the admin's home."""
    match = request.resolver_match
    model_admin = getattr(match.func, "model_admin", None) if match is not None else None
    links = []
    if model_admin is not None:
        opts = model_admin.model._meta
        object_id = match.kwargs.get("object_id")
        try:
            if object_id is not None and match.url_name != f"{opts.app_label}_{opts.model_name}_change":
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
                links.append((f"返回该{opts.verbose_name}", url))
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            links.append((f"返回{opts.verbose_name_plural}列表", url))
        except NoReverseMatch:
            pass
    links.append(("返回工作台", reverse("admin:index")))
    return links


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from an expired or foreign page."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def database_unavailable(request=None):
    """The styled 503 shown while the database cannot be reached; it needs no database."""
    html = render_to_string("503.html", {"site_frame": offline_site_frame(), "retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponseServerError(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: the styled error page, rendered without touching the database."""
    if database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    html = render_to_string("500.html", {"site_frame": offline_site_frame()})
    return HttpResponseServerError(html)
