from django import template

from ..sanitize import safe_html

register = template.Library()

# An article body, ready to show (news.sanitize.safe_html); the public pages use it from
# Jinja2 (wuda_portal.jinja2).
register.filter("rich_text", safe_html)
