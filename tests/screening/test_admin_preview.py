"""A version's preview in admin: answered like the villagers' form, its result stored nowhere."""

import pytest
from django.contrib.auth.models import Group, User

from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/screening/questionnaireversion/"


@pytest.fixture
def cut_off_8(questionnaires):
    """A draft of PHQ-9 with the moderate band from 8 (as for rural adults over 60)."""
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1).new_draft()
    draft.bands.filter(code="mild").update(max_score=7)
    draft.bands.filter(code="moderate").update(min_score=8)
    return draft


def sheet(total: int, item9: int = 0) -> dict:
    """PHQ-9 answers adding up to ``total`` over items 1–8, and item 9."""
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    for i in range(total):
        answers[f"phq9_{i % 8 + 1}"] += 1
    answers["phq9_9"] = item9
    return {"version": "2", **answers}


def test_the_preview_form_can_be_sent(admin_client, cut_off_8):
    page = admin_client.get(f"{CHANGELIST}{cut_off_8.pk}/preview/").content.decode()
    assert '<button type="submit" class="button">' in page


def test_a_preview_shows_the_result_page_of_the_drafts_bands_and_stores_nothing(
    admin_client, cut_off_8, demo_data
):
    page = admin_client.post(
        f"{CHANGELIST}{cut_off_8.pk}/preview/", sheet(8), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Score 8 of 27 · band “Moderate” (moderate) · tier: Moderate: talk to an expert" in text
    assert "Talk to an expert" in text, "the moderate next step: livestreams and expert hours"
    assert "Your result" in text
    assert not Submission.objects.exists()
    # The live version still calls 8 mild.
    live = QuestionnaireVersion.objects.current_for("phq-9")
    answers = sheet(8)
    del answers["version"]
    assert live.score(answers).tier == "mild"


def test_a_preview_of_a_crisis_shows_the_crisis_help_and_opens_no_case(
    admin_client, cut_off_8, demo_data
):
    page = admin_client.post(
        f"{CHANGELIST}{cut_off_8.pk}/preview/", sheet(2, item9=1), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "crisis" in page and "12356" in page
    assert "Ask for a call-back" in page
    assert not Submission.objects.exists() and not ReferralCase.objects.exists()


def test_a_preview_sheet_with_missing_answers_comes_back_as_the_villagers_would(
    admin_client, cut_off_8
):
    answers = sheet(8)
    del answers["phq9_3"]
    page = admin_client.post(
        f"{CHANGELIST}{cut_off_8.pk}/preview/", answers, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    assert 'href="#q-phq9_3"' in page.content.decode()


def test_a_preview_of_a_draft_whose_bands_leave_a_gap_says_so(admin_client, cut_off_8):
    cut_off_8.bands.filter(code="moderate").update(min_score=9)
    page = admin_client.post(
        f"{CHANGELIST}{cut_off_8.pk}/preview/", sheet(8), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    assert "This version cannot score these answers: no band covers the total 8." in (
        page.content.decode()
    )


def test_previews_count_against_no_ones_limit(admin_client, client, cut_off_8, settings):
    settings.THROTTLE_SUBMISSIONS = "1/minute"
    for _ in range(3):
        assert admin_client.post(f"{CHANGELIST}{cut_off_8.pk}/preview/", sheet(8)).status_code == (
            200
        )
    villager = client.post("/q/phq-9/", sheet(3) | {"version": "1"})
    assert villager.status_code == 303
    assert Submission.objects.count() == 1


def test_only_staff_who_may_see_versions_preview_them(client, cut_off_8, staff_groups):
    url = f"{CHANGELIST}{cut_off_8.pk}/preview/"
    assert client.post(url, sheet(8)).status_code == 302  # to the login
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    assert client.post(url, sheet(8)).status_code == 403
