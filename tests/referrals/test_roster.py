"""The on-duty roster: who is alerted first of a new case, and what the case page says."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import override_settings

from config.national import CHINA_TIME
from referrals.callbacks import request_callback
from referrals.models import DutyException, DutyShift, Weekday, on_duty
from screening.models import QuestionnaireVersion, Submission
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db
# A Wednesday.
WEDNESDAY_NOON = datetime(2026, 3, 4, 12, 0, tzinfo=CHINA_TIME)
TEAM = {"CRISIS_TEAM_EMAILS": ["crisis@example.org"]}


@pytest.fixture
def people(staff_groups):
    def make(name):
        user = User.objects.create_user(name, email=f"{name}@example.org", is_staff=True)
        user.groups.add(Group.objects.get(name="Crisis team"))
        return user

    return make


def test_a_weekly_duty_covers_its_hours_even_past_midnight(people):
    wang, li = people("wang"), people("li")
    DutyShift.objects.create(
        user=wang, weekday=Weekday.WEDNESDAY, starts_at=time(8), ends_at=time(20)
    )
    DutyShift.objects.create(
        user=li, weekday=Weekday.WEDNESDAY, starts_at=time(20), ends_at=time(8)
    )
    assert list(on_duty(WEDNESDAY_NOON)) == [wang]
    assert list(on_duty(WEDNESDAY_NOON.replace(hour=23))) == [li]
    assert list(on_duty(WEDNESDAY_NOON + timedelta(hours=19))) == [li], "Thursday 07:00"
    assert list(on_duty(WEDNESDAY_NOON + timedelta(hours=20))) == [], "Thursday 08:00"
    assert list(on_duty(WEDNESDAY_NOON + timedelta(days=1))) == [], "Thursday noon"


def test_exceptions_take_someone_off_or_put_someone_on(people):
    wang, li = people("wang"), people("li")
    DutyShift.objects.create(
        user=wang, weekday=Weekday.WEDNESDAY, starts_at=time(8), ends_at=time(20)
    )
    DutyException.objects.create(
        user=wang,
        starts_at=WEDNESDAY_NOON - timedelta(hours=1),
        ends_at=WEDNESDAY_NOON + timedelta(hours=1),
    )
    DutyException.objects.create(
        user=li, on_duty=True, starts_at=WEDNESDAY_NOON, ends_at=WEDNESDAY_NOON + timedelta(hours=2)
    )
    assert list(on_duty(WEDNESDAY_NOON)) == [li]
    assert list(on_duty(WEDNESDAY_NOON + timedelta(hours=1))) == [li, wang]
    assert list(on_duty(WEDNESDAY_NOON + timedelta(hours=3))) == [wang]


def open_case():
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    )
    return request_callback(submission=submission, phone="13912345678")[0]


def case_page(client, case) -> str:
    admin = User.objects.create_superuser("boss", password="pw")
    client.force_login(admin)
    response = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode()


@override_settings(**TEAM)
def test_whoever_is_on_duty_is_told_first_then_the_team(questionnaires, people, client):
    wang = people("wang")
    DutyShift.objects.create(
        user=wang, weekday=Weekday.WEDNESDAY, starts_at=time(8), ends_at=time(20)
    )
    with time_machine.travel(WEDNESDAY_NOON, tick=False) as clock:
        case = open_case()
        run_worker()
        assert [m.to for m in mail.outbox] == [["wang@example.org"]]
        clock.move_to(WEDNESDAY_NOON + timedelta(minutes=15))
        run_worker()
        assert mail.outbox[1].to == ["crisis@example.org"]
    assert "On duty: wang@example.org" in case_page(client, case)


@override_settings(**TEAM)
def test_with_nobody_on_duty_the_whole_team_is_told_and_the_case_says_so(
    questionnaires, people, client
):
    wang = people("wang")
    DutyShift.objects.create(user=wang, weekday=Weekday.MONDAY, starts_at=time(8), ends_at=time(20))
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        case = open_case()
        run_worker()
    assert [m.to for m in mail.outbox] == [["crisis@example.org"]]
    assert case.alerts.get().to_whole_team
    assert "Nobody was on duty: the whole team was told." in case_page(client, case)


def test_the_supervisor_keeps_the_roster_and_the_team_reads_it(client, staff_groups):
    supervisor = User.objects.create_user("zhao", is_staff=True)
    supervisor.groups.add(Group.objects.get(name="Crisis supervisor"))
    member = User.objects.create_user("wu", is_staff=True)
    member.groups.add(Group.objects.get(name="Crisis team"))
    client.force_login(supervisor)
    assert client.get("/admin/referrals/dutyshift/add/").status_code == 200
    client.force_login(member)
    assert client.get("/admin/referrals/dutyshift/").status_code == 200
    assert client.get("/admin/referrals/dutyshift/add/").status_code == 403
