from django.db import migrations


def create_profile(apps, schema_editor):
    # The defaults are the old site's footer (see SiteProfile).
    apps.get_model("wuda_portal", "SiteProfile").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("wuda_portal", "0001_initial")]

    operations = [migrations.RunPython(create_profile, migrations.RunPython.noop)]
