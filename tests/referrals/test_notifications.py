"""Telling the crisis team: every case gets its turn, what was sent is never sent again."""

import http.client
import io
import json
import re
import threading
import time
import urllib.parse
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from referrals.callbacks import notify_crisis_team, request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
EMAILS = {"CRISIS_TEAM_EMAILS": ["crisis@example.org"]}


def waiting_case() -> ReferralCase:
    """A crisis case whose own notification never went out, old enough for the retry job."""
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    )
    now = timezone.now()
    case = ReferralCase.objects.create(submission=submission, phone=PHONE, consent_at=now)
    ReferralCase.objects.filter(pk=case.pk).update(updated_at=now - timedelta(minutes=5))
    return case


def notify_pending() -> str:
    out = io.StringIO()
    call_command("notify_crisis_team", stdout=out)
    return out.getvalue()


def test_a_case_whose_notification_breaks_does_not_stop_the_job(questionnaires, caplog):
    first, second = waiting_case(), waiting_case()
    # No SITE_URL breaks the message itself, for every case: each one is still tried.
    with override_settings(SITE_URL=None, **EMAILS):
        with pytest.raises(CommandError, match=rf"\[{first.pk}, {second.pk}\]"):
            notify_pending()
    assert f"notifying the crisis team of case {first.pk} broke" in caplog.text
    assert f"notifying the crisis team of case {second.pk} broke" in caplog.text
    assert PHONE not in caplog.text


def test_a_webhook_address_that_is_not_one_neither_stops_the_job_nor_mails_the_team_twice(
    questionnaires, caplog
):
    first, second = waiting_case(), waiting_case()
    bad = override_settings(CRISIS_WEBHOOK_URL="hooks.example.org/bot?key=SECRET", **EMAILS)
    with bad:
        for _run in range(2):
            with pytest.raises(CommandError, match=rf"\[{first.pk}, {second.pk}\]"):
                notify_pending()
    assert len(mail.outbox) == 2, "each case mailed once, not once a run"
    for case in (first, second):
        case.refresh_from_db()
        assert case.emailed_at is not None and case.notified_at is None
    assert "CRISIS_WEBHOOK_URL is not an http(s) address" in caplog.text
    assert "SECRET" not in caplog.text and PHONE not in caplog.text


class _AsksWhetherTheEmailIsRecorded(BaseHTTPRequestHandler):
    """A webhook that looks, from its own database connection, at what is committed."""

    emailed_at: list = []

    def do_POST(self):
        from django.db import connection as own

        self.rfile.read(int(self.headers["Content-Length"]))
        case = ReferralCase.objects.get()
        _AsksWhetherTheEmailIsRecorded.emailed_at.append(case.emailed_at)
        own.close()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="isolation is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_email_is_recorded_for_good_before_the_webhook_is_called(questionnaires):
    # Were the webhook step to fail in any way after this, the next run must not mail again.
    waiting_case()
    server = HTTPServer(("127.0.0.1", 0), _AsksWhetherTheEmailIsRecorded)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    _AsksWhetherTheEmailIsRecorded.emailed_at.clear()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    with override_settings(CRISIS_WEBHOOK_URL=url, **EMAILS):
        assert notify_pending() == "notified 1, failed 0\n"
    thread.join(timeout=5)
    server.server_close()
    assert len(_AsksWhetherTheEmailIsRecorded.emailed_at) == 1
    assert _AsksWhetherTheEmailIsRecorded.emailed_at[0] is not None


@pytest.mark.parametrize(
    "url",
    [
        "hooks.example.org/bot",
        "ftp://example.org/bot",
        "file:///etc/passwd",
        "http:/x",
        "http://[::1",
    ],
)
def test_a_webhook_address_that_is_not_http_fails_the_checks(url):
    with override_settings(CRISIS_WEBHOOK_URL=url), pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "referrals.E001" in str(error.value)


@pytest.mark.parametrize("url", ["", "https://qyapi.weixin.qq.com/x?key=1", "http://10.0.0.5/hook"])
def test_an_http_webhook_address_passes_the_checks(url):
    with override_settings(CRISIS_WEBHOOK_URL=url):
        call_command("check", stdout=io.StringIO())


