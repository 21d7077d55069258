"""Every API refusal but a field error carries the national hotlines, 12356 first.

Whoever is turned away (a questionnaire renamed while they answered it, an app sending what the
API cannot read) may be in crisis and has just lost their answers; a field error is for the app
to show beside the field instead.
"""

import json

import pytest

from referrals.models import ReferralCase
from screening.models import Questionnaire, Submission

pytestmark = pytest.mark.django_db
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
ANSWERS = {f"phq9_{i}": 1 for i in range(1, 9)} | {"phq9_9": 0}  # no crisis
NATIONAL = ["12356", "400-161-9995"]


def numbers(response) -> list[str]:
    return [line["number"] for line in response.json()["hotlines"]]


@pytest.fixture
def token(api, demo_data) -> str:
    return api.post(SUBMIT, {"answers": ANSWERS}, format="json").json()["token"]


@pytest.mark.parametrize(
    "body, content_type, status, key",
    [
        ('{"answers": {"phq9_1": 1,', "application/json", 400, "detail"),  # cut off in transit
        ("null", "application/json", 400, "non_field_errors"),  # JSON, but no answer sheet
        ('["phq9_1", 1]', "application/json", 400, "non_field_errors"),
        (json.dumps({"answers": ANSWERS}), "text/plain", 415, "detail"),
        ("answers=1", "application/x-www-form-urlencoded", 415, "detail"),
        (json.dumps({"answers": ANSWERS, "note": "x" * 70_000}), "application/json", 413, "detail"),
    ],
)
def test_an_unreadable_answer_sheet_is_refused_with_the_hotlines(
    api, demo_data, body, content_type, status, key
):
    response = api.generic("POST", SUBMIT, body, content_type=content_type)
    assert response.status_code == status
    assert response.json()[key]
    assert numbers(response) == NATIONAL
    assert Submission.objects.count() == 0


def test_answers_to_a_questionnaire_renamed_meanwhile_get_the_hotlines(api, demo_data):
    # A clinician gives PHQ-9 a new address while someone is answering it at the old one.
    questionnaire = Questionnaire.objects.get(slug="phq-9")
    questionnaire.slug = "phq-9-2027"
    questionnaire.save()
    response = api.post(SUBMIT, {"answers": ANSWERS}, format="json")
    assert response.status_code == 404
    assert numbers(response) == NATIONAL
    assert Submission.objects.count() == 0


def test_an_answer_sheet_no_renderer_can_answer_gets_the_hotlines(api, demo_data):
    response = api.post(SUBMIT, {"answers": ANSWERS}, format="json", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406
    assert numbers(response) == NATIONAL


def test_the_hotlines_of_a_refusal_speak_the_requests_language(api, demo_data):
    response = api.generic("POST", SUBMIT + "?lang=en", "{", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["hotlines"][0]["name"] == "National psychological assistance hotline"
    chinese = api.generic("POST", SUBMIT, "{", content_type="application/json")
    assert chinese.json()["hotlines"][0]["name"] != "National psychological assistance hotline"


def test_a_missing_answer_is_a_field_error_without_hotlines(api, demo_data):
    answers = {code: value for code, value in ANSWERS.items() if code != "phq9_3"}
    response = api.post(SUBMIT, {"answers": answers}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"answers"}
    assert set(response.json()["answers"]) == {"phq9_3"}


def test_a_call_back_for_an_unknown_result_gets_the_hotlines(api, demo_data):
    body = {"phone": "13912345678", "consent": True}
    response = api.post("/api/v1/submissions/" + "x" * 32 + "/callback/", body, format="json")
    assert response.status_code == 404
    assert numbers(response) == NATIONAL
    assert ReferralCase.objects.count() == 0


def test_a_mistyped_phone_number_is_a_field_error_without_hotlines(api, token):
    body = {"phone": "12345", "consent": True}
    response = api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"phone"}


def test_an_unknown_result_sheet_is_a_json_404_with_the_hotlines(api, demo_data):
    response = api.get("/api/v1/submissions/" + "x" * 32 + "/pdf/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert numbers(response) == NATIONAL


def test_the_schema_documents_the_hotlines_on_every_refusal(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    refusals = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code in {"404", "413", "415", "429"}:
                    json_body = response["content"]["application/json"]
                    assert json_body["schema"] == {"$ref": "#/components/schemas/Refusal"}, (
                        method,
                        path,
                        code,
                    )
                    for example in json_body.get("examples", {}).values():
                        assert example["value"]["hotlines"][0]["number"] == "12356"
                    refusals.append((method, path, code))
    assert ("post", "/api/v1/questionnaires/{slug}/submissions/", "415") in refusals
    assert ("get", "/api/v1/submissions/{token}/pdf/", "404") in refusals
    assert schema["components"]["schemas"]["Refusal"]["required"] == ["detail", "hotlines"]
