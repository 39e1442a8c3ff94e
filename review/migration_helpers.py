"""
What data migrations use to give the workflow groups, 编辑 and 审核发布 (created by
news.migrations.0002_workflow_groups), permissions: those of a new model (pages, topics,
attachments), or others once they exist (`create_permissions_now`).

Migrations import this module: it imports no models (they take the historical ones from
`apps`), and a change to what it does changes what old migrations do on a fresh database.
"""

from django.contrib.auth.management import create_permissions

EDITORS = "编辑"
REVIEWERS = "审核发布"


def create_permissions_now(apps):
    """Permissions are normally created after all migrations ran; create them now, so that groups can hold them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_to_workflow_groups(apps, app_label, *, editors, reviewers):
    """
    Give 编辑 the permissions of `app_label` whose codenames are in `editors`, and 审核发布
    those in `reviewers`. A group that does not exist is left out (it is not created).
    """
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((EDITORS, editors), (REVIEWERS, reviewers)):
        for group in Group.objects.filter(name=name):
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=wanted))