class _Redirecting(BaseHTTPRequestHandler):
    """A webhook that has moved: a POST is sent elsewhere, where a GET is welcome."""

    status = 301
    requests: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        _Redirecting.requests.append(("POST", self.path))
        self.send_response(_Redirecting.status)
        self.send_header("Location", "/moved")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        _Redirecting.requests.append(("GET", self.path))
        body = b'{"errcode": 0}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_webhook_that_answers_with_a_redirect_has_not_told_the_team(
    questionnaires, caplog, status
):
    case = waiting_case()
    server = HTTPServer(("127.0.0.1", 0), _Redirecting)
    server.timeout = 1
    thread = threading.Thread(target=lambda: [server.handle_request() for _ in range(2)])
    thread.daemon = True
    thread.start()
    _Redirecting.status, _Redirecting.requests = status, []
    url = f"http://127.0.0.1:{server.server_port}/hook?key=SECRET"
    with override_settings(CRISIS_WEBHOOK_URL=url):
        assert notify_crisis_team(case) is False
    thread.join(timeout=5)
    server.server_close()
    assert _Redirecting.requests == [("POST", "/hook?key=SECRET")], "the redirect is not followed"
    case.refresh_from_db()
    assert (case.webhook_called_at, case.notified_at) == (None, None), "the retry job tries again"
    assert f"crisis team webhook answered case {case.pk} with HTTP {status}" in caplog.text
    assert "SECRET" not in caplog.text


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        _Recorder.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_asking_again_after_contact_tells_the_team_when_this_request_was_made(
    questionnaires, django_capture_on_commit_callbacks
):
    case = waiting_case()
    opened = timezone.now() - timedelta(days=3)
    ReferralCase.objects.filter(pk=case.pk).update(
        created_at=opened, requested_at=opened, status=ReferralCase.Status.CONTACTED
    )
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    _Recorder.received.clear()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    with override_settings(CRISIS_WEBHOOK_URL=url, **EMAILS):
        with django_capture_on_commit_callbacks(execute=True):
            request_callback(submission=case.submission, phone=PHONE)
    thread.join(timeout=5)
    server.server_close()
    case.refresh_from_db()
    # The 30 minutes run from this request: the team must not think it is three days late.
    assert f"{timezone.localtime(case.requested_at):%Y-%m-%d %H:%M}" in mail.outbox[0].body
    assert f"{timezone.localtime(opened):%Y-%m-%d}" not in mail.outbox[0].body
    payload = _Recorder.received[0]
    assert payload["requested_at"] == case.requested_at.isoformat()
    assert payload["created_at"] == case.created_at.isoformat(), "still when the case opened"


class _HeldWebhook(BaseHTTPRequestHandler):
    """A webhook that answers only when the test lets it, as a slow or stuck one would."""

    called = threading.Event()
    release = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        _HeldWebhook.called.set()
        _HeldWebhook.release.wait(timeout=30)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def ask_over_http(base_url: str, token: str, way: str) -> tuple[int, str]:
    """A call-back request by the API or by the result page's form; (status, Location)."""
    url = urllib.parse.urlsplit(base_url)
    # Far shorter than the held webhook: a request answered only after it fails here.
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    if way == "api":
        body = json.dumps({"phone": PHONE, "consent": True})
        headers = {"Content-Type": "application/json"}
        conn.request("POST", f"/api/v1/submissions/{token}/callback/", body, headers)
    else:
        conn.request("GET", f"/r/{token}/")
        page = conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "phone": PHONE, "consent": "yes"}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", f"/r/{token}/callback/", body, headers)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location") or ""


@contextmanager
def held_webhook():
    """The address of a webhook that answers only once ``told_after`` lets it."""
    _HeldWebhook.called.clear()
    _HeldWebhook.release.clear()
    hook = HTTPServer(("127.0.0.1", 0), _HeldWebhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{hook.server_port}/hook"
    finally:
        _HeldWebhook.release.set()
        hook.shutdown()


def told_after(case: ReferralCase) -> ReferralCase:
    """``case`` once the held webhook has been called, let answer, and its answer recorded."""
    assert not _HeldWebhook.release.is_set()
    case.refresh_from_db()
    assert case.notified_at is None, "not told before the person had their answer"
    assert _HeldWebhook.called.wait(timeout=10)
    _HeldWebhook.release.set()
    for _ in range(100):
        case.refresh_from_db()
        if case.notified_at:
            break
        time.sleep(0.1)
    return case


@pytest.mark.parametrize("way", ["api", "form"])
def test_the_person_is_answered_before_the_team_is_told(live_server, demo_data, way):
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    token = Submission.create_from_answers(
        version=QuestionnaireVersion.objects.current_for("phq-9"),
        answers=answers,
        language="zh-hans",
    ).token
    with held_webhook() as url, override_settings(**EMAILS, CRISIS_WEBHOOK_URL=url):
        status, location = ask_over_http(live_server.url, token, way)
        assert (status, location) in {(201, ""), (303, f"/r/{token}/?callback=1#callback")}
        # Answered while the team's webhook has not yet answered; then the team is told.
        case = told_after(ReferralCase.objects.get(submission__token=token))
    assert case.notified_at and case.webhook_called_at and case.emailed_at
    assert len(mail.outbox) == 1
    assert PHONE not in mail.outbox[0].body


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the server subprocess shares the test database on PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_too_the_person_is_answered_before_the_team_is_told(demo_data):
    # The production server (gunicorn with gunicorn.conf.py), not Django's own.
    from tests.test_reliability import request, serve, shared_database_url

    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    with held_webhook() as url, serve(shared_database_url(), CRISIS_WEBHOOK_URL=url) as port:
        status, _, body = request(
            port, "POST", "/api/v1/questionnaires/phq-9/submissions/",
            json.dumps({"answers": answers}),
        )  # fmt: skip
        assert status == 201
        token = json.loads(body)["token"]
        status, _, _ = request(
            port, "POST", f"/api/v1/submissions/{token}/callback/",
            json.dumps({"phone": PHONE, "consent": True}),
        )  # fmt: skip
        assert status == 201
        case = told_after(ReferralCase.objects.get(submission__token=token))
    assert case.webhook_called_at and case.notified_at
