"""
`python manage.py site_check`: the compliance self-check for cron or monitoring. Prints the
findings (or JSON with --json), keeps them for the check page and the workbench, and exits
with 1 when a single-veto (单项否决) finding exists, else 0.
"""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...compliance import SOON_DUE, run_check


class Command(BaseCommand):
    help = "检查栏目更新、失效链接、缺失的附件文件和错敏词；有单项否决问题时以状态码 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")

    def handle(self, *args, **options):
        report = run_check()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self.print_report(report)
        if report.has_veto:
            sys.exit(1)

    def print_report(self, report):
        say = self.stdout.write
        say(
            f"全站检查 {timezone.localtime(report.checked_at):%Y-%m-%d %H:%M}：检查 {report.articles} 篇已发布文章，用时 {report.seconds:.1f} 秒。"
        )
        say("")
        say("栏目更新：")
        for category in report.categories:
            mark = "✗" if category.is_veto else ("!" if category.state == SOON_DUE else " ")
            say(f" {mark} [{category.state_label}] {category.sentence()}（要求：{category.rule_label}）")
        sections = [
            (
                "失效链接",
                report.findings["broken_links"],
                lambda f: f"文章 #{f['article_id']}“{f['article_title']}”：{f['problem']}：{f['url']}",
            ),
            (
                "缺失文件的附件",
                report.findings["missing_files"],
                lambda f: (
                    f"附件 #{f['attachment_id']}“{f['title']}”（文章 #{f['article_id']}）：文件 {f['file']} 不存在"
                ),
            ),
            (
                "已发布内容中的错敏词",
                report.findings["wording"],
                lambda f: f"{f['kind']} #{f['object_id']}“{f['title']}”：{f['text']}",
            ),
        ]
        for title, items, line in sections:
            say("")
            say(f"{title}：{len(items)} 处" + ("" if items else "，未发现问题。"))
            for item in items:
                say(f"   {line(item)}")
        say("")
        if report.has_veto:
            vetoes = len(report.veto_categories) + len(report.serious_wording)
            say(self.style.ERROR(f"有 {vetoes} 项单项否决问题，请尽快处理。"))
        else:
            say(self.style.SUCCESS("没有单项否决问题。"))
