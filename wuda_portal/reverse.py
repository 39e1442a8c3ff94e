"""reverse() for the URLs a page links to by the dozen (articles, 栏目)."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# Valid for both the int and the slug converters, and found nowhere else in a URL.
_MARKER = "9081726354"


@lru_cache(maxsize=64)
def _template(viewname, script_prefix):
    return reverse(viewname, args=[_MARKER]).replace(_MARKER, "{}")


def reverse_one(viewname, argument):
    """
    reverse(viewname, args=[argument]) for a URL with a single int or slug argument. Django
    walks its resolver on every reverse(); a list page links to dozens of articles, so the
    URL's shape is worked out once and filled in.
    """
    return _template(viewname, get_script_prefix()).format(argument)
