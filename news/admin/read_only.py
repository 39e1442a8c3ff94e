"""
Django's 查看 page of an article or single page one may not edit: the body as residents will
see it (not its HTML as text) and the reason at the top.
"""

from django.templatetags.static import static
from django.utils.html import escape, format_html

from ..sanitize import safe_html as rich_text


def reason_html(reason):
    """The reason one may not edit, in the look of the admin's messages (a fieldset's description is HTML)."""
    return format_html('<ul class="messagelist"><li class="warning">{}</li></ul>', reason)


def body_as_residents_see_it(obj, open_label):
    """
    `obj.body` in a document of its own with the public stylesheet: it looks as on the public
    page, and the admin's styles do not reach it. Sanitised again on output (rich_text), as
    the public page does; the sandbox runs no script either way. Then a link to the page.
    """
    document = format_html(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="{}"></head><body><article class="article">'
        '<div class="article-body">{}</div></article></body></html>',
        static("css/site.css"),
        rich_text(obj.body),
    )
    return format_html(
        '<iframe class="article-body-view" title="正文（公众看到的样子）" sandbox="allow-same-origin" srcdoc="{}" '
        'style="width: 760px; max-width: 100%; height: 560px; border: 1px solid #ccc; resize: vertical;"></iframe>'
        '<p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
        escape(document),  # an attribute's value: escaped although (because) it is safe HTML
        obj.get_absolute_url(),
        open_label,
    )
