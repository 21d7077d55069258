"""The statistics dashboard's known data: seven submissions in March 2026, three cases."""

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from config.national import CHINA_TIME
from referrals.models import ReferralCase
from screening.dashboard import StatisticsForm
from screening.models import Channel, QuestionnaireVersion, Submission

URL = "/admin/statistics/"
CSV_URL = "/admin/statistics/export.csv"
RANGE = {"from": "2026-03-02", "to": "2026-03-15"}
PHONE = "13912345678"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

ANSWERS = {
    ("phq-9", "mild"): (0, 0, 0, 0, 0, 0, 0, 0, 0),
    ("phq-9", "moderate"): (2, 2, 2, 2, 2, 0, 0, 0, 0),
    ("phq-9", "severe"): (3, 3, 3, 3, 3, 0, 0, 0, 0),
    ("phq-9", "crisis"): (0, 0, 0, 0, 0, 0, 0, 0, 1),
    ("gad-7", "mild"): (0, 0, 0, 0, 0, 0, 0),
    ("gad-7", "moderate"): (2, 2, 2, 2, 2, 0, 0),
    ("gad-7", "severe"): (3, 3, 3, 3, 3, 0, 0),
}


def local(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=CHINA_TIME)


def submit(slug: str, kind: str, channel: str | None, at: datetime) -> Submission:
    version = QuestionnaireVersion.objects.current_for(slug)
    prefix = slug.replace("-", "")
    answers = {f"{prefix}_{i}": v for i, v in enumerate(ANSWERS[slug, kind], 1)}
    submission = Submission.create_from_answers(
        version=version,
        answers=answers,
        language="zh-hans",
        channel=Channel.objects.get(code=channel) if channel else None,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=at)
    submission.created_at = at
    return submission


def open_case(submission, *, after: timedelta, contacted_after=None, status="new", phone=PHONE):
    created = submission.created_at + after
    return ReferralCase.objects.create(
        submission=submission,
        phone=phone,
        consent_at=created,
        created_at=created,
        requested_at=created,
        status=status,
        first_contact_at=created + contacted_after if contacted_after else None,
    )


@pytest.fixture(autouse=True)
def break_down_every_case(settings):
    # The known data has three cases: below the default threshold of 5, which
    # test_few_cases_are_not_broken_down holds on its own (0 shows every count).
    settings.STATISTICS_FEWEST_CASES = 0


@pytest.fixture
def known(channels):
    """Seven submissions from 2 to 15 March 2026 (Shanghai days), two outside, three cases."""
    Channel.objects.create(code="chaoyang", name="朝阳区某社区", region="110105")
    Channel.objects.create(code="unplaced", name="No region yet", region="")
    s = {
        # 00:30 in Shanghai is still 1 March in UTC: days must be Shanghai days.
        1: submit("phq-9", "mild", "demo", local("2026-03-02", 0, 30)),
        2: submit("phq-9", "moderate", "demo", local("2026-03-02", 10)),
        3: submit("phq-9", "crisis", "demo-gansu", local("2026-03-02", 15)),
        4: submit("gad-7", "severe", "demo-gansu", local("2026-03-03", 23, 30)),
        5: submit("gad-7", "mild", None, local("2026-03-03", 9)),
        6: submit("phq-9", "crisis", "chaoyang", local("2026-03-09", 8)),
        7: submit("gad-7", "moderate", "unplaced", local("2026-03-09", 12)),
        # Outside the range: the evening before, and midnight after (15 March 16:00 UTC).
        8: submit("phq-9", "mild", "demo", local("2026-03-01", 23, 59)),
        9: submit("phq-9", "crisis", "demo", local("2026-03-16", 0)),
    }
    minutes = timedelta(minutes=1)
    open_case(s[3], after=2 * minutes, contacted_after=10 * minutes, status="contacted")
    open_case(s[6], after=2 * minutes, contacted_after=45 * minutes, status="closed")
    open_case(s[4], after=5 * minutes)
    open_case(s[9], after=minutes, contacted_after=5 * minutes, status="contacted")
    return s


def summary(**filters):
    form = StatisticsForm({**RANGE, **filters})
    assert form.is_valid(), form.errors
    return form.summary()


def counts(total, mild, moderate, severe, crisis):
    return {"total": total, "mild": mild, "moderate": moderate, "severe": severe, "crisis": crisis}


def staff(client, group=None, *, superuser=False):
    user = User.objects.create_user(
        f"user-{group or 'super'}", password="x", is_staff=True, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(body[1:])))
