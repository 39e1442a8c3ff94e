"""Images the sanitiser removed from a body on save are named to the editor who saved it."""

import re

from django.contrib import messages

# Counted in the body as sent and as stored (news.sanitize drops an image the site cannot
# show: pasted from Word it points at file:///C:/…; a data: URL; another host).
_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


class BodyImagesAdmin:
    """A mixin for the admin of a model whose `save()` sanitises its `body`."""

    def save_model(self, request, obj, form, change):
        sent = len(_IMAGE.findall(obj.body or ""))
        super().save_model(request, obj, form, change)
        removed = sent - len(_IMAGE.findall(obj.body or ""))
        if removed > 0:
            messages.warning(
                request,
                f"正文中有 {removed} 张图片是从 Word、本机或其他网站直接粘贴的，网站无法显示，已经移除。"
                "请用编辑器工具栏的「上传图片」按钮重新上传。",
            )
