"""Telling the crisis team: alerts are tasks, sent by workers, up the escalation ladder."""

import io
import re
import urllib.parse
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from tests.referrals.alert_cases import EMAILS, PHONE, START, ladder, open_case
from tests.referrals.workers import due_tasks, run_worker, waiting_tasks

pytestmark = pytest.mark.django_db
SUPERVISOR = {"CRISIS_SUPERVISOR_EMAILS": ["supervisor@example.org"]}


@override_settings(**EMAILS, **SUPERVISOR)
def test_an_untaken_case_climbs_the_ladder_under_a_frozen_clock(questionnaires):
    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        # Written with the case: the first step's alert and the later steps, due when they fall.
        assert waiting_tasks() == [
            ("send_alert", None),
            ("climb_ladder", START + timedelta(minutes=15)),
            ("climb_ladder", START + timedelta(minutes=30)),
        ]
        assert run_worker() == []
        assert ladder(case) == [("on_duty", "email", "sent")]
        assert [m.to for m in mail.outbox] == [["crisis@example.org"]]
        case.refresh_from_db()
        assert case.notified_at == START

        clock.move_to(START + timedelta(minutes=14, seconds=59))
        assert due_tasks() == [] and run_worker() == []
        assert len(mail.outbox) == 1

        clock.move_to(START + timedelta(minutes=15))
        assert run_worker() == []
        assert ladder(case)[1:] == [("team", "email", "sent")]
        assert mail.outbox[1].to == ["crisis@example.org"]
        assert "15" in mail.outbox[1].subject and "[callback]" in mail.outbox[1].subject

        clock.move_to(START + timedelta(minutes=30))
        assert run_worker() == []
        assert ladder(case)[2:] == [("supervisor", "email", "sent")]
        assert mail.outbox[2].to == ["supervisor@example.org"]
        assert "30" in mail.outbox[2].body
        assert all(PHONE not in m.subject + m.body for m in mail.outbox)
    assert waiting_tasks() == []


@override_settings(**EMAILS, **SUPERVISOR)
def test_first_contact_stops_the_ladder(questionnaires):
    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        run_worker()
        clock.move_to(START + timedelta(minutes=20))
        run_worker()
        case.refresh_from_db()
        case.status = ReferralCase.Status.CONTACTED
        case.save()
        clock.move_to(START + timedelta(minutes=45))
        assert run_worker() == []
    assert ladder(case) == [("on_duty", "email", "sent"), ("team", "email", "sent")]
    assert len(mail.outbox) == 2


@override_settings(**EMAILS, CRISIS_ESCALATE_TEAM_AFTER=5, CRISIS_ESCALATE_SUPERVISOR_AFTER=0)
def test_the_steps_are_configurable(questionnaires):
    with time_machine.travel(START, tick=False):
        open_case()
        assert [due for _task, due in waiting_tasks()] == [None, START + timedelta(minutes=5)]


@override_settings(**EMAILS)
def test_asking_again_after_contact_starts_a_new_ladder_from_that_request(questionnaires):
    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        run_worker()
        case.refresh_from_db()
        case.status = ReferralCase.Status.CONTACTED
        case.save()
        clock.move_to(START + timedelta(hours=2))
        request_callback(submission=case.submission, phone=PHONE)
        run_worker()
        clock.move_to(START + timedelta(hours=2, minutes=15))
        run_worker()
    case.refresh_from_db()
    assert case.requested_at == START + timedelta(hours=2)
    assert ladder(case) == [
        ("on_duty", "email", "sent"),
        ("on_duty", "email", "sent"),
        ("team", "email", "sent"),
    ]
    # The 30 minutes run from this request: the team must not think it is two hours late.
    assert "2026-03-04 17:00" in mail.outbox[1].body
    assert case.notified_at == START + timedelta(hours=2)


@override_settings(**EMAILS)
def test_a_worker_that_was_down_delivers_what_waited(questionnaires):
    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        # No worker for an hour: every step fell due meanwhile.
        clock.move_to(START + timedelta(hours=1))
        assert run_worker() == []
    assert {(step, status) for step, _way, status in ladder(case)} == {
        ("on_duty", "sent"),
        ("team", "sent"),
        ("supervisor", "sent"),
    }
    assert len(mail.outbox) == 3


@override_settings(**EMAILS, CRISIS_ESCALATE_TEAM_AFTER=0, CRISIS_ESCALATE_SUPERVISOR_AFTER=0)
def test_a_send_whose_worker_was_killed_is_enqueued_again_once_stalled(questionnaires):
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        # A worker takes the send and dies with it (kill -9): the task stays marked running.
        DBTaskResult.objects.ready().get().claim("killed-worker")
        assert run_worker() == [] and len(mail.outbox) == 0
        out = io.StringIO()
        clock.move_to(START + timedelta(minutes=5))
        call_command("requeue_stalled_tasks", stdout=out)
        assert out.getvalue().startswith("0 ")  # it may still be sending: left alone
        clock.move_to(START + timedelta(minutes=11))
        call_command("requeue_stalled_tasks", stdout=out)
        assert "1 stalled task(s) enqueued again" in out.getvalue()
        assert run_worker() == []
        # Once more: nothing is stalled now, nothing is sent twice.
        call_command("requeue_stalled_tasks", stdout=out)
        assert run_worker() == []
    assert ladder(case) == [("on_duty", "email", "sent")]
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.failed().get().worker_ids == ["killed-worker"]


@override_settings(**EMAILS, CRISIS_ESCALATE_TEAM_AFTER=0, CRISIS_ESCALATE_SUPERVISOR_AFTER=0)
def test_nobody_configured_is_logged_and_the_case_waits_in_the_queue(questionnaires, caplog):
    with override_settings(CRISIS_TEAM_EMAILS=[]):
        case = open_case()
    assert case.alerts.count() == 0
    assert f"nobody is configured to be told of case {case.pk}" in caplog.text


@pytest.fixture
def crisis_worker(staff_groups):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("wang", password="pw-wang", is_staff=True)
    user.groups.add(Group.objects.get(name="Crisis team"))
    return user


@override_settings(**EMAILS)
def test_the_alerts_link_takes_the_case_after_login_and_stops_the_ladder(
    questionnaires, client, crisis_worker
):
    with time_machine.travel(START, tick=False) as clock:
        case = open_case()
        run_worker()
        link = re.search(r"https?://\S+/acknowledge/", mail.outbox[0].body)[0]
        path = urllib.parse.urlsplit(link).path
        assert path == f"/admin/referrals/referralcase/{case.pk}/acknowledge/"
        # Staff log in first; the login leads back to the link.
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        client.force_login(crisis_worker)
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200 and "Take the case" in page.content.decode()
        case.refresh_from_db()
        assert case.assignee is None, "opening the link alone changes nothing"
        clock.move_to(START + timedelta(minutes=3))
        response = client.post(path)
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.assignee, case.acknowledged_at) == (
            crisis_worker,
            START + timedelta(minutes=3),
        )
        assert "wang" in case.notes.get().text
        clock.move_to(START + timedelta(minutes=45))
        assert run_worker() == []
    assert ladder(case) == [("on_duty", "email", "sent")], "the ladder stopped"


def test_only_the_crisis_team_can_take_a_case(questionnaires, client, staff_groups):
    from django.contrib.auth.models import Group, User

    clinician = User.objects.create_user("li", password="pw-li", is_staff=True)
    clinician.groups.add(Group.objects.get(name="Clinician"))
    case = open_case()
    client.force_login(clinician)
    response = client.post(f"/admin/referrals/referralcase/{case.pk}/acknowledge/")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None and case.acknowledged_at is None
