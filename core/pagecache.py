"""
Whole pages for anonymous visitors, kept in the shared cache and served in front of Django.

It wraps the WSGI application (wuda_portal.wsgi) rather than sitting among the
middleware, so that a kept page costs one round trip and no request object, no middleware
and no response object; a page that is not kept goes to Django as usual, and what Django
answers decides whether it is kept:

- Only views marked `@public_page`, for GET/HEAD requests of anyone but staff (staff, who
  carry the signed marker of core.staff_marker, always see fresh pages). A page built for
  a request with a session cookie is served but not kept. Anything else (the admin,
  downloads, static files, /healthz, an address no view answers) goes to Django untouched
  and is never kept.
- Only successful public pages: 200/301 answers that set no cookie, used no CSRF token,
  are not streamed, hand no file to nginx (X-Accel-Redirect), are no download
  (Content-Disposition) and do not say private/no-cache/no-store.
- The key is the scheme, host, path, the query parameters the page reads (as
  `@public_page` declares them, in their one canonical form: the view is handed exactly
  those) and the reading preferences. Any other parameter neither makes an entry of its
  own nor passes the cache. Entries follow the content version (core.caching) and are
  fresh for PAGE_CACHE_SECONDS, which bounds how soon a scheduled article appears.
- A page that counts its views (`counts=`, an article) counts each view once, kept page or
  not, in the same round trip as the page's read; a view of something that turns out not
  to be a public page (a 404, a staff preview) is taken back.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache, wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseBase, QueryDict, parse_cookie
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from . import caching
from .network import forwarded_scheme
from .preferences import ReadingPreferences
from .staff_marker import STAFF_COOKIE, is_staff_marker

HIT_HEADER = ("X-Page-Cache", "hit")
# Set on a request whose view the page cache counted already.
COUNTED = "portal.view_counted"


def public_page(query=None, *, counts=None):
    """
    Mark a view as a public page the page cache may keep, and declare the query parameters
    it reads: {name: canonical}, where `canonical(value)` turns the value sent into the one
    form the page depends on (None: as good as absent). The view is handed those parameters
    only, in canonical form, and the page cache keys its entry on the same.

    `counts` (a counter such as news.viewcounts.article_views) counts one view of each
    public page shown: `counts.key(view_kwargs, query)` names what was viewed, or None.
    """
    query = dict(query or {})

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # A page that reads no parameter does not read the query string at all.
            request.GET = canonical_query(request.GET, query) if query else QueryDict()
            key = counts.key(kwargs, request.GET) if counts and request.method == "GET" else None
            if key is None or request.META.get(COUNTED):
                return view(request, *args, **kwargs)
            sent = caching.send_along(counts.along(key))  # with the page's cache read
            response = None
            try:
                response = view(request, *args, **kwargs)
            finally:
                shown = response is not None and is_public_answer(response.status_code, response.items())
                if shown and not sent():
                    counts.record(key)
                elif sent() and not shown:
                    counts.take_back(key)
            return response

        wrapper.public_page = PublicPage(query, counts)
        return wrapper

    return decorate


@dataclass(frozen=True, eq=False)  # one per view: hashed by identity (the page cache's lru_cache)
class PublicPage:
    query: dict
    counts: object


def canonical_params(params, declared):
    """The declared parameters of `params` (a QueryDict, or sent_params()), each in its canonical form: {name: value}."""
    kept = {}
    for name, canonical in declared.items():
        value = params.get(name)  # the last value, as every view reads it
        if value is not None:
            value = canonical(value)
        if value is not None:
            kept[name] = value
    return kept


def sent_params(query_string):
    """
    The parameters of a WSGI QUERY_STRING as Django decodes them for request.GET ({name: the
    last value}, as every view reads them), without building a QueryDict; None when Django
    would refuse them (more than DATA_UPLOAD_MAX_NUMBER_FIELDS: TooManyFieldsSent, a 400).
    """
    raw = query_string.encode("iso-8859-1")  # as django.core.handlers.wsgi.get_bytes_from_wsgi
    try:
        text = raw.decode(settings.DEFAULT_CHARSET)
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-1")  # as QueryDict decodes it
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=settings.DEFAULT_CHARSET,
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:
        return None
    return dict(pairs)


def _page_query(page, query_string):
    """The canonical parameters of `page` in a query string, as (name, value) pairs; None: refused."""
    sent = sent_params(query_string)
    return None if sent is None else tuple(canonical_params(sent, page.query).items())


# The same search or page number is asked again and again: only short query strings are
# remembered, as addresses are.
_remembered_page_query = lru_cache(maxsize=2048)(_page_query)


def canonical_query(params, declared):
    """The declared parameters of `params` (a QueryDict), canonical, as a new QueryDict."""
    return QueryDict(urlencode(canonical_params(params, declared)))


def as_is(value):
    return value


def flag(value):
    """A parameter that is either "1" or not there (?print=1)."""
    return "1" if value == "1" else None


# What page_number() makes of anything that is not a page number: every paginated view
# refuses page 0 (Django's paginators and news.selectors.listings alike).
NO_PAGE = "0"


def page_number(value):
    """
    ?page= (or a sitemap's ?p=) in its one form: ASCII digits without leading zeros. Anything
    else (², ٣, ３: int() reads some of them as another spelling of a page) becomes NO_PAGE.
    """
    if not value:
        return None  # ?page= says nothing: the first page
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return str(int(value))
    return NO_PAGE


def is_public_answer(status_code, headers):
    """A successful page that anyone may see: what may be kept, and what counts as a view."""
    if status_code not in (200, 301):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered in ("set-cookie", "x-accel-redirect", "content-disposition"):
            return False
        if lowered == "cache-control":
            directives = {d.strip().lower() for d in cc_delim_re.split(value)}
            if directives & {"private", "no-cache", "no-store"}:
                return False
    return True


def _public_page_at(path):
    """(PublicPage, view kwargs) of the view at `path`, or None if it is no public page."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    page = getattr(match.func, "public_page", None)
    return (page, match.kwargs) if page is not None else None


# Addresses are the visitor's to choose: only short ones are remembered.
_remembered_public_page_at = lru_cache(maxsize=2048)(_public_page_at)


@receiver(setting_changed)
def _forget_public_pages(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "ADMIN_URL"):
        _remembered_public_page_at.cache_clear()
    if setting in ("ROOT_URLCONF", "DATA_UPLOAD_MAX_NUMBER_FIELDS", "DEFAULT_CHARSET"):
        _remembered_page_query.cache_clear()


class PageCache:
    def __init__(self, application):
        self.application = application
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, environ, start_response):
        target = self.target(environ)
        if target is None:
            return self.application(environ, start_response)
        name, page, count_key, cookies = target
        along = page.counts.along(count_key) if count_key is not None else None
        lookup = caching.look_up_page(name, along=along)
        if lookup.decision == caching.SERVE:
            status, headers, body = lookup.page
            start_response(status, headers)
            if count_key is not None and not lookup.counted:
                page.counts.record(count_key)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        if lookup.counted:
            environ[COUNTED] = True

        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        # Served to anyone, but kept only when built for nobody in particular.
        keep = self.session_cookie not in cookies and self.keepable(environ, answer, response)
        if keep:
            page_data = (answer["status"], [*answer["headers"], HIT_HEADER], response.content)
            caching.keep_page(name, lookup, page_data, settings.PAGE_CACHE_SECONDS)
        if lookup.counted and not is_public_answer(int(answer["status"][:3]), answer["headers"]):
            page.counts.take_back(count_key)
        return response

    def target(self, environ):
        """(cache name, PublicPage, count key, cookies) for a request the page cache handles, or None."""
        if settings.PAGE_CACHE_SECONDS <= 0 or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = get_path_info(environ)
        found = _remembered_public_page_at(path) if len(path) <= 256 else _public_page_at(path)
        if found is None:
            return None
        page, kwargs = found
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if is_staff_marker(cookies.get(STAFF_COOKIE)):
            return None  # staff always get fresh pages (and previews)
        # Read as Django reads it: headers such as HSTS differ between HTTP and HTTPS.
        scheme = forwarded_scheme(environ)
        query = ()
        sent = environ.get("QUERY_STRING")
        if page.query and sent:
            query = _remembered_page_query(page, sent) if len(sent) <= 256 else _page_query(page, sent)
            if query is None:
                return None  # Django refuses it (400), as it refuses request.GET
        # A HEAD request shows nothing to anyone: no view (as downloads count GETs only).
        count_key = page.counts.key(kwargs, dict(query)) if page.counts and environ["REQUEST_METHOD"] == "GET" else None
        # The Host header as sent: a host Django refuses never gets an entry (its 400 is not
        # kept), so none can be served for it.
        preferences = ReadingPreferences.from_cookies(cookies).cache_key_part
        raw = f"{scheme}|{environ.get('HTTP_HOST', '')}|{path}?{query!r}|{preferences}"
        return "page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest(), page, count_key, cookies

    def keepable(self, environ, answer, response):
        if not isinstance(response, HttpResponseBase) or response.streaming:
            return False
        # An answer with a CSRF token sets the CSRF cookie: is_public_answer refuses it.
        return is_public_answer(int(answer.get("status", "500")[:3]), answer.get("headers", []))
