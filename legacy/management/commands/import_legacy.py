"""`python manage.py import_legacy PATH [PATH ...]`: bring the old site's articles over."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from news.models import Article

from ...importer import PageRefused, apply_footer, import_page
from ...parser import NotAnArticlePage, decode, parse

LABELS = {"created": "新建", "updated": "更新", "unchanged": "未变", "failed": "失败"}


def page_files(paths):
    """The files named, and every file in the folders named (recursively), in order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


class Command(BaseCommand):
    help = (
        "Import pages of the old site (text dumps, UTF-8 or GBK) as articles. Running it again "
        "creates nothing and updates what changed. Exit status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="page files, or folders to search recursively")
        parser.add_argument("--attachments-dir", help="folder holding the files the pages list under 附件")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            default=Article.Status.DRAFT,
            help="state of new articles (default draft, so that a reviewer looks first)",
        )
        parser.add_argument("--footer", action="store_true", help="also fill the site profile from the footer")

    def handle(self, *args, paths, attachments_dir, dry_run, status, footer, **options):
        for path in paths:
            if not Path(path).exists():
                raise CommandError(f"找不到 {path}")
        if attachments_dir and not Path(attachments_dir).is_dir():
            raise CommandError(f"附件目录 {attachments_dir} 不存在")
        files = list(page_files(paths))
        counts = dict.fromkeys(LABELS, 0)
        footer_done = False
        interactive = self.stdout.isatty() and len(files) > 1
        progress = tqdm(files, unit="页", disable=not interactive, file=sys.stderr)
        say = progress.write if interactive else self.stdout.write
        if dry_run:
            say("试运行：不会写入任何内容。")

        for path in progress:
            try:
                page = parse(decode(path.read_bytes()))
            except (NotAnArticlePage, OSError) as problem:
                counts["failed"] += 1
                say(f"[失败] {path}：{problem}")
                continue
            try:
                outcome = import_page(page, status=status, attachments_dir=attachments_dir, dry_run=dry_run)
            except PageRefused as refusal:
                counts["failed"] += 1
                say(f"[失败] {path}：{refusal}")
                continue
            except Exception as problem:  # one bad page never stops the others
                counts["failed"] += 1
                say(f"[失败] {path}：{type(problem).__name__}: {problem}")
                continue
            counts[outcome.status] += 1
            if not interactive or outcome.status != "unchanged" or outcome.warnings or outcome.missing_attachments:
                say(
                    f"[{LABELS[outcome.status]}] {path} → {outcome.title}"
                    + (f"（文章 #{outcome.article_id}）" if outcome.article_id else "")
                )
            for warning in outcome.warnings:
                say(f"    发布前检查：{warning}")
            for name in outcome.missing_attachments:
                say(f"    缺少附件文件：{name}")
            if footer and not footer_done and page.footer.filled():
                if not dry_run:
                    changed = apply_footer(page.footer)
                    say(f"    已用页脚更新站点信息：{'、'.join(changed)}")
                footer_done = True

        summary = "，".join(f"{LABELS[k]} {v}" for k, v in counts.items())
        self.stdout.write(f"共 {len(files)} 个文件：{summary}。" + ("（试运行，未写入）" if dry_run else ""))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} 个文件导入失败，原因见上。")
