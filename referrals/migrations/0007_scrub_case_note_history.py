"""Admin history written before case notes were named "Case note N" holds their text.

Django's admin history (LogEntry) keeps each object's name when it is added, changed or deleted,
and the retention job does not touch it: the first 50 characters of a case note, a phone number
or the person's words among them, would outlive the note. The same text sits in the case's own
history entries as the added note's name.
"""

import json

from django.db import migrations


def scrub(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = dict(
        ContentType.objects.filter(
            app_label="referrals", model__in=["casenote", "referralcase"]
        ).values_list("model", "pk")
    )
    for entry in LogEntry.objects.filter(content_type_id=types.get("casenote")):
        entry.object_repr = f"Case note {entry.object_id}"
        entry.save(update_fields=["object_repr"])
    for entry in LogEntry.objects.filter(content_type_id=types.get("referralcase")):
        try:
            messages = json.loads(entry.change_message)
        except ValueError:
            continue  # a plain-text message: Django wrote no object names into those
        if not isinstance(messages, list):
            continue
        for message in messages:
            for detail in message.values() if isinstance(message, dict) else ():
                if isinstance(detail, dict) and detail.get("name") == "case note":
                    detail["object"] = "Case note"
        scrubbed = json.dumps(messages)
        if scrubbed != entry.change_message:
            entry.change_message = scrubbed
            entry.save(update_fields=["change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_case_notes_quoting_the_person"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
