from django import template
from django.utils.safestring import mark_safe

from ..sanitize import sanitize_html

register = template.Library()


@register.filter
def rich_text(value):
    """
    An article body, ready to show: the one definition of "sanitised on output". Bodies
    are sanitised when saved; this sanitises again on output so that a row that reached
    the table some other way (a bulk insert, a manual UPDATE, an older sanitiser) is safe
    too. The public pages (from Jinja2: wuda_portal.jinja2, and news.selectors) and the
    feeds (news.feeds) all show bodies through it.
    """
    return mark_safe(sanitize_html(value))  # sanitised by nh3 just now
