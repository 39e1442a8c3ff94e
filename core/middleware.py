import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest

from . import caching
from .views import allowed_methods, database_down, database_unavailable, method_not_allowed

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """
    Refuses a request body larger than the largest upload the portal accepts (an
    attachment plus the rest of its form) with 413, before anything reads it. nginx
    refuses such bodies first in production (client_max_body_size); this holds without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.ATTACHMENT_MAX_SIZE + 2 * 1024 * 1024

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("请求长度无效。", content_type="text/plain; charset=utf-8")
        if length > self.limit:
            response = HttpResponse("请求内容过大。", status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class MethodNotAllowedMiddleware:
    """
    A request a view does not take (core.views.allowed_methods: a public page takes GET
    and HEAD), answered with the styled 405 and its Allow header before the CSRF check
    (listed before CsrfViewMiddleware): a form posted to a public page is refused for what
    it is, not as an expired form (403), and OPTIONS or TRACE get a page, not an empty 405.
    Views that take forms say nothing here and keep their CSRF check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        allowed = allowed_methods(view_func)
        if allowed is not None and request.method not in allowed:
            return method_not_allowed(request, allowed)
        return None


class DatabaseUnavailableMiddleware:
    """
    Turns "the database cannot be reached" raised by a view into the styled 503 with
    Retry-After, logged as one line instead of a stack trace per request during an outage.
    (Failures outside views reach handler500, which answers the same way.) A database error
    that the request itself causes (core.views.database_down) is a server error, not this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_down(exception):
            logger.error("Database unavailable for %s: %s", request.path, str(exception).strip())
            return database_unavailable(request)
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    django-csp's middleware with one exception: the admin, where CKEditor 4 needs inline
    handlers and styles, gets ADMIN_CONTENT_SECURITY_POLICY. Public pages keep the strict
    policy of CONTENT_SECURITY_POLICY. (get_policy_parts is django-csp's documented hook.)
    """

    admin_prefix = f"/{settings.ADMIN_URL}"

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            parts.replace = {**settings.ADMIN_CONTENT_SECURITY_POLICY, **(parts.replace or {})}
        return parts


class CacheScopeMiddleware:
    """What a request reads from the cache is remembered for that request only (core.caching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = caching.begin_request()
        try:
            return self.get_response(request)
        finally:
            caching.end_request(token)
