from django import template
from django.utils.safestring import mark_safe

from ..sanitize import sanitize_html

register = template.Library()


@register.filter
def rich_text(value):
    """
    An article body, ready to show. Bodies are sanitised when saved; this sanitises again
    on output so that a row that reached the table some other way (a bulk insert, a manual
    UPDATE) is safe too. (The public pages use it from Jinja2: wuda_portal.jinja2.)
    """
    return mark_safe(sanitize_html(value))  # sanitised by nh3 just now
