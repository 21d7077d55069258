"""A repeat call-back request and a team member's save of the same case never undo each other."""

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission
from tests.referrals.workers import run_worker

PHONE = "13912345678"
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def open_case() -> ReferralCase:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    )
    return ReferralCase.objects.create(
        submission=submission, phone=PHONE, consent_at=timezone.now(), status="contacted"
    )


class other_transaction:
    """A second connection holding the case's row, as a save in progress elsewhere does."""

    def __init__(self, case):
        self.case = case

    def __enter__(self):
        self.connection = connections.create_connection("default")
        self.cursor = self.connection.cursor()
        self.cursor.execute("BEGIN")
        lock = "SELECT id FROM referrals_referralcase WHERE id = %s FOR UPDATE"
        self.cursor.execute(lock, [self.case.pk])
        return self.cursor

    def __exit__(self, *exc):
        self.cursor.execute("COMMIT")
        self.connection.close()


def in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)  # long enough to reach the lock the other transaction holds
    return thread


def test_a_repeat_request_during_a_save_that_closes_the_case_opens_a_new_one(questionnaires):
    case = open_case()
    with other_transaction(case) as cursor:
        thread = in_thread(lambda: request_callback(submission=case.submission, phone=PHONE))
        cursor.execute(
            "UPDATE referrals_referralcase SET status = 'closed', closed_at = now() WHERE id = %s",
            [case.pk],
        )
    thread.join(timeout=10)
    case.refresh_from_db()
    assert case.status == "closed", "the team's closing is not undone"
    assert ReferralCase.objects.open().get().pk != case.pk, "the request opened a new case"


def test_a_save_in_admin_during_a_repeat_request_is_refused(questionnaires, staff_groups):
    case = open_case()
    member = User.objects.create_user("crisis", is_staff=True)
    member.groups.add(*member.groups.model.objects.filter(name="Crisis team"))
    client = Client()
    client.force_login(member)
    url = f"/admin/referrals/referralcase/{case.pk}/change/"
    seen = client.get(url).context["adminform"].form["seen"].value()
    answers = []
    closing = {"status": "closed", "seen": seen, "notes-TOTAL_FORMS": "0"}
    closing |= {"notes-INITIAL_FORMS": "0"}
    with other_transaction(case) as cursor:
        thread = in_thread(lambda: answers.append(client.post(url, closing).status_code))
        # The person asks again meanwhile: the case is new again.
        cursor.execute(
            "UPDATE referrals_referralcase SET status = 'new', updated_at = now() WHERE id = %s",
            [case.pk],
        )
    thread.join(timeout=10)
    assert answers == [200], "refused: the case changed after the form was opened"
    case.refresh_from_db()
    assert case.status == "new"


class _SlowWebhook(BaseHTTPRequestHandler):
    posts: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).posts.append(time.monotonic())
        time.sleep(2)  # a pager service having a bad minute
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args):
        pass


def slow_webhook(requests: int) -> str:
    _SlowWebhook.posts = []
    server = HTTPServer(("127.0.0.1", 0), _SlowWebhook)
    server.timeout = 10
    threading.Thread(
        target=lambda: [server.handle_request() for _ in range(requests)], daemon=True
    ).start()
    return f"http://127.0.0.1:{server.server_port}/hook"


def test_a_case_row_held_elsewhere_does_not_stop_its_alert(questionnaires, settings):
    # The person tapping "call me back" twice: the second tap holds the case's row for a moment
    # just as a worker sends the first tap's alert.
    settings.CRISIS_TEAM_EMAILS = ["crisis@example.org"]
    case = open_case()
    request_callback(submission=case.submission, phone=PHONE)
    with other_transaction(case):
        thread = in_thread(run_worker)
        thread.join(timeout=10)
        assert len(mail.outbox) == 1, "sent while the row is held"
    case.refresh_from_db()
    assert case.notified_at is not None


def test_a_slow_webhook_keeps_neither_the_person_nor_the_team_waiting(questionnaires, settings):
    settings.CRISIS_WEBHOOK_URL = slow_webhook(1)
    case = open_case()
    request_callback(submission=case.submission, phone=PHONE)
    worker = in_thread(run_worker)
    for _ in range(50):
        if _SlowWebhook.posts:
            break
        time.sleep(0.1)
    assert len(_SlowWebhook.posts) == 1, "the webhook is being called"
    start = time.monotonic()
    request_callback(submission=case.submission, phone=PHONE, note="asking again")
    assert time.monotonic() - start < 1, "the repeat request did not wait for the webhook"
    worker.join(timeout=10)
    case.refresh_from_db()
    assert case.alerts.get().status == "sent" and case.note == "asking again"
