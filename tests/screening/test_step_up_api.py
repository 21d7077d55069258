"""The API says where a quick check leads on to, and takes the fuller sheet that follows it."""

import pytest

from screening import api_examples
from screening.models import Submission

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/questionnaires/{}/submissions/"


def submit(api, slug, body, **extra):
    return api.post(SUBMIT.format(slug), body, format="json", **extra)


def quick_check(api, a1=0, a2=0, d1=0, d2=0) -> dict:
    answers = {"phq4_1": a1, "phq4_2": a2, "phq4_3": d1, "phq4_4": d2}
    response = submit(api, "phq-4", {"answers": answers})
    assert response.status_code == 201
    return response.json()


def rest_of_phq9(**overrides) -> dict[str, int]:
    return {f"phq9_{i}": 1 for i in range(3, 9)} | {"phq9_9": 0} | overrides


def test_a_quick_check_below_3_leads_nowhere(api, demo_data):
    body = quick_check(api, 1, 1, 2, 0)
    assert body["next"] == [] and body["follows"] is None


def test_the_next_questionnaires_come_with_the_answers_carried(api, demo_data):
    body = quick_check(api, 2, 1, 2, 1)
    assert body["next"] == [
        {
            "questionnaire": "gad-7",
            "url": "http://testserver/api/v1/questionnaires/gad-7/",
            "carried_answers": {"gad7_1": 2, "gad7_2": 1},
        },
        {
            "questionnaire": "phq-9",
            "url": "http://testserver/api/v1/questionnaires/phq-9/",
            "carried_answers": {"phq9_1": 2, "phq9_2": 1},
        },
    ]
    # The stored result says the same.
    assert api.get(f"/api/v1/submissions/{body['token']}/").json()["next"] == body["next"]


def test_the_example_says_what_the_api_says(api, demo_data):
    example = api_examples.QUICK_CHECK_RESULT
    body = submit(api, "phq-4", {"answers": example["answers"]}).json()
    assert set(body) == set(example)
    assert [n["questionnaire"] for n in body["next"]] == ["phq-9"]
    assert body["next"][0]["carried_answers"] == example["next"][0]["carried_answers"]
    assert body["total_score"] == example["total_score"] and body["band"] == example["band"]


def test_a_sheet_following_the_quick_check_is_filled_in_from_it(api, demo_data):
    earlier = quick_check(api, 0, 0, 2, 1)
    response = submit(api, "phq-9", {"answers": rest_of_phq9(), "follows": earlier["token"]})
    assert response.status_code == 201
    body = response.json()
    assert body["follows"] == earlier["token"]
    assert body["answers"]["phq9_1"] == 2 and body["answers"]["phq9_2"] == 1
    assert body["total_score"] == 2 + 1 + 6
    later = Submission.objects.get(token=body["token"])
    assert later.follows.token == earlier["token"]


def test_a_carried_answer_sent_again_with_the_same_value_is_fine(api, demo_data):
    earlier = quick_check(api, 0, 0, 2, 1)
    answers = rest_of_phq9(phq9_1=2, phq9_2=1)
    response = submit(api, "phq-9", {"answers": answers, "follows": earlier["token"]})
    assert response.status_code == 201


def test_a_carried_answer_sent_with_another_value_is_refused(api, demo_data):
    earlier = quick_check(api, 0, 0, 2, 1)
    answers = rest_of_phq9(phq9_1=3)
    response = submit(api, "phq-9", {"answers": answers, "follows": earlier["token"]})
    assert response.status_code == 400
    assert list(response.json()["answers"]) == ["phq9_1"]
    assert not Submission.objects.filter(follows__token=earlier["token"]).exists()


@pytest.mark.parametrize("token", ["x" * 32, "nope", ""])
def test_an_unknown_follows_token_is_refused_by_name(api, demo_data, token):
    response = submit(api, "phq-9", {"answers": rest_of_phq9(), "follows": token})
    assert response.status_code == 400
    assert list(response.json()) == ["follows"]
    assert Submission.objects.count() == 0


def test_a_result_that_did_not_lead_here_is_refused_as_follows(api, demo_data):
    anxious = quick_check(api, 2, 2, 0, 0)  # leads on to GAD-7 only
    response = submit(api, "phq-9", {"answers": rest_of_phq9(), "follows": anxious["token"]})
    assert response.status_code == 400 and list(response.json()) == ["follows"]
    gad7 = {f"gad7_{i}": 0 for i in range(3, 8)}
    response = submit(api, "gad-7", {"answers": gad7, "follows": anxious["token"]})
    assert response.status_code == 201
    assert response.json()["answers"]["gad7_1"] == 2


def test_a_refused_follows_with_a_crisis_still_brings_the_help(api, demo_data):
    response = submit(api, "phq-9", {"answers": rest_of_phq9(phq9_9=2), "follows": "x" * 32})
    assert response.status_code == 400
    body = response.json()
    assert body["follows"] and body["crisis"] is True and body["hotlines"]


def test_without_follows_the_carried_questions_must_be_answered(api, demo_data):
    response = submit(api, "phq-9", {"answers": rest_of_phq9()})
    assert response.status_code == 400
    assert set(response.json()["answers"]) == {"phq9_1", "phq9_2"}
