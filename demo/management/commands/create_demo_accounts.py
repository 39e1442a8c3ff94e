"""`python manage.py create_demo_accounts`: an admin, an editor and a reviewer to try the admin with."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from ...review_work import give_review_work_to_demo_accounts

ACCOUNTS = [
    # (username, group or None for the superuser, description)
    ("admin", None, "管理员（全部权限）"),
    ("editor", "编辑", "编辑（撰写、提交审核）"),
    ("reviewer", "审核发布", "审核发布（审核、发布、撤回）"),
]


class Command(BaseCommand):
    help = "Create the demo accounts that do not exist yet and print their passwords, once."

    def handle(self, *args, **options):
        User = get_user_model()
        lines = []
        for username, group_name, description in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                lines.append(f"  {username:<9} {description}：账号已存在，密码未改变")
                continue
            password = secrets.token_urlsafe(12)
            if group_name is None:
                User.objects.create_superuser(username, password=password)
            else:
                user = User.objects.create_user(username, password=password, is_staff=True)
                user.groups.add(Group.objects.get(name=group_name))
            lines.append(f"  {username:<9} {description}：密码 {password}")
        give_review_work_to_demo_accounts()
        self.stdout.write("演示账号（新密码只在这里显示一次，请记下）：")
        self.stdout.write("\n".join(lines))
