"""Who edits hotlines edits local services too; the crisis team sees them, as it sees hotlines."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {"Clinician": ["view", "add", "change"], "Crisis team": ["view"]}


def grant(Group, Permission):
    """Idempotent; tests call it after a flush, as they do 0002_staff_groups's grant_roles."""
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="referrals",
                codename__in=[f"{action}_localservice" for action in ROLES[group.name]],
            )
        )


def forward(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    config = apps.get_app_config("referrals")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0009_local_services")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
