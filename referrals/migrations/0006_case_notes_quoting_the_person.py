from django.db import migrations, models


def mark_existing(apps, schema_editor):
    # The service's own notes on repeat requests (no author), in either language they were
    # written in, quote the person.
    CaseNote = apps.get_model("referrals", "CaseNote")
    for opening in ("The person asked again for a call back.", "此人再次请求回电。"):
        CaseNote.objects.filter(author=None, text__startswith=opening).update(quotes_person=True)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_case_waiting_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="casenote",
            name="quotes_person",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="quotes the person"
            ),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
