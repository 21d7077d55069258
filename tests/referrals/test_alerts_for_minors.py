"""The crisis team's alerts say, before anyone rings back, when the person is a minor, and under
14 whether a guardian's consent was recorded: a text carries only the subject, so it says MINOR."""

import pytest
from django.core import mail
from django.test import override_settings

from referrals.alerts import alert_text, webhook_payload
from referrals.callbacks import request_callback
from referrals.models import Alert, ReferralCase
from screening.models import QuestionnaireVersion, Submission
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
SEVERE = {f"phq9_{i}": 3 for i in range(1, 9)} | {"phq9_9": 0}


def calm_answers(version: QuestionnaireVersion) -> dict[str, int]:
    return {
        question.code: min(option.value for option in question.options.all())
        for question in version.questions.prefetch_related("options")
        if question.options.all()
    }


def case_for(age_band: str = "", slug: str = "phq-9", consent: bool = False) -> ReferralCase:
    version = QuestionnaireVersion.objects.current_for(slug)
    answers = SEVERE if slug == "phq-9" else calm_answers(version)
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans", age_band=age_band
    )
    return request_callback(submission=submission, phone=PHONE, guardian_consent=consent)[0]


def first_alert(case: ReferralCase, language: str = "en") -> mail.EmailMessage:
    with override_settings(LANGUAGE_CODE=language):
        assert run_worker() == []
    [message] = mail.outbox
    assert str(case.pk) in message.subject
    assert PHONE not in message.subject + message.body
    return message


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_a_child_under_14_with_consent(questionnaires):
    message = first_alert(case_for("under_14", consent=True))
    assert message.subject.endswith(" MINOR")
    assert "The person is a minor: Under 14." in message.body
    assert "Under 14: a guardian's consent to the call-back is recorded." in message.body


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_14_to_17_is_a_minor_and_no_consent_is_spoken_of(questionnaires):
    message = first_alert(case_for("14_17"))
    assert message.subject.endswith(" MINOR")
    assert "The person is a minor: 14–17." in message.body
    assert "guardian" not in message.body


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_the_phq_a_taken_without_an_age_is_a_minors(more_questionnaires):
    message = first_alert(case_for(slug="phq-a"))
    assert "MINOR" in message.subject
    assert "no age given, on a questionnaire for under-18s" in message.body


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
@pytest.mark.parametrize("age_band", ["", "18_59", "60_plus"])
def test_an_adult_or_no_age_adds_nothing(questionnaires, age_band):
    message = first_alert(case_for(age_band))
    assert "MINOR" not in message.subject
    assert "minor" not in message.body


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_the_team_reads_it_in_chinese(questionnaires):
    message = first_alert(case_for("under_14", consent=True), language="zh-hans")
    assert "未成年" in message.body and "监护人" in message.body


@override_settings(CRISIS_WEBHOOK_URL="https://hooks.example.org/crisis")
@pytest.mark.parametrize(("age_band", "minor"), [("under_14", True), ("14_17", True), ("", False)])
def test_the_json_webhook_says_whether_the_person_is_a_minor(questionnaires, age_band, minor):
    # Its receiver writes its own message from the fields: without one, a child's case would
    # reach whoever rings back as an adult's.
    case = case_for(age_band, consent=True)
    alert = Alert.objects.get(case=case, channel=Alert.Channel.WEBHOOK)
    payload = webhook_payload(alert, *alert_text(case, alert.step))
    assert payload["minor"] is minor
    assert PHONE not in str(payload)
