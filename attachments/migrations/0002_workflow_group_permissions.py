from django.db import migrations

from review.migration_helpers import grant_to_workflow_groups

PERMISSIONS = ["add_attachment", "change_attachment", "delete_attachment", "view_attachment"]


def grant(apps, schema_editor):
    # Both the editors and the reviewers of the news workflow attach files.
    grant_to_workflow_groups(apps, "attachments", editors=PERMISSIONS, reviewers=PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0001_initial"),
        ("news", "0002_workflow_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
