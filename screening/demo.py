"""The demo `make run` starts: a staff login and made-up submissions for the statistics.

Both refuse anything but a development database: with DEBUG off the database is taken to be a
real one, and only the default SQLite file is used unless the caller says another one is a demo.
"""

import random
import secrets
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from referrals.models import ReferralCase
from screening.models import Channel, QuestionnaireVersion, Submission

DEMO_USER = "demo"
# Demo posters besides the fixtures' two, so the statistics have regions to compare: Guizhou,
# Yunnan, Sichuan and Henan (GB/T 2260 county codes).
DEMO_CHANNELS = {
    "demo-guizhou": ("示例海报：贵州省毕节市七星关区", "520502"),
    "demo-yunnan": ("示例海报：云南省昭通市昭阳区", "530602"),
    "demo-sichuan": ("示例海报：四川省凉山州西昌市", "513401"),
    "demo-henan": ("示例海报：河南省周口市川汇区", "411602"),
}
DEMO_WEEKS = 12
# How heavy people's answers lean, from none to most: most screens come out minimal or mild.
LEANINGS = {0.1: 45, 0.35: 30, 0.6: 17, 0.85: 8}
# Of the people with a self-harm question, so few answer it above its lowest that the crisis
# team's queue has a handful of cases, as a small county's would.
SELF_HARM_SHARE = 0.015


def refuse_unless_demo(*, any_database: bool = False) -> None:
    """CommandError unless this is a development set-up: DEBUG on, and the default SQLite
    database unless ``any_database`` says another one is a demo too."""
    if not settings.DEBUG:
        raise CommandError(
            "Refused: DEBUG is off, so this database is taken to be a real one. The demo "
            "commands only run with DEBUG on (`make run`), never on a production database."
        )
    if connection.vendor != "sqlite" and not any_database:
        raise CommandError(
            f"Refused: the database is {connection.vendor} ({connection.settings_dict['NAME']}), "
            "not the demo's SQLite file. Pass --any-database if it is a demo database too."
        )


def demo_login() -> tuple[str, str]:
    """Make (or refresh) the superuser ``demo`` with a new random password: (user, password)."""
    password = secrets.token_urlsafe(12)
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USER)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    # A demo login locked out by mistyped passwords would be locked for an hour.
    AccessAttempt.objects.filter(username=DEMO_USER).delete()
    return DEMO_USER, password


def demo_channels() -> list[Channel]:
    """Every active channel, with the demo's posters in four more provinces added."""
    for code, (name, region) in DEMO_CHANNELS.items():
        Channel.objects.get_or_create(code=code, defaults={"name": name, "region": region})
    return list(Channel.objects.filter(active=True))


def made_up_answers(version: QuestionnaireVersion, rng: random.Random) -> dict[str, int]:
    """One person's answers: each question near a leaning drawn for the person."""
    leaning = rng.choices(list(LEANINGS), list(LEANINGS.values()))[0]
    answers = {}
    for question in version.questions.all():
        values = sorted(o.value for o in question.options.all())
        if not values:
            continue
        if question.safety_item and rng.random() >= SELF_HARM_SHARE:
            answers[question.code] = values[0]
            continue
        place = min(len(values) - 1, max(0, round(rng.gauss(leaning, 0.25) * (len(values) - 1))))
        answers[question.code] = values[place]
    return answers


def fill(count: int, *, seed: int | None = None) -> tuple[int, int]:
    """Store ``count`` made-up submissions over the last weeks, scored by the real scoring, and
    call-back cases for some crisis ones: (submissions, cases) made."""
    rng = random.Random(seed)
    versions = live_versions()
    if not versions:
        raise CommandError("No questionnaire is published: load the fixtures first.")
    channels = demo_channels()
    now = timezone.now()
    submissions = []
    for _ in range(count):
        # PHQ-9 (the first) about twice as often as the others; more people in recent weeks.
        version = rng.choices(versions, [2] + [1] * (len(versions) - 1))[0]
        result = version.score(made_up_answers(version, rng))
        at = now - timedelta(days=DEMO_WEEKS * 7 * rng.random() ** 1.4, minutes=rng.random())
        submission = Submission.scored(
            version=version,
            result=result,
            language="zh-hans",
            channel=rng.choice([*channels, None]),
        )
        submission.created_at = at
        submissions.append(submission)
    with transaction.atomic():
        made = Submission.objects.bulk_create(submissions, batch_size=500)
        cases = ReferralCase.objects.bulk_create(
            [demo_case(s, i, rng) for i, s in enumerate(x for x in made if x.crisis)]
        )
    return len(made), len(cases)


def live_versions() -> list[QuestionnaireVersion]:
    """The live version of every published questionnaire, in the questionnaires' order."""
    live = {}
    for version in QuestionnaireVersion.objects.published().order_by("questionnaire", "-number"):
        live.setdefault(version.questionnaire_id, version.pk)
    by_pk = QuestionnaireVersion.objects.with_definition().in_bulk(live.values())
    return [by_pk[pk] for pk in live.values()]


def demo_case(submission: Submission, number: int, rng: random.Random) -> ReferralCase:
    """A call-back case for a crisis submission: recent ones new, older ones dealt with."""
    asked = submission.created_at + timedelta(minutes=2)
    age = timezone.now() - asked
    status = ReferralCase.Status.NEW if age < timedelta(days=2) else rng.choice(
        [ReferralCase.Status.CLOSED, ReferralCase.Status.CLOSED, ReferralCase.Status.UNREACHABLE]
    )  # fmt: skip
    contacted = None if status == ReferralCase.Status.NEW else asked + timedelta(minutes=20)
    return ReferralCase(
        submission=submission,
        # 138-0013-8xxx: the made-up numbers of Chinese examples, never a real person's.
        phone=f"1380013{8000 + number:04d}",
        consent_at=asked,
        created_at=asked,
        requested_at=asked,
        status=status,
        first_contact_at=contacted,
        contacted_at=contacted,
        closed_at=contacted,
    )
