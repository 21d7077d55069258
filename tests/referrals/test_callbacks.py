"""Call-back requests: explicit consent, a valid number, one open case, never echoed or logged."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from referrals.callbacks import normalise_phone
from referrals.models import ReferralCase
from tests.referrals.callback_requests import PHONE, ask
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("010-82951332", "01082951332"),
        ("(0932) 1234567", "09321234567"),
        ("１３９１２３４５６７８", "13912345678"),
        ("（０１０）８２９５１３３２", "01082951332"),
        ("+86 10 8295 1332", "01082951332"),
        ("139——1234——5678", "13912345678"),
        ("139–1234–5678", "13912345678"),
        ("139.1234.5678", "13912345678"),
        ("139·1234·5678", "13912345678"),
        ("139/1234/5678", None),
        ("0931-4638908/9", None),
        ("1391234567/8", None),
        ("0931 4638908.0", None),
        ("13912345678.0", None),
        ("8613912345678", "13912345678"),
        ("86 139 1234 5678", "13912345678"),
        ("０９３１—４６３８９０８", "09314638908"),
        ("86 10 8295 1332", "01082951332"),
        ("86 8295 1332", None),
        ("139_1234_5678", None),
        ("+86 1391234567", None),
        ("01391234567", None),
        ("١٣٩١٢٣٤٥٦٧٨", None),
        ("12345", None),
        ("23912345678", None),
        ("1391234567", None),
        ("139123456789", None),
        ("12912345678", None),
        ("call me", None),
        ("", None),
        # Issued ranges and lengths, as libphonenumber knows them: 140 is no mobile range, 0300
        # no area code, and Beijing and Shanghai numbers have 8 digits.
        ("14012345678", None),
        ("03001234567", None),
        ("010-1234567", None),
        ("021 1234567", None),
        ("021 12345678", "02112345678"),
        ("0755-12345678", "075512345678"),
        ("19912345678", "19912345678"),
        ("400-161-9995", None),
        ("+1 650 253 0000", None),
        ("+86 010 8295 1332", "01082951332"),
    ],
)
def test_only_mainland_numbers_are_accepted(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("consent", [False, None, "yes", "true", 1])
def test_without_explicit_consent_it_is_400_and_nothing_is_stored(api, crisis_submission, consent):
    response = ask(api, crisis_submission, phone=PHONE, consent=consent)
    assert response.status_code == 400
    assert "consent" in response.json()
    assert PHONE not in response.content.decode()
    assert ReferralCase.objects.count() == 0


def test_missing_consent_is_400_naming_it(api, crisis_submission):
    response = ask(api, crisis_submission, phone=PHONE)
    assert response.status_code == 400
    assert "consent" in response.json()


@pytest.mark.parametrize("phone", ["12345", "2391234567", "not a phone", "", None])
def test_a_bad_number_is_400_naming_the_phone(api, crisis_submission, phone):
    response = ask(api, crisis_submission, phone=phone, consent=True)
    assert response.status_code == 400
    assert "phone" in response.json()
    assert ReferralCase.objects.count() == 0


def test_a_deeply_nested_body_is_400_and_opens_no_case(api, crisis_submission):
    response = api.post(
        f"/api/v1/submissions/{crisis_submission}/callback/",
        b"[" * 10_000 + b"]" * 10_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 内容嵌套层次太深。"
    assert ReferralCase.objects.count() == 0


def test_unknown_submission_is_404_in_the_apis_words(api, demo_data):
    response = ask(api, "no-such-token", phone=PHONE, consent=True)
    assert response.status_code == 404
    assert response.json()["detail"] == "找不到这份结果。"
    assert response.json()["hotlines"][0]["number"] == "12356"


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_a_request_opens_a_case_and_notifies_the_team_without_the_number(
    api, crisis_submission, caplog
):
    caplog.set_level(logging.DEBUG)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # the person reads English; the team Chinese
    response = ask(
        api,
        crisis_submission,
        phone="139 1234 5678",
        consent=True,
        preferred_time="晚上",
        note="想找人聊聊",
    )
    assert response.status_code == 201
    assert mail.outbox == [], "the workers tell the team, not the request"
    assert run_worker() == []
    assert response.json()["status"] == "new"
    assert response.json()["created"] is True
    assert "5678" not in response.content.decode()

    case = ReferralCase.objects.get()
    assert case.phone == PHONE
    assert case.submission.token == crisis_submission
    assert case.preferred_time == "晚上"
    assert case.notified_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["crisis@example.org"]
    assert message.subject == f"[callback] 个案 {case.pk}：phq-9，重度：危机转介 CRISIS"
    assert "请在30分钟内首次联系。" in message.body, "the team's language, not the person's"
    assert f"/admin/referrals/referralcase/{case.pk}/change/" in message.body
    assert PHONE not in message.subject + message.body
    assert PHONE not in caplog.text and "1234 5678" not in caplog.text


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_a_repeat_request_updates_the_open_case_and_keeps_what_was_said_before(
    api, crisis_submission
):
    first = ask(
        api, crisis_submission, phone=PHONE, consent=True, preferred_time="晚上", note="想聊聊"
    )
    assert first.status_code == 201
    # Only a new number: the earlier time and note stay.
    again = ask(api, crisis_submission, phone="13800138000", consent=True)
    assert run_worker() == []
    assert again.status_code == 200
    assert again.json() == first.json() | {"created": False}
    case = ReferralCase.objects.get()
    assert (case.phone, case.preferred_time, case.note) == ("13800138000", "晚上", "想聊聊")
    assert case.notes.get().text == "此人再次请求回电。\n此人留了另一个电话号码（见上方）。"
    assert len(mail.outbox) == 1, "a case the team has not called yet is not announced twice"
    assert case.requested_at - case.created_at < timedelta(seconds=1), "keeps its queue place"

    # A new time and note replace the old ones, which the case's notes keep.
    ask(api, crisis_submission, phone="13800138000", consent=True, preferred_time="上午", note="急")
    case.refresh_from_db()
    assert (case.preferred_time, case.note) == ("上午", "急")
    assert case.notes.last().text == (
        "此人再次请求回电。\n之前希望的回电时间：晚上\n之前的留言：想聊聊"
    )
    assert all(
        "13800138000" not in note.text and PHONE not in note.text for note in case.notes.all()
    )


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_asking_again_after_being_contacted_makes_the_case_new_and_tells_the_team(
    api, crisis_submission
):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    assert run_worker() == []
    case = ReferralCase.objects.get()
    case.status = ReferralCase.Status.CONTACTED
    case.save()
    first_told = case.notified_at
    again = ask(api, crisis_submission, phone=PHONE, consent=True)
    assert run_worker() == []
    assert again.status_code == 200
    assert again.json()["status"] == "new"
    case.refresh_from_db()
    assert case.status == ReferralCase.Status.NEW
    assert case.first_contact_at is not None, "the first contact stays on record"
    assert len(mail.outbox) == 2
    assert case.notified_at > first_told
    assert "此人曾被联系过，个案已改回待处理。" in case.notes.get().text
    # The team has 30 minutes from this request, not from the case's opening.
    assert case.requested_at > case.created_at
    assert not case.is_overdue()
    assert case.is_overdue(now=case.requested_at + timedelta(minutes=31))
    assert list(ReferralCase.objects.overdue(now=case.requested_at + timedelta(minutes=29))) == []


def test_after_a_case_is_closed_a_new_request_opens_a_new_one(api, crisis_submission):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    case = ReferralCase.objects.get()
    case.status = ReferralCase.Status.CLOSED
    case.save()
    assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
    assert ReferralCase.objects.count() == 2
