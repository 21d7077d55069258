"""Telling the crisis team of a call-back: webhook, group bot, and failures that lose no case."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings

from referrals.alerts import webhook_refusal
from referrals.models import Alert, ReferralCase
from tests.referrals.callback_requests import PHONE, ask
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Recorder.received.append(self.rfile.read(length))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def webhook_payload(api, token, **settings) -> bytes:
    """What the webhook receives when a call-back is asked for on ``token``."""
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    _Recorder.received.clear()
    with override_settings(CRISIS_WEBHOOK_URL=url, **settings):
        assert ask(api, token, phone=PHONE, consent=True).status_code == 201
        assert run_worker() == []
    thread.join(timeout=5)
    server.server_close()
    assert len(_Recorder.received) == 1
    return _Recorder.received[0]


def test_the_webhook_receives_the_case_without_the_number(api, crisis_submission):
    received = webhook_payload(api, crisis_submission)
    payload = json.loads(received)
    assert payload["crisis"] is True
    assert payload["case"] == ReferralCase.objects.get().pk
    assert PHONE not in received.decode()
    assert ReferralCase.objects.get().notified_at is not None


def test_a_group_bot_webhook_receives_a_text_message_without_the_number(api, crisis_submission):
    received = webhook_payload(api, crisis_submission, CRISIS_WEBHOOK_FORMAT="text")
    payload = json.loads(received)
    case = ReferralCase.objects.get()
    assert payload["msgtype"] == "text"
    content = payload["text"]["content"]
    assert content.startswith(f"[callback] 个案 {case.pk}：phq-9") and "CRISIS" in content
    assert f"/admin/referrals/referralcase/{case.pk}/change/" in content
    assert PHONE not in received.decode() and "5678" not in content
    assert case.notified_at is not None


class _RefusingBot(BaseHTTPRequestHandler):
    """Answers as a WeCom group bot does with a wrong key: 200, and an errcode."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_bot_webhook_that_answers_with_an_errcode_has_not_told_the_team(
    api, crisis_submission, caplog
):
    server = HTTPServer(("127.0.0.1", 0), _RefusingBot)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    with override_settings(CRISIS_WEBHOOK_URL=url):
        assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
        assert run_worker() == []
    thread.join(timeout=5)
    server.server_close()
    case = ReferralCase.objects.get()
    assert case.notified_at is None
    alert = case.alerts.get()
    assert (alert.status, alert.attempts, alert.error) == ("pending", 1, "webhook: errcode 93000")
    assert "refused case" in caplog.text and "93000" in caplog.text


@pytest.mark.parametrize(
    "answer, refusal",
    [
        (b'{"errcode": 0, "errmsg": "ok"}', None),
        (b'{"errcode": 310000, "errmsg": "keywords not in content"}', 310000),
        (b"", None),
        (b"ok", None),
        (b'{"code": 0}', None),
        (b"[1, 2]", None),
    ],
)
def test_webhook_answers_are_read_for_a_bots_refusal(answer, refusal):
    assert webhook_refusal(answer) == refusal


def test_a_failed_notification_never_loses_the_case(api, crisis_submission, caplog):
    with socket_closed_port() as port:
        settings = {
            "CRISIS_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "CRISIS_TEAM_EMAILS": ["crisis@example.org"],
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_PORT": port,
        }
        with override_settings(**settings):
            response = ask(api, crisis_submission, phone=PHONE, consent=True)
            assert run_worker() == []
    assert response.status_code == 201
    case = ReferralCase.objects.get()
    assert case.notified_at is None
    assert {(a.channel, a.status, a.attempts) for a in case.alerts.all()} == {
        ("email", "pending", 1),
        ("webhook", "pending", 1),
    }, "each tried once, and tried again later"
    assert "crisis team email failed" in caplog.text
    assert PHONE not in caplog.text


def test_a_notification_that_breaks_still_answers_the_person(api, crisis_submission, caplog):
    # A misconfigured deployment (no SITE_URL) breaks the message itself: the person still hears
    # their request was received, and the alert is tried again later.
    broken = override_settings(SITE_URL=None, CRISIS_TEAM_EMAILS=["crisis@example.org"])
    with broken:
        response = ask(api, crisis_submission, phone=PHONE, consent=True)
        assert run_worker() == []
    assert response.status_code == 201
    assert ReferralCase.objects.get().notified_at is None
    assert Alert.objects.get().error == "error"
    assert mail.outbox == []
    assert PHONE not in caplog.text


class socket_closed_port:
    """A local port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc):
        return False
