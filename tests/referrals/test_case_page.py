"""The queue and the case page, as a crisis worker reads them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db


def case_for(answers: dict, waited: timedelta = timedelta(0)) -> ReferralCase:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    )
    case = request_callback(submission=submission, phone="13912345678")[0]
    then = timezone.now() - waited
    ReferralCase.objects.filter(pk=case.pk).update(created_at=then, requested_at=then)
    return case


CRISIS = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}
SEVERE = {f"phq9_{i}": 3 for i in range(1, 9)} | {"phq9_9": 0}
MILD = {f"phq9_{i}": 1 for i in range(1, 6)} | {f"phq9_{i}": 0 for i in range(6, 10)}


def test_the_queue_leads_with_crisis_cases_then_overdue_then_the_longest_waiting(questionnaires):
    calm_long = case_for(MILD, timedelta(minutes=20))
    calm_overdue = case_for(SEVERE, timedelta(minutes=40))
    crisis_new = case_for(CRISIS, timedelta(minutes=1))
    crisis_overdue = case_for(CRISIS, timedelta(minutes=31))
    calm_new = case_for(MILD, timedelta(minutes=2))
    assert list(ReferralCase.objects.queue()) == [
        crisis_overdue,
        crisis_new,
        calm_overdue,
        calm_long,
        calm_new,
    ]


def test_the_queue_says_crisis_and_overdue_in_words_under_plain_headings(
    client, worker, questionnaires
):
    case_for(CRISIS)
    case_for(MILD, timedelta(minutes=40))
    page = client.get("/admin/referrals/referralcase/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "icon-yes.svg" not in html and "icon-no.svg" not in html
    assert ">PK<" not in html and "Case</a>" in html
    assert html.count('<strong class="errornote">crisis</strong>') == 1
    assert html.count('<strong class="errornote">overdue</strong>') == 1


def test_the_admin_calls_them_call_back_cases_as_the_statistics_do(client, worker, questionnaires):
    html = client.get("/admin/referrals/referralcase/").content.decode()
    assert "回电个案" in html and "转介个案" not in html


def test_the_case_page_says_which_rule_made_a_mild_band_a_crisis(client, worker, questionnaires):
    case = case_for(CRISIS)
    page = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "question 9 answered 1 (fires at 1 or more), a crisis rule" in page
    # Item 9 stands out among the answers; no other does.
    assert page.count('<tr class="fired">') == 1
    assert "fired a rule" in page
    # The empty row for a new note carries no time.
    written = page.split('<td class="field-written">')[1].split("</td>")[0]
    assert written.split() == ["<p></p>"]


def test_without_a_rule_the_page_says_the_band_gave_the_tier(client, worker, questionnaires):
    case = case_for(SEVERE)
    page = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The band of the total score" in page and "gives the tier" in page
    assert '<tr class="fired">' not in page
