"""Submissions anonymised before the retention job kept only the day keep only the day now.

The job anonymises a row once (it picks rows that still have answers), so rows it anonymised
earlier kept the minute they were made and the rules their answers fired.
"""

from zoneinfo import ZoneInfo

from django.db import migrations

SHANGHAI = ZoneInfo("Asia/Shanghai")


def keep_only_the_day(apps, schema_editor):
    Submission = apps.get_model("screening", "Submission")
    anonymised = Submission.objects.filter(answers={}).only("pk", "created_at")
    batch = []
    for submission in anonymised.iterator(chunk_size=2000):
        day = submission.created_at.astimezone(SHANGHAI)
        submission.created_at = day.replace(hour=0, minute=0, second=0, microsecond=0)
        submission.triggered_rules = []
        batch.append(submission)
        if len(batch) == 2000:
            Submission.objects.bulk_update(batch, ["created_at", "triggered_rules"])
            batch = []
    Submission.objects.bulk_update(batch, ["created_at", "triggered_rules"])


class Migration(migrations.Migration):
    dependencies = [("screening", "0007_version_number_bounds")]

    operations = [migrations.RunPython(keep_only_the_day, migrations.RunPython.noop)]
