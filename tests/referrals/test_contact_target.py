"""A case's contact for its latest request: what the crisis team's 30 minutes are about."""

from datetime import datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User

from config.national import CHINA_TIME
from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 4, 9, 0, tzinfo=CHINA_TIME)
CRISIS = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}
backfill = import_module(
    "referrals.migrations.0023_contact_for_the_latest_request"
).contact_for_latest_request


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def submission() -> Submission:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    return Submission.create_from_answers(version=version, answers=CRISIS, language="zh-hans")


def ask(on: Submission) -> ReferralCase:
    return request_callback(submission=on, phone="13912345678")[0]


def save_page(client, worker: User, case: ReferralCase, status: str) -> None:
    """What a team member does on the case page: the status changed, saved."""
    case.refresh_from_db()
    client.force_login(worker)  # hours pass on the clock: a session would have ended
    response = client.post(
        f"/admin/referrals/referralcase/{case.pk}/change/",
        {
            "status": status,
            "seen": case.updated_at.isoformat(),
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/admin/referrals/referralcase/"
    case.refresh_from_db()


def test_asking_again_after_contact_waits_for_a_contact_of_its_own(
    client, worker, questionnaires, clock
):
    case = ask(submission())
    clock.shift(timedelta(minutes=10))
    save_page(client, worker, case, "contacted")
    assert case.first_contact_at == case.contacted_at == START + timedelta(minutes=10)
    clock.shift(timedelta(hours=2))
    ask(case.submission)
    case.refresh_from_db()
    assert case.status == "new" and case.contacted_at is None
    assert case.first_contact_at == START + timedelta(minutes=10), "the history stays"
    clock.shift(timedelta(minutes=45))
    save_page(client, worker, case, "closed")
    assert case.contacted_at == START + timedelta(hours=2, minutes=55)
    assert case.first_contact_at == START + timedelta(minutes=10)


def test_asking_again_while_still_waiting_changes_no_contact(questionnaires, clock):
    case = ask(submission())
    clock.shift(timedelta(minutes=20))
    ask(case.submission)
    case.refresh_from_db()
    assert (case.requested_at, case.contacted_at) == (START, None)


def test_closing_a_contacted_case_keeps_the_contact(client, worker, questionnaires, clock):
    case = ask(submission())
    clock.shift(timedelta(minutes=10))
    save_page(client, worker, case, "contacted")
    clock.shift(timedelta(days=1))
    save_page(client, worker, case, "closed")
    assert case.contacted_at == START + timedelta(minutes=10)


def test_the_team_putting_a_case_back_to_new_keeps_its_contact(
    client, worker, questionnaires, clock
):
    # Nobody asked again: the latest request is the one the team answered in 10 minutes.
    case = ask(submission())
    clock.shift(timedelta(minutes=10))
    save_page(client, worker, case, "contacted")
    clock.shift(timedelta(hours=1))
    save_page(client, worker, case, "new")
    assert (case.requested_at, case.contacted_at) == (START, START + timedelta(minutes=10))


def test_taking_a_case_from_an_alert_is_no_contact(worker, questionnaires, clock):
    case = ask(submission())
    clock.shift(timedelta(minutes=5))
    case.acknowledge(worker)
    case.refresh_from_db()
    assert case.contacted_at is None and case.first_contact_at is None


def test_the_case_page_shows_the_contact_for_the_latest_request(
    client, worker, questionnaires, clock
):
    case = ask(submission())
    clock.shift(timedelta(minutes=10))
    save_page(client, worker, case, "contacted")
    page = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Contact for the latest request" in page
    chinese = client.get(f"/admin/referrals/referralcase/{case.pk}/change/").content.decode()
    assert "最近一次求助的首次联系时间" in chinese


def test_the_migration_takes_a_first_contact_after_the_latest_request_as_its_contact(
    questionnaires,
):
    plain = ReferralCase.objects.create(
        submission=submission(), phone="13912345678", consent_at=START, status="closed"
    )
    waiting, contacted_again, never = (
        ReferralCase.objects.create(
            submission=submission(), phone="13912345678", consent_at=START, status=status
        )
        for status in ("new", "contacted", "new")
    )
    # As the rows stood before the field: the reopened ones asked again an hour after contact.
    ReferralCase.objects.update(contacted_at=None, requested_at=START)
    ReferralCase.objects.filter(pk=plain.pk).update(first_contact_at=START + timedelta(minutes=20))
    ReferralCase.objects.filter(pk__in=[waiting.pk, contacted_again.pk]).update(
        first_contact_at=START - timedelta(hours=1)
    )
    backfill(apps, None)
    contacts = dict(ReferralCase.objects.values_list("pk", "contacted_at"))
    assert contacts == {
        plain.pk: START + timedelta(minutes=20),
        waiting.pk: None,
        # Called again after asking again, but when is not on record: unknown.
        contacted_again.pk: None,
        never.pk: None,
    }


def test_a_case_whose_contact_is_unknown_gets_no_made_up_time(
    client, worker, questionnaires, clock
):
    # As migration 0023 leaves a case contacted again before it ran: it left New, but when
    # for its latest request nobody knows.
    case = ask(submission())
    clock.shift(timedelta(minutes=10))
    save_page(client, worker, case, "contacted")
    ReferralCase.objects.filter(pk=case.pk).update(
        requested_at=START + timedelta(hours=1), contacted_at=None
    )
    clock.shift(timedelta(hours=3))
    save_page(client, worker, case, "closed")
    assert case.status == "closed" and case.contacted_at is None


def test_a_contact_is_timed_when_the_case_leaves_new_on_the_same_object(questionnaires, clock):
    # Reopened by a repeat request and contacted again, through one object in one process.
    case = ask(submission())
    case.status = ReferralCase.Status.CONTACTED
    case.save()
    clock.shift(timedelta(hours=1))
    case.status, case.requested_at = ReferralCase.Status.NEW, START + timedelta(hours=1)
    case.save()
    assert case.contacted_at is None
    clock.shift(timedelta(minutes=20))
    case.status = ReferralCase.Status.CONTACTED
    case.save()
    assert case.contacted_at == START + timedelta(hours=1, minutes=20)
