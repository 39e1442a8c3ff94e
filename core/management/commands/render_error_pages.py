"""`python manage.py render_error_pages FOLDER`: the pages nginx answers its own errors with."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.template.loader import render_to_string

from core.frame import get_site_frame, offline_site_frame


def error_pages():
    """{status: (heading, message)} of the errors nginx answers without Django (deploy/nginx.conf)."""
    upload_limit = settings.ATTACHMENT_MAX_SIZE // (1024 * 1024)
    return {
        # 400 and 405 as Django's own pages say them (templates/400.html, 405.html).
        400: ("请求有误", "服务器无法处理这个请求，请检查网址是否完整、正确。仍不行时，请清除浏览器的浏览记录后再试。"),
        404: ("页面不存在", "您访问的页面不存在，可能已被删除、移动，或网址有误。"),
        405: (
            "不支持这种访问方式",
            "这个网址只供浏览阅读，不接受提交内容或其他请求方式。请直接在浏览器中打开它；要查找内容，请使用站内搜索。",
        ),
        413: ("上传的内容太大", f"上传的文件不能超过 {upload_limit} MB，请压缩或拆分后再上传。"),
        414: ("网址太长", "您访问的网址太长，本站无法处理。请检查网址是否完整、正确。"),
        429: ("访问过于频繁", "您的请求太频繁了，请稍等片刻再试。"),
        502: ("网站暂时无法访问", "服务器正在重启或维护，请稍后刷新页面。"),
        503: ("网站暂时无法访问", "网站正在维护或繁忙，请稍后再试。"),
        504: ("服务器响应超时", "服务器处理时间过长，请稍后再试。"),
    }


class Command(BaseCommand):
    help = (
        "Write the error pages nginx shows for the errors it answers itself (a request it "
        "cannot take, too large an upload, too many requests, app servers unreachable, a "
        "missing static file) into "
        "FOLDER, in the site's look. Run it after collectstatic: the pages link the hashed "
        "static files."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="where nginx's error_page finds them (deploy/nginx.conf)")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        try:
            frame = get_site_frame()
        except DatabaseError:
            frame = offline_site_frame()  # the default profile: still the site's name and look
        for status, (heading, message) in error_pages().items():
            html = render_to_string(
                "nginx_error.html",
                {"site_frame": frame, "code": str(status), "heading": heading, "message": message},
            )
            # Replaced in one step: nginx never serves half a page.
            partial = target / f".{status}.html.new"
            partial.write_text(html, encoding="utf-8")
            os.replace(partial, target / f"{status}.html")
        self.stdout.write(f"已写入 {len(error_pages())} 个错误页面：{target}")
