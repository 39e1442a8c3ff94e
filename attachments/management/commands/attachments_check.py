"""`python manage.py attachments_check [--fix]`: files and attachment records that lost each other."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from ...models import Attachment, files_in_history

ROOT = "attachments"


def stored_files(storage, folder=ROOT):
    """Every file name under `folder` in the storage (file system or object store)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_files(storage, f"{folder}/{sub}")


class Command(BaseCommand):
    help = (
        "List attachment files that no record points to, and records whose file is missing. "
        "Files of deleted attachments that the revision history still names are kept (a "
        "reviewer may restore them) and are not orphans. With --fix, delete the orphan files "
        "(records without files are only listed: their article may need the file uploaded again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="delete files that no attachment record points to")

    def handle(self, *args, fix=False, **options):
        recorded = dict(Attachment.objects.values_list("file", "pk"))
        files = set(stored_files(default_storage))
        kept = (files - set(recorded)) & files_in_history()
        orphans = sorted(files - set(recorded) - kept)
        missing = sorted(name for name in recorded if name not in files)

        self.stdout.write(f"检查了 {len(files)} 个附件文件、{len(recorded)} 条附件记录。")
        if kept:
            self.stdout.write(f"已删除附件的文件 {len(kept)} 个，因历史版本仍可恢复而保留。")
        for name in orphans:
            if fix:
                default_storage.delete(name)
                self.stdout.write(f"已删除没有记录的文件：{name}")
            else:
                self.stdout.write(f"没有记录的文件：{name}")
        for name in missing:
            self.stdout.write(f"文件缺失的记录：附件 #{recorded[name]}（{name}）")
        if not orphans and not missing:
            self.stdout.write(self.style.SUCCESS("没有发现问题。"))
        elif orphans and not fix:
            self.stdout.write("使用 --fix 删除没有记录的文件。")
        unresolved = len(missing) + (0 if fix else len(orphans))
        if unresolved:
            # A non-zero exit status, so that a cron job can alert someone.
            raise CommandError(f"发现 {unresolved} 个问题。")
