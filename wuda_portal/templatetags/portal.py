from django import template

from ..frame import get_site_frame
from ..preferences import ReadingPreferences

register = template.Library()


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    """The footer the old site had: friend links, 版权所有, ICP, address, contacts, 技术支持."""
    frame = context.get("site_frame") or get_site_frame()
    return {"profile": frame.profile, "friend_links": frame.friend_links}


@register.inclusion_tag("includes/reading_tools.html", takes_context=True)
def reading_tools(context, font_sizes=True):
    """大/中/小 (unless the page has its own) and 关怀模式, as plain links back to this page."""
    request = context.get("request")
    return {
        "reading": context.get("reading") or ReadingPreferences(),
        "next": request.get_full_path() if request else "/",
        "font_sizes": font_sizes,
    }
