"""Who edits expert hours edits their pauses too (the pauses are an inline of the hours)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Clinician", "Content editor"]
ACTIONS = ["view", "add", "change", "delete"]


def grant(Group, Permission):
    """Idempotent; tests call it after a flush, as they do 0002_staff_groups's grant_roles."""
    permissions = Permission.objects.filter(
        content_type__app_label="content",
        codename__in=[f"{action}_hourspause" for action in ACTIONS],
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


def forward(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    config = apps.get_app_config("content")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_hours_pauses"),
        ("referrals", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
