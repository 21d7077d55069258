"""The crisis team sees a submission on its case page only: not the list, not the statistics."""

from django.db import migrations


def permission(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="screening", codename="view_submission"
    )


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Crisis team"):
        group.permissions.remove(*permission(apps))


def grant_again(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Crisis team"):
        group.permissions.add(*permission(apps))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_staff_groups")]

    operations = [migrations.RunPython(revoke, grant_again)]
