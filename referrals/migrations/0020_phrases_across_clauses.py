"""Means named in one clause and the act in the next (家里还有一瓶敌敌畏，我想喝了): phrases
over a comma ("……"), and the everyday drinks and meals that must not read as such an act.
"""

from importlib import import_module

# Made by Django 5.2.20 on 2026-12-07 05:28

from django.db import migrations, models


# (category, phrase, examples that must match, examples that must not), as in 0012.
LEXICON_ACROSS_CLAUSES = [
    (
        "means",
        "农药……喝",
        ["农药买回来了，今晚就喝", "农药就在床底下，我想喝了"],
        ["农药打完了，喝口水歇歇", "农药买回来了，我不会喝"],
    ),
    (
        "means",
        "敌敌畏……喝",
        ["家里还有一瓶敌敌畏，我想喝了"],
        ["敌敌畏打完了，喝口水", "我哥买了敌敌畏，他说想喝"],
    ),
    ("means", "百草枯……喝", ["百草枯就在棚子里，我想喝了"], ["百草枯打完了，喝口水"]),
    ("means", "草甘膦……喝", ["草甘膦还剩半瓶，我想喝了"], ["草甘膦打完了，喝杯茶"]),
    ("means", "老鼠药……吃", ["老鼠药在柜子里，我想吃了"], ["老鼠药放好了，吃饭吧"]),
    ("not_risk", "喝口水", ["农药打完了，喝口水歇歇"], ["农药买回来了，今晚就喝"]),
    ("not_risk", "喝水", ["敌敌畏打完了，回家喝水"], ["喝水的时候想喝农药"]),
    ("not_risk", "喝杯茶", ["草甘膦打完了，喝杯茶"], ["家里还有一瓶敌敌畏，我想喝了"]),
    ("not_risk", "吃饭", ["老鼠药放好了，吃饭吧"], ["老鼠药在柜子里，我想吃了"]),
]


def load_lexicon(CrisisPhrase):
    """Add these phrases where missing (idempotent; tests call it after a flush)."""
    shipped = import_module("referrals.migrations.0012_shipped_crisis_lexicon")
    shipped.load_lexicon(CrisisPhrase, LEXICON_ACROSS_CLAUSES)


def forward(apps, schema_editor):
    load_lexicon(apps.get_model("referrals", "CrisisPhrase"))


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0019_alert_delivered_to'),
    ]

    operations = [
        migrations.AlterField(
            model_name='crisisphrase',
            name='phrase',
            field=models.CharField(help_text='Words as people write them; “…” stands for up to 6 characters of the same clause (喝…农药), “……” for up to 12 of the same sentence, over commas (敌敌畏……喝). Traditional characters, full-width letters and spaces are read alike.', max_length=60, unique=True, verbose_name='phrase'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
