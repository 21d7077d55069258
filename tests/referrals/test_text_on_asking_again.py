"""Someone whose call-back is still waiting, who asks again and only now ticks the text, gets the
confirmation text: once for the request, and only when texts can be sent."""

import pytest
from django.test import override_settings

from referrals import sms
from referrals.models import Alert
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
MEMORY = {"SMS_BACKEND": "referrals.sms.MemoryBackend"}


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def token(api, demo_data) -> str:
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    )
    return response.json()["token"]


def ask(api, token: str, **body):
    body = {"phone": PHONE, "consent": True} | body
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")


@override_settings(**MEMORY)
def test_a_waiting_case_asked_again_with_the_text_sends_it_once(api, token):
    first = ask(api, token)
    assert first.status_code == 201 and first.json()["sms_confirmation"] is False
    assert run_worker() == [] and sms.outbox == []
    again = ask(api, token, confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is True
    assert run_worker() == []
    [message] = sms.outbox
    assert message.to == PHONE and "12356" in message.text
    # A third ask answers from the text already sent: no second one.
    third = ask(api, token, confirm_by_sms=True)
    assert third.status_code == 200 and third.json()["sms_confirmation"] is True
    assert run_worker() == [] and len(sms.outbox) == 1
    assert Alert.objects.filter(step=Alert.Step.CONFIRMATION).count() == 1


@override_settings(SMS_BACKEND="referrals.sms.HttpGatewayBackend", SMS_GATEWAY_URL="")
def test_without_a_gateway_asking_again_queues_no_text(api, token):
    assert not sms.can_send()
    ask(api, token)
    again = ask(api, token, confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is False
    assert not Alert.objects.filter(step=Alert.Step.CONFIRMATION).exists()


@override_settings(**MEMORY)
def test_asking_again_with_a_new_number_sends_the_text_there_too(api, token):
    first = ask(api, token, confirm_by_sms=True)
    assert first.json()["sms_confirmation"] is True
    assert run_worker() == [] and [m.to for m in sms.outbox] == [PHONE]
    again = ask(api, token, phone="13800138000", confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is True
    assert run_worker() == []
    assert [m.to for m in sms.outbox] == [PHONE, "13800138000"]
    # The same number again: answered already.
    ask(api, token, phone="13800138000", confirm_by_sms=True)
    assert run_worker() == [] and len(sms.outbox) == 2


@override_settings(**MEMORY)
def test_a_new_number_without_the_text_ticked_gets_none(api, token):
    ask(api, token, confirm_by_sms=True)
    assert run_worker() == []
    again = ask(api, token, phone="13800138000")
    assert again.json()["sms_confirmation"] is True  # the earlier text went, to the old number
    assert run_worker() == [] and len(sms.outbox) == 1
