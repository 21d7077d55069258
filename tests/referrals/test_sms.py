"""Text messages: a pluggable backend, the supervisor's second channel, the confirmation."""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.test import override_settings

from config.national import CHINA_TIME
from referrals import sms
from referrals.models import Alert, ReferralCase
from tests.referrals.callback_requests import ask
from tests.referrals.workers import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_sms_outbox")]
PHONE = "13912345678"
START = datetime(2026, 3, 4, 15, 0, tzinfo=CHINA_TIME)
MEMORY = {"SMS_BACKEND": "referrals.sms.MemoryBackend"}


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        _Gateway.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(_Gateway.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def gateway(status: int) -> tuple[HTTPServer, str]:
    _Gateway.received, _Gateway.status = [], status
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.handle_request, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/send?key=SECRET"


def test_the_http_gateway_posts_its_template_filled_in():
    server, url = gateway(200)
    template = '{"account": "xq", "messages": [{"mobile": "{to}", "content": "【心桥】{text}"}]}'
    with override_settings(
        SMS_BACKEND="referrals.sms.HttpGatewayBackend",
        SMS_GATEWAY_URL=url,
        SMS_GATEWAY_TEMPLATE=template,
    ):
        sms.send_sms(PHONE, 'say "hi"')
    server.server_close()
    assert _Gateway.received == [
        {"account": "xq", "messages": [{"mobile": PHONE, "content": '【心桥】say "hi"'}]}
    ]


def test_a_gateway_that_refuses_says_so_without_the_number_or_key():
    server, url = gateway(500)
    with override_settings(SMS_BACKEND="referrals.sms.HttpGatewayBackend", SMS_GATEWAY_URL=url):
        with pytest.raises(sms.SmsNotSent) as refusal:
            sms.send_sms(PHONE, "text")
    server.server_close()
    assert str(refusal.value) == "SMS gateway: HTTP 500"


@override_settings(
    **MEMORY,
    CRISIS_TEAM_EMAILS=["crisis@example.org"],
    CRISIS_SUPERVISOR_PHONES=["13800138000"],
)
def test_the_supervisor_is_texted_at_the_last_step(api, crisis_submission):
    with time_machine.travel(START, tick=False) as clock:
        assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
        clock.move_to(START + timedelta(minutes=30))
        assert run_worker() == []
    case = ReferralCase.objects.get()
    assert [m.to for m in sms.outbox] == ["13800138000"]
    assert f"/admin/referrals/referralcase/{case.pk}/acknowledge/" in sms.outbox[0].text
    alert = case.alerts.get(step="supervisor")
    assert (alert.channel, alert.status) == ("sms", "sent")


class PatchyBackend(sms.MemoryBackend):
    """Keeps each text, as MemoryBackend does, but for numbers in ``unreachable``."""

    unreachable: set[str] = set()

    def send(self, message: sms.Sms) -> None:
        if message.to in self.unreachable:
            raise sms.SmsNotSent("SMS gateway: HTTP 503")
        super().send(message)


@override_settings(
    SMS_BACKEND="tests.referrals.test_sms.PatchyBackend",
    CRISIS_TEAM_EMAILS=["crisis@example.org"],
    CRISIS_SUPERVISOR_PHONES=["13800138000", "13900139000"],
)
def test_a_retried_supervisor_text_goes_only_to_the_number_it_missed(
    api,
    crisis_submission,
):
    PatchyBackend.unreachable = {"13800138000"}
    try:
        with time_machine.travel(START, tick=False) as clock:
            assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
            clock.move_to(START + timedelta(minutes=30))
            assert run_worker() == []
            # The first number failed; the second was still texted.
            assert [m.to for m in sms.outbox] == ["13900139000"]
            alert = ReferralCase.objects.get().alerts.get(step="supervisor")
            assert (alert.status, alert.delivered_to) == ("pending", "13900139000")
            PatchyBackend.unreachable = set()
            clock.move_to(START + timedelta(minutes=31))  # the first retry is due after 30 s
            assert run_worker() == []
    finally:
        PatchyBackend.unreachable = set()
    assert [m.to for m in sms.outbox] == ["13900139000", "13800138000"]
    alert.refresh_from_db()
    assert alert.status == "sent" and alert.attempts == 2


@override_settings(**MEMORY, CRISIS_TEAM_CALLER_NUMBER="0931-1234567")
def test_with_consent_the_person_is_texted_when_and_from_which_number_they_will_be_called(
    api,
    crisis_submission,
):
    body = {"phone": "139 1234 5678", "consent": True, "confirm_by_sms": True}
    response = ask(api, crisis_submission, **body)
    assert response.status_code == 201 and response.json()["sms_confirmation"] is True
    assert sms.outbox == [], "sent by a worker, not the request"
    assert run_worker() == []
    [message] = sms.outbox
    assert message.to == PHONE
    assert "30分钟" in message.text and "0931-1234567" in message.text
    assert "120" in message.text and "12356" in message.text
    confirmation = Alert.objects.get(step="confirmation")
    assert confirmation.recipients == "", "the number is read from the case, never copied"
    # Asking again while the case waits sends no second text: the first one answered it.
    response = ask(api, crisis_submission, **body)
    assert response.status_code == 200 and response.json()["sms_confirmation"] is True
    assert run_worker() == [] and len(sms.outbox) == 1


@pytest.mark.parametrize("confirm", [None, False, "yes", 1])
@override_settings(**MEMORY)
def test_without_an_explicit_consent_no_text_is_sent(api, crisis_submission, confirm):
    body = {"phone": PHONE, "consent": True}
    if confirm is not None:
        body["confirm_by_sms"] = confirm
    response = ask(api, crisis_submission, **body)
    assert response.status_code == 201 and response.json()["sms_confirmation"] is False
    assert run_worker() == []
    assert sms.outbox == []
    assert not Alert.objects.filter(step="confirmation").exists()


@pytest.mark.parametrize("confirm", [None, "maybe", [], {"yes": True}, 2.5])
@override_settings(**MEMORY)
def test_a_malformed_text_consent_sends_no_text_and_refuses_no_call_back(
    api,
    crisis_submission,
    confirm,
):
    body = {"phone": PHONE, "consent": True, "confirm_by_sms": confirm}
    response = ask(api, crisis_submission, **body)
    assert response.status_code == 201 and response.json()["sms_confirmation"] is False
    assert ReferralCase.objects.get().phone == PHONE
    assert run_worker() == [] and sms.outbox == []


@override_settings(**MEMORY, CRISIS_TEAM_HOURS="8:00–22:00")
def test_the_form_sends_the_confirmation_too_and_the_thanks_says_the_time_frame(
    client,
    crisis_submission,
):
    response = client.post(
        f"/r/{crisis_submission}/callback/",
        {"phone": PHONE, "consent": "yes", "confirm_by_sms": "yes"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 303
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "within about 30 minutes" in page and "8:00–22:00" in page
    assert "as soon as" not in page
    assert run_worker() == []
    assert [m.to for m in sms.outbox] == [PHONE]


def test_no_text_confirmation_is_offered_when_no_text_could_be_sent(
    client,
    crisis_submission,
):
    from config.caching import forget_recent_reads

    gateway = {"SMS_BACKEND": "referrals.sms.HttpGatewayBackend"}
    with override_settings(**gateway, SMS_GATEWAY_URL=""):
        page = client.get(f"/r/{crisis_submission}/").content.decode()
    assert 'name="phone"' in page and 'name="confirm_by_sms"' not in page
    forget_recent_reads()  # settings changed: the shared page is rendered again
    with override_settings(**gateway, SMS_GATEWAY_URL="https://sms.example.org/send"):
        page = client.get(f"/r/{crisis_submission}/").content.decode()
    assert 'name="confirm_by_sms"' in page


NO_GATEWAY = {"SMS_BACKEND": "referrals.sms.HttpGatewayBackend", "SMS_GATEWAY_URL": ""}


@override_settings(**NO_GATEWAY, CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_without_a_gateway_the_api_takes_the_call_back_and_says_no_text_comes(
    api,
    crisis_submission,
    log_output,
):
    body = {"phone": PHONE, "consent": True, "confirm_by_sms": True}
    response = ask(api, crisis_submission, **body)
    assert response.status_code == 201
    assert response.json()["sms_confirmation"] is False
    assert PHONE not in response.content.decode()
    case = ReferralCase.objects.get()
    assert case.phone == PHONE and case.status == "new"
    # The team is told as ever; no text to the person is queued to fail and be retried.
    assert [(a.step, a.channel) for a in case.alerts.all()] == [("on_duty", "email")]
    assert run_worker() == []
    assert not Alert.objects.filter(channel="sms").exists()
    assert "a text confirmation was asked for, but none can be sent" in log_output.getvalue()
    assert PHONE not in log_output.getvalue()


@override_settings(**NO_GATEWAY)
def test_without_a_gateway_a_form_still_ticked_queues_no_text(
    client,
    crisis_submission,
):
    # A page rendered before the gateway went away still has the tick.
    response = client.post(
        f"/r/{crisis_submission}/callback/",
        {"phone": PHONE, "consent": "yes", "confirm_by_sms": "yes"},
    )
    assert response.status_code == 303
    assert ReferralCase.objects.get().phone == PHONE
    assert not Alert.objects.filter(step="confirmation").exists()


def test_the_result_says_beforehand_whether_a_text_is_offered(
    api,
    crisis_submission,
):
    from config.caching import forget_recent_reads

    def offered() -> bool:
        response = api.get(f"/api/v1/submissions/{crisis_submission}/")
        assert response.status_code == 200
        return response.json()["recommendation"]["sms_confirmation_offered"]

    # Settings changed: the shared parts (written when the result was made) are written again.
    forget_recent_reads()
    with override_settings(**NO_GATEWAY):
        assert offered() is False
    forget_recent_reads()
    with override_settings(**NO_GATEWAY | {"SMS_GATEWAY_URL": "https://sms.example.org/send"}):
        assert offered() is True
    forget_recent_reads()
    with override_settings(**MEMORY):
        assert offered() is True


@override_settings(**NO_GATEWAY)
def test_a_new_result_without_a_gateway_offers_no_text_either(api, demo_data):
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["recommendation"]["sms_confirmation_offered"] is False


SUPERVISOR_PHONE = "13800138000"


def supervisor_step(api, crisis_submission) -> ReferralCase:
    """A crisis call-back left untaken until the supervisor's step has been run."""
    with time_machine.travel(START, tick=False) as clock:
        assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
        clock.move_to(START + timedelta(minutes=30))
        assert run_worker() == []
    return ReferralCase.objects.get()


def case_page(client, case: ReferralCase) -> str:
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("boss", password="pw"))
    response = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode()


@override_settings(
    **MEMORY,
    CRISIS_TEAM_EMAILS=["crisis@example.org"],
    CRISIS_SUPERVISOR_EMAILS=["supervisor@example.org"],
    CRISIS_SUPERVISOR_PHONES=[SUPERVISOR_PHONE],
)
def test_with_a_gateway_the_supervisor_is_emailed_and_texted_and_no_note_says_otherwise(
    api,
    crisis_submission,
):
    case = supervisor_step(api, crisis_submission)
    steps = {(a.channel, a.status) for a in case.alerts.filter(step="supervisor")}
    assert steps == {("email", "sent"), ("sms", "sent")}
    assert [m.to for m in sms.outbox] == [SUPERVISOR_PHONE]
    assert not case.notes.exists()


@override_settings(
    **NO_GATEWAY,
    CRISIS_TEAM_EMAILS=["crisis@example.org"],
    CRISIS_SUPERVISOR_EMAILS=["supervisor@example.org"],
    CRISIS_SUPERVISOR_PHONES=[SUPERVISOR_PHONE],
)
def test_without_a_gateway_the_supervisor_is_emailed_and_no_text_is_queued(
    api,
    client,
    crisis_submission,
    log_output,
):
    from django.core import mail

    from referrals.ladder import raise_alerts

    case = supervisor_step(api, crisis_submission)
    # No text queued to fail and be retried for hours: the mail went, nothing waits.
    assert [(a.channel, a.status) for a in case.alerts.filter(step="supervisor")] == [
        ("email", "sent")
    ]
    assert mail.outbox[-1].to == ["supervisor@example.org"]
    assert not Alert.objects.filter(channel="sms").exists()
    with time_machine.travel(START + timedelta(hours=6), tick=False):
        assert run_worker() == []
    assert not Alert.objects.filter(channel="sms").exists()
    # The case says so, once, and nobody reading it thinks the supervisor was texted.
    [note] = case.notes.all()
    assert note.text == "未给督导发短信：本服务未配置短信网关。\n督导只通过电子邮件收到提醒。"
    assert note.author is None and not note.quotes_person
    raise_alerts(case, "supervisor")  # a step run twice (a requeued task) says it once
    assert case.notes.count() == 1
    page = case_page(client, case)
    assert "未给督导发短信" in page and SUPERVISOR_PHONE not in page
    logged = log_output.getvalue()
    assert "no text to the supervisor, none can be sent" in logged
    assert SUPERVISOR_PHONE not in logged and PHONE not in logged


@override_settings(
    **NO_GATEWAY,
    CRISIS_TEAM_EMAILS=["crisis@example.org"],
    CRISIS_SUPERVISOR_EMAILS=[],
    CRISIS_SUPERVISOR_PHONES=[SUPERVISOR_PHONE],
)
def test_without_a_gateway_a_supervisor_with_only_a_phone_step_tells_the_whole_team(
    api,
    crisis_submission,
):
    from django.core import mail

    case = supervisor_step(api, crisis_submission)
    # The step is not lost to a text that cannot go: the team is told again, as with no
    # supervisor set at all.
    [alert] = case.alerts.filter(step="supervisor")
    assert (alert.channel, alert.status, alert.to_whole_team) == ("email", "sent", True)
    assert alert.recipients == "crisis@example.org"
    assert mail.outbox[-1].to == ["crisis@example.org"]
    assert "30" in mail.outbox[-1].body
    assert not Alert.objects.filter(channel="sms").exists()
    assert "整个危机干预团队" in case.notes.get().text
