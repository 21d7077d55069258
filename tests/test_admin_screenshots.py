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
        # It was 6,225 px tall, the help below repeated under each of the ten questions (now
        # eleven, with the closing free-text question).
        assert page.evaluate("document.documentElement.scrollHeight") < 3500
        assert page.locator("body").inner_text().count(help_text) == 1
        options = page.locator("#questions-group tr:not(.empty-form) td.field-answer_options")
        assert options.count() == 11
        assert options.first.inner_text().startswith("0: Not at all · 1: Several days")
        page.screenshot(
            path=SCREENSHOTS
            / f"admin-version-{'draft' if version.published_at is None else 'live'}.png",
            full_page=True,
        )


def clinician(staff_groups) -> User:
    doctor = User.objects.create_user("doctor", password="x", is_staff=True)
    doctor.groups.add(Group.objects.get(name="Clinician"))
    return doctor


def moderate_from_8() -> QuestionnaireVersion:
    """A draft of PHQ-9 whose moderate band starts at 8 instead of 10."""
    draft = QuestionnaireVersion.objects.current_for("phq-9").new_draft()
    draft.bands.filter(code="mild").update(max_score=7)
    draft.bands.filter(code="moderate").update(min_score=8)
    return draft


def test_a_clinician_answers_a_drafts_preview_and_sees_its_result_page(
    staff_browser, live_server, demo_data, staff_groups
):
    draft = moderate_from_8()
    page = staff_browser(clinician(staff_groups), width=420, height=900)
    page.goto(f"{live_server.url}/admin/screening/questionnaireversion/{draft.pk}/change/")
    page.get_by_role("link", name="Preview and try").click()
    # 8 points: items 1–8 at "several days", item 9 "not at all".
    for item in range(1, 10):
        page.check(f'input[name="phq9_{item}"][value="{1 if item < 9 else 0}"]')
    page.get_by_role("button", name="See my result").click()
    note = page.locator("#preview-note")
    assert "Score 8 of 27 · band “Moderate” (moderate)" in note.inner_text()
    assert page.get_by_role("heading", name="Talk to an expert").count() == 1
    assert not Submission.objects.exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-preview-result.png", full_page=False)
    # The live version still calls the same sheet mild.
    page.goto(f"{live_server.url}/admin/screening/questionnaireversion/1/preview/")
    for item in range(1, 10):
        page.check(f'input[name="phq9_{item}"][value="{1 if item < 9 else 0}"]')
    page.get_by_role("button", name="See my result").click()
    assert "band “Mild” (mild)" in page.locator("#preview-note").inner_text()
    assert not Submission.objects.exists()


def test_a_clinician_publishes_a_draft_after_seeing_what_changes(
    staff_browser, live_server, demo_data, staff_groups
):
    draft = moderate_from_8()
    page = staff_browser(clinician(staff_groups))
    page.goto(f"{live_server.url}/admin/screening/questionnaireversion/{draft.pk}/change/")
    page.get_by_role("link", name="Publish…").click()
    rows = page.locator("#changes tbody tr")
    assert rows.count() == 2
    assert rows.nth(1).inner_text().split("\t") == ["Band “moderate”", "from score", "10", "8"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-publish-confirmation.png", full_page=False)
    draft.refresh_from_db()
    assert not draft.is_published, "the page asks first"
    page.get_by_role("button", name="Yes, publish (make live)").click()
    assert "PHQ-9 depression screen v2 is now live." in page.locator(".messagelist").inner_text()
    assert QuestionnaireVersion.objects.current_for("phq-9") == draft
    page.goto(f"{live_server.url}/admin/screening/questionnaireversion/")
    listed = page.locator("#result_list tbody").inner_text()
    assert "replaced by v2" in listed
