from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["add_attachment", "change_attachment", "delete_attachment", "view_attachment"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="attachments", codename__in=PERMISSIONS)
    # Both the editors and the reviewers of the news workflow attach files.
    for group in Group.objects.filter(name__in=["编辑", "审核发布"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0001_initial"),
        ("news", "0002_workflow_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
