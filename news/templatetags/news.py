from django import template
from django.utils.safestring import mark_safe

from ..sanitize import sanitize_html

register = template.Library()


@register.filter
def rich_text(value):
    """
    An article body, ready to show. Bodies are sanitised when saved; this sanitises again
    on output so that a row that reached the table some other way (a bulk insert, a manual
    UPDATE) is safe too.
    """
    return mark_safe(sanitize_html(value))


@register.inclusion_tag("includes/nav.html", takes_context=True)
def main_nav(context, active=None):
    """The 栏目 navigation, with the current one marked."""
    tree = context.get("tree")
    return {"navigation": tree.navigation if tree else [], "active": active}


@register.inclusion_tag("includes/breadcrumb.html")
def breadcrumb(*categories):
    """当前位置：首页 > 栏目 [> 子栏目], 首页 once (the old site printed it twice)."""
    return {"trail": [c for c in categories if c]}
