"""A step-up keeps what the quick check was given with (the age band) and keeps the person's
results to themselves: the shared result page, the taken-on form's headers and the logs."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from config.logs import redact
from referrals.models import Hotline, ReferralCase
from screening import result_page
from screening.models import QuestionnaireVersion, Submission
from tests.clients import FormClient

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
PHQ4 = "/api/v1/questionnaires/phq-4/submissions/"
PHQ9 = "/api/v1/questionnaires/phq-9/submissions/"


def dialled(page: str) -> list[str]:
    """The numbers the page offers to call, each once, in the order first offered."""
    return list(dict.fromkeys(re.findall(r'href="tel:(\d+)"', page)))


def quick_check(client, depression=(2, 2), **extra) -> Submission:
    answers = {"phq4_1": 0, "phq4_2": 0, "phq4_3": depression[0], "phq4_4": depression[1]}
    response = client.post("/q/phq-4/", {k: str(v) for k, v in answers.items()} | extra)
    assert response.status_code == 303
    return Submission.objects.get(token=response["Location"].split("/")[2])


def fuller_check(client, earlier: Submission, item9: int = 2) -> Submission:
    sent = {f"phq9_{i}": "0" for i in range(3, 9)} | {"phq9_9": str(item9)}
    response = client.post("/q/phq-9/", sent | {"after": earlier.token})
    assert response.status_code == 303
    return Submission.objects.get(token=response["Location"].split("/")[2])


def test_a_fuller_check_on_another_phone_keeps_the_childs_age_band(client, demo_data):
    client.post("/age/", {"age_band": "under_14"})
    earlier = quick_check(client, age_band="under_14")
    # The sheet's QR code scanned on another phone: no age cookie there.
    other_phone = FormClient()
    later = fuller_check(other_phone, earlier)
    assert (later.age_band, later.crisis, later.follows_id) == ("under_14", True, earlier.pk)
    page = other_phone.get(later.result_path()).content.decode()
    assert dialled(page)[:2] == ["12356", "12355"]
    assert 'name="guardian_consent"' in page
    # No number from a child without a guardian's consent.
    refused = other_phone.post(f"/r/{later.token}/callback/", {"phone": PHONE, "consent": "yes"})
    assert refused.status_code == 400
    assert not ReferralCase.objects.exists()


def test_the_apis_fuller_check_keeps_the_quick_checks_age_band(api, demo_data):
    first = {"answers": {"phq4_1": 0, "phq4_2": 0, "phq4_3": 2, "phq4_4": 2}, "age_band": "14_17"}
    token = api.post(PHQ4, first, format="json").json()["token"]
    answers = {f"phq9_{i}": 0 for i in range(3, 10)}
    body = api.post(PHQ9, {"answers": answers, "follows": token}, format="json").json()
    assert body["age_band"] == "14_17"
    assert [h["number"] for h in body["hotlines"]][:2] == ["12356", "12355"]
    # A band sent again is the one that counts.
    sent = {"answers": answers, "follows": token, "age_band": "18_59"}
    again = api.post(PHQ9, sent, format="json").json()
    assert again["age_band"] == "18_59"
    assert "12355" not in [h["number"] for h in again["hotlines"]]


def test_a_phq_a_taken_without_an_age_band_still_lists_the_youth_line(api, demo_data):
    version = QuestionnaireVersion.objects.current_for("phq-a")
    answers = {
        q.code: min(o.value for o in q.options.all())
        for q in version.questions.all()
        if not q.is_text
    }
    body = api.post(
        "/api/v1/questionnaires/phq-a/submissions/",
        {"answers": answers | {"phqa_12": 1}},
        format="json",
    ).json()
    assert body["crisis"] is True
    assert [h["number"] for h in body["hotlines"]][:2] == ["12356", "12355"]
    # The same answers refused for a missing one: the help still names the youth line.
    del answers["phqa_1"]
    refused = api.post(
        "/api/v1/questionnaires/phq-a/submissions/",
        {"answers": answers | {"phqa_12": 1}},
        format="json",
    )
    assert refused.status_code == 400
    assert "12355" in [h["number"] for h in refused.json()["hotlines"]]


def test_12356_leads_a_minors_crisis_result_even_if_marked_for_young_people(api, demo_data):
    Hotline.objects.filter(number="12356").update(for_minors=True)
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    body = api.post(PHQ9, {"answers": answers, "age_band": "14_17"}, format="json").json()
    assert [h["number"] for h in body["hotlines"]][0] == "12356"
    assert "12355" in [h["number"] for h in body["hotlines"]]


def test_admin_refuses_to_mark_12356_for_young_people_only(demo_data):
    line = Hotline.objects.get(number="12356")
    line.for_minors = True
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "for_minors" in refused.value.message_dict


def test_a_shared_page_never_holds_a_fuller_checks_address(client, demo_data):
    first = quick_check(client, depression=(2, 2))
    token, _score, *kind = Submission.objects.kind_of(first.token)
    # The person's fuller check lands between the kind's read and the shared page's rendering.
    later = fuller_check(client, first, item9=0)
    request = RequestFactory().get(first.result_path())
    with translation.override("zh-hans"):
        shared = result_page.shared_page(request, token, tuple(kind))
    assert later.token not in shared
    # Someone else whose quick check is of the same kind gets that shared page: no link either.
    other = FormClient()
    second = quick_check(other, depression=(2, 2))
    page = other.get(second.result_path()).content.decode()
    assert later.token not in page
    assert f"?after={second.token}" in page  # their own way on


def test_the_form_taken_on_from_a_quick_check_is_private(client, demo_data):
    earlier = quick_check(client)
    response = client.get(f"/q/phq-9/?after={earlier.token}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert redact(f"GET /q/phq-9/?after={earlier.token}&help=1") == (
        "GET /q/phq-9/?after=<token>&help=1"
    )
