"""Minors: the youth line 12355 beside 12356 on their results (page, API, PDF), and from a child
under 14 no call-back number without a parent's or guardian's consent (PIPL art. 31)."""

import re

import pytest

from referrals.models import Hotline, ReferralCase
from screening.models import Submission
from tests.screening.pdf_sheets import get_pdf, poppler

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
SHEETS = {
    "mild": (1, 1, 1, 1, 1, 1, 0, 0, 0),
    "severe": (3, 3, 3, 3, 3, 3, 3, 3, 0),
    "crisis": (0, 0, 0, 0, 0, 0, 0, 0, 2),
}


def submit(api, kind: str, age_band=None, channel=None) -> dict:
    answers = {f"phq9_{i}": v for i, v in enumerate(SHEETS[kind], 1)}
    body = {"answers": answers}
    if age_band is not None:
        body["age_band"] = age_band
    if channel:
        body["channel"] = channel
    response = api.post("/api/v1/questionnaires/phq-9/submissions/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def numbers(hotlines: list[dict]) -> list[str]:
    return [line["number"] for line in hotlines]


def page_numbers(client, token: str) -> list[str]:
    page = client.get(f"/r/{token}/").content.decode()
    return re.findall(r'href="tel:(\d+)"', page)


# The youth line


def test_12355_is_in_the_data_as_a_line_for_young_people(hotlines):
    line = Hotline.objects.get(number="12355")
    assert line.for_minors and line.is_national and line.active
    assert line.last_verified is not None
    assert "12355" not in [h.number for h in Hotline.objects.serving("")]
    assert "12355" in [h.number for h in Hotline.objects.serving("", minor=True)]


@pytest.mark.parametrize("kind", SHEETS)
@pytest.mark.parametrize("band", ["under_14", "14_17"])
def test_a_minor_gets_12355_right_after_12356_in_the_api(api, demo_data, kind, band):
    result = submit(api, kind, band)
    listed = numbers(result["hotlines"])
    assert "12355" in listed
    assert listed.index("12356") + 1 == listed.index("12355")
    youth = next(line for line in result["hotlines"] if line["number"] == "12355")
    assert youth["for_minors"] is True and youth["last_verified"]
    if kind != "mild":
        assert numbers(result["recommendation"]["hotlines"])[:2] == ["12356", "12355"]


@pytest.mark.parametrize("kind", SHEETS)
@pytest.mark.parametrize("band", [None, "", "18_59", "60_plus"])
def test_an_adult_or_someone_without_an_age_gets_no_12355(api, demo_data, kind, band):
    result = submit(api, kind, band)
    assert "12355" not in numbers(result["hotlines"])
    assert "12356" in numbers(result["hotlines"])


def test_on_a_crisis_12356_still_leads_then_12355(api, demo_data):
    result = submit(api, "crisis", "14_17", channel="demo")
    assert numbers(result["hotlines"])[:2] == ["12356", "12355"]


def test_after_a_local_line_12356_still_comes_before_12355(api, demo_data):
    Hotline.objects.create(
        name="甘肃省心理援助热线", number="0931-2345678", region="62", last_verified="2026-11-24"
    )
    listed = numbers(submit(api, "mild", "14_17", channel="demo-gansu")["hotlines"])
    assert listed.index("12356") < listed.index("12355")
    assert listed.index("12356") + 1 == listed.index("12355")


@pytest.mark.parametrize("kind", SHEETS)
def test_the_result_page_lists_12355_for_minors_only(api, client, demo_data, kind):
    minor = page_numbers(client, submit(api, kind, "14_17")["token"])
    assert "12355" in minor and minor.index("12356") < minor.index("12355")
    adult = page_numbers(client, submit(api, kind, "18_59")["token"])
    assert "12355" not in adult and "12356" in adult


@pytest.mark.parametrize("kind", ["mild", "crisis"])
def test_the_pdf_sheet_lists_12355_for_minors_only(api, client, demo_data, tmp_path, kind):
    minor = submit(api, kind, "under_14")["token"]
    text = poppler(tmp_path, "pdftotext", get_pdf(client, f"/r/{minor}/pdf/").content)
    assert "12355" in text and text.index("12356") < text.index("12355")
    adult = submit(api, kind, "60_plus")["token"]
    text = poppler(tmp_path, "pdftotext", get_pdf(client, f"/r/{adult}/pdf/").content)
    assert "12356" in text and "12355" not in text


def test_the_crisis_help_on_a_refused_sheet_has_12355_for_a_minor(api, demo_data):
    answers = {"phq9_9": 2}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/",
        {"answers": answers, "age_band": "14_17"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["crisis"] is True
    assert numbers(response.json()["hotlines"])[:2] == ["12356", "12355"]


# Under 14: the call-back needs a guardian's consent


def test_the_page_for_a_child_says_tell_a_parent_and_asks_for_a_guardians_consent(
    api, client, demo_data
):
    token = submit(api, "crisis", "under_14")["token"]
    page = client.get(f"/r/{token}/").content.decode()
    assert "告诉爸爸妈妈、老师或村医" in page
    assert re.search(r'<input type="checkbox" name="guardian_consent" value="yes" required', page)
    assert "我的父母或监护人在身边，并同意留下电话" in page
    assert page.index("告诉爸爸妈妈、老师或村医") < page.index('name="phone"')


@pytest.mark.parametrize("band", ["14_17", "18_59", ""])
def test_older_people_are_not_asked_for_a_guardians_consent(api, client, demo_data, band):
    token = submit(api, "crisis", band)["token"]
    page = client.get(f"/r/{token}/").content.decode()
    assert 'name="guardian_consent"' not in page and "告诉爸爸妈妈" not in page
    assert 'name="phone"' in page


def test_the_form_refuses_a_childs_number_without_the_guardians_tick(api, client, demo_data):
    token = submit(api, "crisis", "under_14")["token"]
    response = client.post(f"/r/{token}/callback/", {"phone": PHONE, "consent": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="guardian-consent-error"' in page and "监护人" in page
    # The hotlines are still there, 12356 first (after the one atop every page), then 12355.
    assert re.findall(r'href="tel:(\d+)"', page)[:3] == ["12356", "12356", "12355"]
    assert PHONE not in page
    assert not ReferralCase.objects.exists()


def test_the_form_takes_a_childs_number_with_the_guardians_tick(api, client, demo_data):
    token = submit(api, "crisis", "under_14")["token"]
    response = client.post(
        f"/r/{token}/callback/", {"phone": PHONE, "consent": "yes", "guardian_consent": "yes"}
    )
    assert response.status_code == 303
    case = ReferralCase.objects.get()
    assert case.guardian_consent is True and case.phone == PHONE


def ask(api, token, **body):
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")


@pytest.mark.parametrize("guardian", [None, False, "true", 1, "yes"])
def test_the_api_refuses_a_childs_number_without_json_true(api, demo_data, guardian):
    token = submit(api, "severe", "under_14")["token"]
    body = {"phone": PHONE, "consent": True}
    if guardian is not None:
        body["guardian_consent"] = guardian
    response = ask(api, token, **body)
    assert response.status_code == 400
    refusal = response.json()
    assert "guardian_consent" in refusal
    # Hotlines never need consent: the refusal carries them, 12356 first.
    assert numbers(refusal["hotlines"])[:2] == ["12356", "12355"]
    assert PHONE not in response.content.decode()
    assert not ReferralCase.objects.exists()


def test_the_api_takes_a_childs_number_with_the_guardians_consent(api, demo_data):
    result = submit(api, "severe", "under_14")
    assert result["recommendation"]["guardian_consent_needed"] is True
    response = ask(api, result["token"], phone=PHONE, consent=True, guardian_consent=True)
    assert response.status_code == 201
    assert ReferralCase.objects.get().guardian_consent is True


@pytest.mark.parametrize("band", ["14_17", "18_59", "60_plus", None])
def test_no_guardian_is_asked_of_anyone_14_or_over(api, demo_data, band):
    result = submit(api, "severe", band)
    assert result["recommendation"]["guardian_consent_needed"] is False
    response = ask(api, result["token"], phone=PHONE, consent=True)
    assert response.status_code == 201
    assert ReferralCase.objects.get().guardian_consent is False


@pytest.mark.parametrize("guardian", [None, "maybe", [], [True], {"yes": True}, 2.5])
def test_the_api_refuses_a_childs_malformed_consent_as_no_consent(api, demo_data, guardian):
    token = submit(api, "crisis", "under_14")["token"]
    response = ask(api, token, phone=PHONE, consent=True, guardian_consent=guardian)
    assert response.status_code == 400
    refusal = response.json()
    # The same clear refusal as without the field, naming it, not a type error.
    [reason] = refusal["guardian_consent"]
    assert "监护人" in reason and "boolean" not in reason
    assert numbers(refusal["hotlines"])[:2] == ["12356", "12355"]
    assert not ReferralCase.objects.exists()


@pytest.mark.parametrize("band", ["18_59", "14_17", None])
@pytest.mark.parametrize("guardian", [None, "maybe", [], [True], {"yes": True}, 2.5, "true"])
def test_a_malformed_guardian_consent_never_refuses_an_older_persons_call_back(
    api, demo_data, band, guardian
):
    token = submit(api, "crisis", band)["token"]
    response = ask(api, token, phone=PHONE, consent=True, guardian_consent=guardian)
    assert response.status_code == 201, response.json()
    case = ReferralCase.objects.get()
    assert case.phone == PHONE and case.guardian_consent is False


@pytest.mark.parametrize("band", ["18_59", "14_17", None])
def test_a_guardians_consent_is_not_recorded_for_anyone_14_or_over(api, client, demo_data, band):
    token = submit(api, "crisis", band)["token"]
    response = ask(api, token, phone=PHONE, consent=True, guardian_consent=True)
    assert response.status_code == 201
    assert ReferralCase.objects.get().guardian_consent is False
    # Nor by the form, ticked by hand or by a page kept from a child's result.
    other = submit(api, "crisis", band)["token"]
    response = client.post(
        f"/r/{other}/callback/", {"phone": PHONE, "consent": "yes", "guardian_consent": "yes"}
    )
    assert response.status_code == 303
    assert not ReferralCase.objects.filter(guardian_consent=True).exists()


def test_request_callback_itself_refuses_a_child_without_consent(api, demo_data):
    from referrals.callbacks import GuardianConsentMissing, request_callback

    submission = Submission.objects.get(token=submit(api, "severe", "under_14")["token"])
    with pytest.raises(GuardianConsentMissing):
        request_callback(submission=submission, phone=PHONE)
    assert not ReferralCase.objects.exists()


def test_results_of_each_age_group_get_their_own_shared_page(api, client, demo_data):
    # The page is rendered once per kind of result: the age group is part of the kind, so an
    # adult's crisis page, shown first, is never what a child of the same answers sees.
    pages = {
        band: client.get(f"/r/{submit(api, 'crisis', band)['token']}/").content.decode()
        for band in ("18_59", "14_17", "under_14")
    }
    assert 'name="guardian_consent"' in pages["under_14"]
    assert 'name="guardian_consent"' not in pages["14_17"] + pages["18_59"]
    assert "tel:12355" in pages["14_17"] and "tel:12355" in pages["under_14"]
    assert "tel:12355" not in pages["18_59"]
