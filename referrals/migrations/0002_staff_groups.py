"""Staff roles as Django groups, with the permissions each role needs and no more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Crisis team": {
        "referrals": {"referralcase": ["view", "change", "view_phone"], "casenote": ["view", "add"]},
        "referrals.hotline": ["view"],
        # The linked submission is shown on the case page; 0003 took the submissions list away.
    },
    "Clinician": {
        "screening": {
            model: ["view", "add", "change", "delete"]
            for model in [
                "questionnaire",
                "questionnaireversion",
                "question",
                "option",
                "scoreband",
                "itemrule",
                "channel",
            ]
        }
        | {"submission": ["view"]},
        "content": {
            model: ["view", "add", "change", "delete"]
            for model in ["article", "topic", "livestream", "experthours"]
        },
        "referrals": {"hotline": ["view", "add", "change"]},
    },
    "Content editor": {
        "content": {
            model: ["view", "add", "change", "delete"]
            for model in ["article", "topic", "livestream", "experthours"]
        },
    },
}


def codename(action: str, model: str) -> str:
    return action if action.startswith("view_") and action != "view" else f"{action}_{model}"


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_roles(Group, Permission):
    """Create each role's group with its permissions (idempotent; tests call it after a flush)."""
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, models in grants.items():
            if "." in app_label:
                app_label, model = app_label.split(".")
                models = {model: models}
            for model, actions in models.items():
                for action in actions:
                    group.permissions.add(
                        Permission.objects.get(
                            content_type__app_label=app_label,
                            content_type__model=model,
                            codename=codename(action, model),
                        )
                    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0001_initial"),
        ("screening", "0001_initial"),
        ("content", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
