import logging
from dataclasses import asdict

from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest

from .views import DATABASE_DOWN_ERRORS, database_unavailable

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


class DatabaseUnavailableMiddleware:
    """
    Turns "the database cannot be reached" raised by a view into the styled 503 with
    Retry-After, logged as one line instead of a stack trace per request during an outage.
    (Failures outside views reach handler500, which answers the same way.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.error("Database unavailable for %s: %s", request.path, str(exception).strip())
            return database_unavailable(request)
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    django-csp's middleware with one exception: the admin, where CKEditor 4 needs inline
    handlers and styles, gets ADMIN_CONTENT_SECURITY_POLICY. Public pages keep the strict
    policy of CONTENT_SECURITY_POLICY.
    """

    admin_prefix = f"/{settings.ADMIN_URL}"

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built = {}

    def process_response(self, request, response):
        # The same two policies serve nearly every response: build each header once, and
        # leave responses that adjust the policy (decorators, an own header) to django-csp.
        plain = not any(hasattr(response, a) for a in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt"))
        if plain and "Content-Security-Policy" not in response and getattr(request, "_csp_nonce", None) is None:
            admin = request.path_info.startswith(self.admin_prefix)
            if admin not in self._built:
                self._built[admin] = build_policy(**asdict(self.get_policy_parts(request, response)))
            response["Content-Security-Policy"] = self._built[admin]
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            parts.replace = {**settings.ADMIN_CONTENT_SECURITY_POLICY, **(parts.replace or {})}
        return parts
