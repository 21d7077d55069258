"""The staff screens in real headless Chromium, saved as screenshots for review."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone, translation

from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_questionnaire_editor_shows_a_draft_with_its_questions(
    staff_browser, live_server, demo_data, staff_groups
):
    doctor = User.objects.create_user("doctor", password="x", is_staff=True)
    doctor.groups.add(Group.objects.get(name="Clinician"))
    draft = QuestionnaireVersion.objects.current_for("phq-9").new_draft()
    page = staff_browser(doctor)
    page.goto(f"{live_server.url}/admin/screening/questionnaireversion/{draft.pk}/change/")
    assert page.locator('textarea[name="questions-0-text_zh_hans"]').input_value() == (
        "做事时提不起劲或没有兴趣"
    )
    assert page.locator('input[name="_save"]').count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-questionnaire-editor.png", full_page=False)


def test_case_queue_lists_new_cases_first_with_masked_numbers(
    staff_browser, live_server, demo_data, staff_groups
):
    member = User.objects.create_user("crisis", password="x", is_staff=True)
    member.groups.add(Group.objects.get(name="Crisis team"))
    version = QuestionnaireVersion.objects.current_for("phq-9")
    for i, status in enumerate(["contacted", "new", "new"]):
        submission = Submission.create_from_answers(
            version=version, answers={f"phq9_{q}": 1 for q in range(1, 10)}, language="zh-hans"
        )
        ReferralCase.objects.create(
            submission=submission,
            phone=f"1391234{i:04d}",
            consent_at=timezone.now(),
            status=status,
        )
    page = staff_browser(member)
    page.goto(f"{live_server.url}/admin/referrals/referralcase/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    assert "139****0001" in rows.nth(0).inner_text()
    assert "13912340001" not in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-case-queue.png", full_page=False)


def test_a_versions_page_shows_each_questions_options_and_stays_short(
    staff_browser, live_server, demo_data, staff_groups
):
    from screening.models import Question

    doctor = User.objects.create_user("doctor", password="x", is_staff=True)
    doctor.groups.add(Group.objects.get(name="Clinician"))
    with translation.override("en"):  # as Chromium asks for it
        help_text = str(Question._meta.get_field("safety_item").help_text)
    live = QuestionnaireVersion.objects.current_for("phq-9")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for version in (live, live.new_draft()):
        page = staff_browser(doctor)
        page.goto(f"{live_server.url}/admin/screening/questionnaireversion/{version.pk}/change/")
        # It was 6,225 px tall, the help below repeated under each of the ten questions.
        assert page.evaluate("document.documentElement.scrollHeight") < 3500
        assert page.locator("body").inner_text().count(help_text) == 1
        options = page.locator("#questions-group tr:not(.empty-form) td.field-answer_options")
        assert options.count() == 10
        assert options.first.inner_text().startswith("0: Not at all · 1: Several days")
        page.screenshot(
            path=SCREENSHOTS
            / f"admin-version-{'draft' if version.published_at is None else 'live'}.png",
            full_page=True,
        )
