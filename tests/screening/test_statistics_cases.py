"""The statistics' call-back figures: contact within 30 minutes of each case's latest request."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User

from config.national import CHINA_TIME
from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission
from screening.statistics import cases

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 4, 9, 0, tzinfo=CHINA_TIME)
CRISIS = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}


@pytest.fixture(autouse=True)
def break_down_every_case(settings):
    settings.STATISTICS_FEWEST_CASES = 0


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def ask(submission: Submission | None = None) -> ReferralCase:
    """A call-back request, as the page and the API make it: a new case, or the open one."""
    if submission is None:
        version = QuestionnaireVersion.objects.current_for("phq-9")
        submission = Submission.create_from_answers(
            version=version, answers=CRISIS, language="zh-hans"
        )
    return request_callback(submission=submission, phone="13912345678")[0]


def move_on(case: ReferralCase, status: str = "contacted") -> ReferralCase:
    """What the team's saving the case page does: the case moves on from New."""
    case = ReferralCase.objects.get(pk=case.pk)
    case.status = status
    case.save()
    return case


def figures() -> dict:
    return cases(Submission.objects.all())


def test_a_case_contacted_in_20_minutes_is_within_target(questionnaires, clock):
    case = ask()
    clock.shift(timedelta(minutes=20))
    move_on(case)
    numbers = figures()
    assert (numbers["total"], numbers["contacted"], numbers["within_target"]) == (1, 1, 1)
    assert numbers["share_within_target"] == 1


def test_a_contact_after_asking_again_is_timed_from_the_new_request(questionnaires, clock):
    case = ask()
    clock.shift(timedelta(minutes=10))
    move_on(case)
    clock.shift(timedelta(hours=2))
    ask(case.submission)
    clock.shift(timedelta(minutes=45))
    case = move_on(case)
    numbers = figures()
    assert numbers["within_target"] == 0, "called back 45 minutes after the new request"
    assert numbers["share_within_target"] == 0
    assert case.first_contact_at == START + timedelta(minutes=10), "the history stays"
    assert case.contacted_at == START + timedelta(hours=2, minutes=55)
    # The median is each person's wait for the team's first call: 10 minutes here.
    assert numbers["median_minutes"] == pytest.approx(10)


def test_a_case_waiting_again_is_not_within_target_but_waiting(questionnaires, clock):
    case = ask()
    clock.shift(timedelta(minutes=10))
    move_on(case)
    clock.shift(timedelta(hours=1))
    ask(case.submission)
    clock.shift(timedelta(minutes=5))
    numbers = figures()
    assert numbers["within_target"] == 0, "nobody has called back since the new request"
    assert numbers["by_status"]["new"] == 1
    assert numbers["contacted"] == 1, "contacted once, as the record says"
    # Taking the case from an alert is not calling the person.
    ReferralCase.objects.get().acknowledge(User.objects.create_user("wang", is_staff=True))
    assert figures()["within_target"] == 0


def test_a_contact_soon_after_asking_again_is_within_target(questionnaires, clock):
    case = ask()
    clock.shift(timedelta(minutes=50))
    move_on(case)
    clock.shift(timedelta(days=1))
    ask(case.submission)
    clock.shift(timedelta(minutes=15))
    move_on(case, "closed")
    assert figures()["within_target"] == 1, "the clock restarts with the new request"


def test_the_share_is_of_every_case_and_their_latest_requests(questionnaires, clock):
    plain, reopened, waiting = ask(), ask(), ask()
    clock.shift(timedelta(minutes=10))
    for case in (plain, reopened, waiting):
        move_on(case)
    clock.shift(timedelta(hours=1))
    ask(reopened.submission)
    ask(waiting.submission)
    clock.shift(timedelta(minutes=45))
    move_on(reopened, "unreachable")
    numbers = figures()
    assert (numbers["total"], numbers["within_target"]) == (3, 1)
    assert numbers["share_within_target"] == pytest.approx(1 / 3)
    assert numbers["by_status"] == {"new": 1, "contacted": 1, "closed": 0, "unreachable": 1}
