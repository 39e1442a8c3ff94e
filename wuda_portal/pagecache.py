"""
Whole pages for anonymous visitors, kept in the shared cache and served in front of Django.

It wraps the WSGI application (wuda_portal.wsgi) rather than sitting among the
middleware, so that a cached page costs one cache round trip and no request object, no
middleware and no response object; the request for a page that is not cached goes to
Django as usual, and what Django answers decides whether it is kept:

- Only pages whose view is marked `@public_page`, for GET/HEAD requests without a
  session cookie (staff always see fresh pages; residents never get a session). Anything
  else (the admin, downloads, static files, /healthz, an address no view answers) goes
  to Django untouched and is never stored.
- Only 200/301 answers that set no cookie, used no CSRF token, are not streamed, hand no
  file to nginx (X-Accel-Redirect), are no download (Content-Disposition) and do not say
  private/no-cache/no-store: nobody receives another visitor's cookie or token.
- The key is the scheme, host, path, the query parameters the page reads (as
  `@public_page` declares them, in their one canonical form: the view is handed exactly
  those) and the reading preferences (font size, 关怀模式). Any other parameter neither
  makes an entry of its own nor passes the cache. The entry holds the content version it was built under and is used only while
  that version is current, so a content change (wuda_portal.cache) reaches every app
  server on the next request. Entries are fresh for PAGE_CACHE_SECONDS, which bounds how
  soon a scheduled article appears and a lapsed pin goes; past that, one request builds
  the page again while the others get the old copy for those few milliseconds.
- A page may ask for something to happen on every view, cached or not (an article's view
  count): the `cache_hit_payload` its view put on the response is sent with the
  cached_page_served signal when the page is served from the cache.
"""

import hashlib
import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_bytes_from_wsgi, get_path_info
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseBase, QueryDict, parse_cookie
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from .cache import CONTENT_VERSION_KEY, REBUILD, SERVE, STALE_GRACE_SECONDS, claim, content_version, rebuilt
from .network import forwarded_scheme
from .preferences import ReadingPreferences
from .signals import cached_page_served

HIT_HEADER = ("X-Page-Cache", "hit")
# Headers of answers that are not pages: a file nginx sends, a download.
NOT_A_PAGE_HEADERS = ("x-accel-redirect", "content-disposition")


def public_page(query=None):
    """
    Mark a view as a public page the page cache may keep, and declare the query parameters
    it reads: {name: canonical}, where `canonical(value)` turns the value sent into the one
    form the page depends on (None: as good as absent).

    The view is handed those parameters only, in canonical form, and the page cache keys
    its entry on the same: the two cannot disagree, so no other parameter (`?u=1`), and no
    other spelling of a value (`?page=01`), makes an entry of its own or passes the cache.
    """
    query = dict(query or {})

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.GET = canonical_query(request.GET, query)
            return view(request, *args, **kwargs)

        wrapper.page_cache_query = query
        return wrapper

    return decorate


def canonical_query(params, declared):
    """The declared parameters of `params` (a QueryDict), canonical, as a new QueryDict."""
    kept = QueryDict(mutable=True)
    for name, canonical in declared.items():
        value = params.get(name)  # the last value, as every view reads it
        if value is not None:
            value = canonical(value)
        if value is not None:
            kept[name] = value
    return QueryDict(kept.urlencode())


def as_is(value):
    return value


def flag(value):
    """A parameter that is either "1" or not there (?print=1)."""
    return "1" if value == "1" else None


def page_number(value):
    """?page=: ASCII digits without leading zeros; anything else as sent (the page refuses it)."""
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return str(int(value))
    return value


def _declared_query(path):
    """The query parameters the public page at `path` reads, or None if it is no public page."""
    # Addresses are the visitor's to choose: only short ones are remembered.
    return _remembered_declared_query(path) if len(path) <= 256 else _resolve_declared_query(path)


def _resolve_declared_query(path):
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    return getattr(view, "page_cache_query", None)


_remembered_declared_query = lru_cache(maxsize=2048)(_resolve_declared_query)


@receiver(setting_changed)
def _forget_declared_queries(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "ADMIN_URL"):
        _remembered_declared_query.cache_clear()


class PageCache:
    cacheable_status = ("200 ", "301 ")

    def __init__(self, application):
        self.application = application
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.application(environ, start_response)
        found = cache.get_many([CONTENT_VERSION_KEY, key])
        version = found.get(CONTENT_VERSION_KEY)
        if version is None:
            version = content_version()
        entry = found.get(key)
        claimed = claim(key, entry, version)
        if claimed == SERVE:
            _, _, status, headers, body, payload = entry
            start_response(status, headers)
            if payload is not None:
                cached_page_served.send(sender=PageCache, environ=environ, payload=payload)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        if self.cacheable(environ, answer, response):
            headers = [*answer["headers"], HIT_HEADER]
            payload = getattr(response, "cache_hit_payload", None)
            seconds = settings.PAGE_CACHE_SECONDS
            fresh_until = time.time() + seconds
            # Kept a while past its time, to be served while one request builds its successor.
            entry = (version, fresh_until, answer["status"], headers, response.content, payload)
            cache.set(key, entry, seconds + STALE_GRACE_SECONDS)
            if claimed == REBUILD:
                rebuilt(key)
        return response

    def key(self, environ):
        if settings.PAGE_CACHE_SECONDS <= 0 or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = get_path_info(environ)
        declared = _declared_query(path)
        if declared is None:
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if self.session_cookie in cookies:
            return None
        # Read as Django reads it: headers such as HSTS differ between HTTP and HTTPS.
        scheme = forwarded_scheme(environ)
        query = ""
        if declared and environ.get("QUERY_STRING"):
            # Decoded as Django decodes it for request.GET.
            sent = QueryDict(get_bytes_from_wsgi(environ, "QUERY_STRING", ""), encoding=settings.DEFAULT_CHARSET)
            query = canonical_query(sent, declared).urlencode()
        # The Host header as sent: a host Django refuses never gets an entry (its 400 is not
        # kept), so none can be served for it.
        preferences = ReadingPreferences.from_cookies(cookies).cache_key_part
        raw = f"{scheme}|{environ.get('HTTP_HOST', '')}|{path}?{query}|{preferences}"
        return "page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()

    def cacheable(self, environ, answer, response):
        if not answer.get("status", "").startswith(self.cacheable_status):
            return False
        if not isinstance(response, HttpResponseBase) or response.streaming:
            return False
        if environ.get("CSRF_COOKIE_NEEDS_UPDATE") or environ.get("CSRF_COOKIE_USED"):
            return False
        for name, value in answer["headers"]:
            lowered = name.lower()
            if lowered == "set-cookie" or lowered in NOT_A_PAGE_HEADERS:
                return False
            if lowered == "cache-control":
                directives = {d.strip().lower() for d in cc_delim_re.split(value)}
                if directives & {"private", "no-cache", "no-store"}:
                    return False
        return True
