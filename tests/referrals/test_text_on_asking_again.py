"""Someone whose call-back is still waiting, who asks again and only now ticks the text, gets the
confirmation text: once for the request, and only when texts can be sent."""

import pytest
from django.test import override_settings

from referrals import sms
from referrals.models import Alert
from tests.referrals import callback_requests
from tests.referrals.callback_requests import PHONE
from tests.referrals.workers import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_sms_outbox")]
MEMORY = {"SMS_BACKEND": "referrals.sms.MemoryBackend"}


def ask(api, token: str, **body):
    """A call-back request with consent, at PHONE unless ``body`` says another number."""
    return callback_requests.ask(api, token, **({"phone": PHONE, "consent": True} | body))


@override_settings(**MEMORY)
def test_a_waiting_case_asked_again_with_the_text_sends_it_once(api, crisis_submission):
    first = ask(api, crisis_submission)
    assert first.status_code == 201 and first.json()["sms_confirmation"] is False
    assert run_worker() == [] and sms.outbox == []
    again = ask(api, crisis_submission, confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is True
    assert run_worker() == []
    [message] = sms.outbox
    assert message.to == PHONE and "12356" in message.text
    # A third ask answers from the text already sent: no second one.
    third = ask(api, crisis_submission, confirm_by_sms=True)
    assert third.status_code == 200 and third.json()["sms_confirmation"] is True
    assert run_worker() == [] and len(sms.outbox) == 1
    assert Alert.objects.filter(step=Alert.Step.CONFIRMATION).count() == 1


@override_settings(SMS_BACKEND="referrals.sms.HttpGatewayBackend", SMS_GATEWAY_URL="")
def test_without_a_gateway_asking_again_queues_no_text(api, crisis_submission):
    assert not sms.can_send()
    ask(api, crisis_submission)
    again = ask(api, crisis_submission, confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is False
    assert not Alert.objects.filter(step=Alert.Step.CONFIRMATION).exists()


@override_settings(**MEMORY)
def test_asking_again_with_a_new_number_sends_the_text_there_too(api, crisis_submission):
    first = ask(api, crisis_submission, confirm_by_sms=True)
    assert first.json()["sms_confirmation"] is True
    assert run_worker() == [] and [m.to for m in sms.outbox] == [PHONE]
    again = ask(api, crisis_submission, phone="13800138000", confirm_by_sms=True)
    assert again.status_code == 200 and again.json()["sms_confirmation"] is True
    assert run_worker() == []
    assert [m.to for m in sms.outbox] == [PHONE, "13800138000"]
    # The same number again: answered already.
    ask(api, crisis_submission, phone="13800138000", confirm_by_sms=True)
    assert run_worker() == [] and len(sms.outbox) == 2


@override_settings(**MEMORY)
def test_a_new_number_without_the_text_ticked_gets_none(api, crisis_submission):
    ask(api, crisis_submission, confirm_by_sms=True)
    assert run_worker() == []
    again = ask(api, crisis_submission, phone="13800138000")
    assert again.json()["sms_confirmation"] is True  # the earlier text went, to the old number
    assert run_worker() == [] and len(sms.outbox) == 1
