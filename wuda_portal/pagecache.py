"""
Whole pages for anonymous visitors, kept in the shared cache and served in front of Django.

It wraps the WSGI application (wuda_portal.wsgi) rather than sitting among the
middleware, so that a cached page costs one cache round trip and no request object, no
middleware and no response object; the request for a page that is not cached goes to
Django as usual, and what Django answers decides whether it is kept:

- Only GET/HEAD requests without a session cookie (staff always see fresh pages;
  residents never get a session), never the admin, static files or /healthz.
- Only 200/301 answers that set no cookie, used no CSRF token, are not streamed, and do
  not say private/no-cache/no-store: nobody receives another visitor's cookie or token.
- The key is the scheme, host, path with query and the reading preferences (font size,
  关怀模式). The entry holds the content version it was built under and is used only while
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

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBase, parse_cookie
from django.utils.cache import cc_delim_re

from .cache import CONTENT_VERSION_KEY, REBUILD, SERVE, STALE_GRACE_SECONDS, claim, content_version, rebuilt
from .preferences import ReadingPreferences
from .signals import cached_page_served

HIT_HEADER = ("X-Page-Cache", "hit")


class PageCache:
    cacheable_status = ("200 ", "301 ")

    def __init__(self, application):
        self.application = application
        self.excluded = (f"/{settings.ADMIN_URL}", f"/{settings.STATIC_URL}", "/healthz", "/prefs/")
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.proxy_ssl_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)

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
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.excluded):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if self.session_cookie in cookies:
            return None
        scheme = environ.get("wsgi.url_scheme", "http")
        if self.proxy_ssl_header and environ.get(self.proxy_ssl_header[0]) == self.proxy_ssl_header[1]:
            scheme = "https"  # headers such as HSTS differ between HTTP and HTTPS
        # The Host header as sent: a host Django refuses never gets an entry (its 400 is not
        # kept), so none can be served for it.
        preferences = ReadingPreferences.from_cookies(cookies).cache_key_part
        raw = f"{scheme}|{environ.get('HTTP_HOST', '')}|{path}?{environ.get('QUERY_STRING', '')}|{preferences}"
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
            if lowered == "set-cookie":
                return False
            if lowered == "cache-control":
                directives = {d.strip().lower() for d in cc_delim_re.split(value)}
                if directives & {"private", "no-cache", "no-store"}:
                    return False
        return True
