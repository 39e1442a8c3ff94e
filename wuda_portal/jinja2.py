"""
The Jinja2 environment of the public pages (templates/). Jinja2 renders them several
times faster than Django's template language, which matters on every page the page cache
does not hold; the admin keeps Django's templates.

Like urls.py, this is where the apps meet: the filters of news are registered here.
"""

from functools import lru_cache
from urllib.parse import urlencode

from django.core.exceptions import TooManyFieldsSent
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.timezone import is_aware, localtime
from jinja2 import Environment, pass_context
from markupsafe import Markup

from core.caching import current_version
from core.phones import phone_links
from news.sanitize import safe_html as rich_text


@lru_cache(maxsize=128)
def _plain_url(name, script_prefix):
    return reverse(name)


def url(name, *args, **kwargs):
    """{% url %} for Jinja2. The URLs without arguments every page links to are worked out once."""
    if not args and not kwargs:
        return _plain_url(name, get_script_prefix())
    return reverse(name, args=args or None, kwargs=kwargs or None)


FAST_FORMATS = {
    "Y-m-d": lambda value: value.strftime("%Y-%m-%d"),
    "Y-m-d H:i": lambda value: value.strftime("%Y-%m-%d %H:%M"),
    "c": lambda value: value.isoformat(),
}


def date(value, format_string="Y-m-d"):
    """Django's date filter, in the site's time zone as Django's templates show dates."""
    if not value:
        return ""
    if is_aware(value):
        value = localtime(value)
    fast = FAST_FORMATS.get(format_string)  # the formats of every list, without Django's formatter
    return fast(value) if fast else django_date(value, format_string)


def iso_datetime(value):
    """A moment for <time datetime> and article:published_time: to the second (HTML allows
    no more than milliseconds, and readers need no more than seconds), with the offset."""
    if not value:
        return ""
    if is_aware(value):
        value = localtime(value)
    return value.replace(microsecond=0).isoformat()


@lru_cache(maxsize=256)
def cached_static(path):
    """{% static %}: the manifest of hashed names does not change while the process runs."""
    return static(path)


_fragments = {}
FRAGMENT_LIMIT = 1024


@pass_context
def fragment(context, template_name, **variant):
    """
    Render an include that depends only on the content (navigation, footer ...) and on
    `variant`, once per content version: every page of the site shows the same few.
    Outside a request (the error pages) it is simply rendered.
    """
    version = current_version()
    key = (template_name, version, tuple(sorted(variant.items())))
    html = _fragments.get(key) if version is not None else None
    if html is None:
        # Markup: the output of an autoescaping template, not text to trust as it is.
        html = Markup(context.environment.get_template(template_name).render({**context.get_all(), **variant}))  # noqa: S704
        if version is not None:
            if len(_fragments) >= FRAGMENT_LIMIT:
                _fragments.clear()
            _fragments[key] = html
    return html


@pass_context
def preferences_url(context, **choices):
    """The link that sets a reading preference and comes back to the page it is on."""
    request = context.get("request")
    if request is not None:
        # The parameters the page reads (a public page is handed only those): a kept page
        # holds nothing of what its first visitor's address said besides.
        try:
            query = request.GET.urlencode()
        except TooManyFieldsSent:
            query = ""  # the page is Django's 400 or 404 for that address: come back without them
        choices["next"] = f"{request.path}?{query}" if query else request.path
    return f"{url('portal:preferences')}?{urlencode(choices)}"


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(static=cached_static, url=url, fragment=fragment, preferences_url=preferences_url)
    env.filters.update(
        date=date,
        iso_datetime=iso_datetime,
        filesizeformat=filesizeformat,
        rich_text=rich_text,
        phone_links=phone_links,
    )
    return env
