"""Delivering an alert: retried, not redirected, to a checked address, once, after the answer."""

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
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import override_settings

from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission
from tests.referrals.alert_cases import EMAILS, PHONE, START, ladder, open_case
from tests.referrals.workers import run_worker, waiting_tasks

pytestmark = pytest.mark.django_db


class _Recorder(BaseHTTPRequestHandler):
    received: list = []
    status = 204

    def do_POST(self):
        _Recorder.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(_Recorder.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def recording_webhook(status: int = 204):
    _Recorder.received, _Recorder.status = [], status
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_a_way_that_failed_is_tried_again_with_backoff_and_only_it(questionnaires, caplog):
    with recording_webhook(status=503) as url, override_settings(CRISIS_WEBHOOK_URL=url, **EMAILS):
        with time_machine.travel(START, tick=False) as clock:
            case = open_case()
            assert run_worker() == []
            webhook = case.alerts.get(channel="webhook")
            assert (webhook.status, webhook.attempts, webhook.error) == (
                "pending",
                1,
                "webhook: HTTP 503",
            )
            assert case.alerts.get(channel="email").status == "sent"
            # Tried again after 30 s, then after a minute more.
            assert ("send_alert", START + timedelta(seconds=30)) in waiting_tasks()
            clock.move_to(START + timedelta(seconds=29))
            run_worker()
            assert len(_Recorder.received) == 1
            clock.move_to(START + timedelta(seconds=30))
            run_worker()
            assert len(_Recorder.received) == 2
            _Recorder.status = 204
            clock.move_to(START + timedelta(seconds=90))
            run_worker()
    assert len(_Recorder.received) == 3
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.error) == ("sent", 3, "")
    assert len(mail.outbox) == 1, "the email that got through is not sent again"
    assert PHONE not in caplog.text


class _SlowWebhook(BaseHTTPRequestHandler):
    posts: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        _SlowWebhook.posts.append(self.path)
        time.sleep(1)  # a pager service having a bad moment
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_alert_once(questionnaires):
    _SlowWebhook.posts = []
    server = HTTPServer(("127.0.0.1", 0), _SlowWebhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        with override_settings(CRISIS_WEBHOOK_URL=url, **EMAILS):
            cases = [open_case() for _ in range(3)]
            failures = []

            def work(name):
                from django.db import connection as own

                failures.extend(run_worker(name))
                own.close()

            workers = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert failures == []
    assert len(_SlowWebhook.posts) == 3, "one webhook call per case"
    assert len(mail.outbox) == 3, "one email per case"
    for case in cases:
        assert ladder(case) == [("on_duty", "email", "sent"), ("on_duty", "webhook", "sent")]


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
    server = HTTPServer(("127.0.0.1", 0), _Redirecting)
    server.timeout = 1
    thread = threading.Thread(target=lambda: [server.handle_request() for _ in range(2)])
    thread.daemon = True
    thread.start()
    _Redirecting.status, _Redirecting.requests = status, []
    url = f"http://127.0.0.1:{server.server_port}/hook?key=SECRET"
    with override_settings(CRISIS_WEBHOOK_URL=url):
        case = open_case()
        assert run_worker() == []
    thread.join(timeout=5)
    server.server_close()
    assert _Redirecting.requests == [("POST", "/hook?key=SECRET")], "the redirect is not followed"
    case.refresh_from_db()
    assert case.notified_at is None
    assert case.alerts.get().status == "pending", "tried again later"
    assert f"crisis team webhook answered case {case.pk} with HTTP {status}" in caplog.text
    assert "SECRET" not in caplog.text


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
    """``case`` once a worker has called the held webhook, it answered, and that was recorded."""
    assert not _HeldWebhook.release.is_set()
    case.refresh_from_db()
    assert case.notified_at is None, "not told before a worker runs"
    worker = threading.Thread(target=run_worker)
    worker.start()
    assert _HeldWebhook.called.wait(timeout=10)
    _HeldWebhook.release.set()
    worker.join(timeout=10)
    case.refresh_from_db()
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
        start = time.monotonic()
        status, location = ask_over_http(live_server.url, token, way)
        assert time.monotonic() - start < 1, "the request never waits on the webhook"
        assert (status, location) in {(201, ""), (303, f"/r/{token}/?callback=1#callback")}
        # Answered while the team's webhook hangs; then a worker tells the team.
        case = told_after(ReferralCase.objects.get(submission__token=token))
    assert case.notified_at
    assert {(a.channel, a.status) for a in case.alerts.all()} == {
        ("email", "sent"),
        ("webhook", "sent"),
    }
    assert len(mail.outbox) == 1
    assert PHONE not in mail.outbox[0].body


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the server subprocess shares the test database on PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_too_the_person_is_answered_before_the_team_is_told(demo_data):
    # The production server (gunicorn with gunicorn.conf.py), not Django's own.
    from tests.production_server import request, serve, shared_database_url

    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    with held_webhook() as url, serve(shared_database_url(), CRISIS_WEBHOOK_URL=url) as port:
        status, _, body = request(
            port, "POST", "/api/v1/questionnaires/phq-9/submissions/",
            json.dumps({"answers": answers}),
        )  # fmt: skip
        assert status == 201
        token = json.loads(body)["token"]
        start = time.monotonic()
        status, _, _ = request(
            port, "POST", f"/api/v1/submissions/{token}/callback/",
            json.dumps({"phone": PHONE, "consent": True}),
        )  # fmt: skip
        assert status == 201
        assert time.monotonic() - start < 1, "the request never waits on the webhook"
        # The worker: here, with the same settings as the server.
        with override_settings(CRISIS_WEBHOOK_URL=url):
            case = told_after(ReferralCase.objects.get(submission__token=token))
    assert case.notified_at and case.alerts.get().status == "sent"
