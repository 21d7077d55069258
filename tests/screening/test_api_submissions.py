import json
import math
from collections import Counter

import pytest
from django.test import override_settings
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from screening.models import Channel, Submission
from screening.recommendations import hotlines_for, recommendation_for
from screening.result_serializers import RECOMMENDATION_SERIALIZERS, SubmissionSerializer

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/questionnaires/{}/submissions/"


def phq9(values=(0,) * 9, **extra):
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)} | extra


def post(api, body, slug="phq-9", **headers):
    return api.post(SUBMIT.format(slug), body, format="json", **headers)


def post_raw(api, raw: bytes | str, slug="phq-9"):
    return api.generic("POST", SUBMIT.format(slug), raw, content_type="application/json")


def test_a_valid_submission_is_scored_stored_and_answered(api, channels):
    response = post(api, {"answers": phq9((2, 2, 2, 2, 2, 1, 0, 0, 0)), "channel": "demo"})
    assert response.status_code == 201
    body = response.json()
    assert body["questionnaire"] == {"slug": "phq-9", "title": "PHQ-9 抑郁筛查", "version": 1}
    assert (body["total_score"], body["max_score"]) == (11, 27)
    assert body["band"]["code"] == "moderate"
    assert body["band"]["label"] == "中度"
    assert "不是诊断" in body["band"]["meaning"]
    assert (body["tier"], body["crisis"]) == ("moderate", False)
    assert body["result_url"] == f"http://testserver/r/{body['token']}/"
    assert body["pdf_url"] == f"http://testserver/r/{body['token']}/pdf/"
    assert body["channel"] == "demo"
    for key in ("recommendation", "hotlines", "created_at"):
        assert key in body

    stored = Submission.objects.get(token=body["token"])
    assert stored.total_score == 11
    assert stored.tier == "moderate"
    assert stored.band.code == "moderate"
    assert stored.channel == Channel.objects.get(code="demo")
    assert stored.answers == phq9((2, 2, 2, 2, 2, 1, 0, 0, 0))
    assert stored.language == "zh-hans"


def test_item9_at_total_one_is_a_crisis(api, questionnaires):
    body = post(api, {"answers": phq9((0,) * 8 + (1,))}).json()
    assert (body["total_score"], body["tier"], body["crisis"]) == (1, "severe", True)
    assert body["triggered_rules"] == ["self_harm"]


def test_the_result_can_be_fetched_again_by_token(api, questionnaires):
    created = post(api, {"answers": phq9((3, 3, 3, 3, 3, 3, 0, 0, 0))}).json()
    fetched = api.get(f"/api/v1/submissions/{created['token']}/")
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_unknown_token_is_404(api, questionnaires):
    assert api.get("/api/v1/submissions/not-a-real-token/").status_code == 404


def test_an_unknown_inactive_or_malformed_channel_never_blocks_a_result(api, channels):
    Channel.objects.filter(code="demo").update(active=False)
    for code in ("demo", "no-such-poster", "x" * 40, "demo\x00", 42, ["demo"], {"code": 1}):
        response = post(api, {"answers": phq9(), "channel": code})
        assert response.status_code == 201
        assert response.json()["channel"] is None


def test_the_language_of_the_request_is_recorded_and_used(api, questionnaires):
    response = post(api, {"answers": phq9()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["band"]["label"] == "Minimal or none"
    assert Submission.objects.get().language == "en"


BAD_ANSWERS = [
    ({"answers": {k: v for k, v in phq9().items() if k != "phq9_4"}}, ["answers", "phq9_4"]),
    ({"answers": phq9(phq9_77=1)}, ["answers", "phq9_77"]),
    ({"answers": phq9(phq9_2="1")}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=1.0)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=1.5)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=True)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=None)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=4)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2=-1)}, ["answers", "phq9_2"]),
    ({"answers": phq9(phq9_2={"v": 1})}, ["answers", "phq9_2"]),
    ({}, ["answers"]),
    ({"answers": [0, 0, 0]}, ["answers"]),
    ({"answers": "0,0,0"}, ["answers"]),
    ({"answers": None}, ["answers"]),
]


@pytest.mark.parametrize("body, path", BAD_ANSWERS)
def test_bad_answers_are_400_naming_the_key_and_write_nothing(api, channels, body, path):
    response = post(api, body)
    assert response.status_code == 400, response.content
    error = response.json()
    for key in path:
        assert key in error, error
        error = error[key]
    assert Submission.objects.count() == 0


def test_item_9_sent_as_text_still_brings_the_crisis_help(api, demo_data):
    # Refused (answers are whole numbers), but a "2" there plainly means 2.
    body = post(api, {"answers": phq9((0,) * 8 + ("2",))}).json()
    assert body["answers"]["phq9_9"] and body["crisis"] is True
    assert body["hotlines"][0]["number"] == "12356"


def test_an_incomplete_sheet_showing_self_harm_is_400_with_the_crisis_help(api, demo_data):
    # Nothing can be scored, but item 9 above 0 is known: the help must not wait for the rest.
    response = post(api, {"answers": {"phq9_9": 1, "phq9_2": 3}, "channel": "demo"})
    assert response.status_code == 400
    body = response.json()
    assert body["crisis"] is True
    assert set(body["answers"]) == {f"phq9_{i}" for i in (1, 3, 4, 5, 6, 7, 8)}
    assert "12356" in body["safety_message"]
    assert body["hotlines"][0]["number"] == "12356"
    assert "no-store" in response["Cache-Control"]
    assert Submission.objects.count() == 0
    # The lines a crisis result from the same poster lists, in the same order.
    result = post(api, {"answers": phq9((0,) * 8 + (1,)), "channel": "demo"}).json()
    assert body["hotlines"] == result["hotlines"]
    assert len(body["hotlines"]) > 1


@pytest.mark.parametrize("item9", [2.0, "２", " 2 "], ids=["a float", "full-width", "spaced"])
def test_item_9_written_another_plain_way_still_brings_the_crisis_help(api, demo_data, item9):
    response = post(api, {"answers": phq9((0,) * 8 + (item9,))})
    assert response.status_code == 400
    body = response.json()
    assert body["answers"]["phq9_9"] and body["crisis"] is True
    assert body["hotlines"][0]["number"] == "12356"


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"version": 99}, "version"),
        ({"version": 0}, "version"),
        ({"version": "first"}, "version"),
        ({"version": [1]}, "version"),
    ],
    ids=["version not published", "version 0", "version not a number", "version a list"],
)
def test_a_sheet_refused_for_another_field_still_brings_the_crisis_help(
    api, demo_data, extra, field
):
    # The answers are whole and show self-harm; what is wrong is something else on the sheet.
    # The poster's code as people's apps send it, spaces and all: still the demo poster.
    response = post(api, {"answers": phq9((1,) * 9), "channel": " demo "} | extra)
    assert response.status_code == 400
    body = response.json()
    assert body[field]
    assert body["crisis"] is True
    assert "12356" in body["safety_message"]
    result = post(api, {"answers": phq9((1,) * 9), "channel": "demo"}).json()
    # The lines a crisis result from the same poster lists, in the same order.
    assert body["hotlines"] == result["hotlines"]
    assert Submission.objects.count() == 1
    # The same refusal without a self-harm answer names the field alone.
    calm = post(api, {"answers": phq9((1,) * 8 + (0,))} | extra).json()
    assert "crisis" not in calm and "hotlines" not in calm


def test_a_null_version_is_the_current_one(api, demo_data):
    response = post(api, {"answers": phq9((1,) * 8 + (0,)), "version": None})
    assert response.status_code == 201
    assert response.json()["questionnaire"]["version"] == 1


@pytest.mark.parametrize(
    "answers",
    [{"phq9_9": 0}, {"phq9_9": "0"}, {"phq9_9": 0.0}, {"phq9_9": None}, {"phq9_1": 3}],
    ids=["item 9 at 0", "item 9 as text 0", "item 9 as 0.0", "item 9 null", "item 9 missing"],
)
def test_an_incomplete_sheet_with_item_9_at_its_lowest_or_empty_is_a_plain_400(
    api, channels, answers
):
    body = post(api, {"answers": answers}).json()
    assert set(body) == {"answers"}


# Anything on the self-harm question but its lowest value (or nothing) may mean risk.
ODD_ITEM_9 = [4, 10, 99, -1, True, False, "yes", "是", 1.5, [1], ["0", "2"], {"value": 1}]


@pytest.mark.parametrize("value", ODD_ITEM_9, ids=repr)
def test_an_odd_self_harm_answer_is_refused_with_the_crisis_help(api, channels, value):
    response = post(api, {"answers": phq9((0,) * 8) | {"phq9_9": value}, "channel": "demo"})
    assert response.status_code == 400
    body = response.json()
    assert body["answers"]["phq9_9"]
    assert body["crisis"] is True
    assert "12356" in body["safety_message"]
    assert body["hotlines"][0]["number"] == "12356"
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[]",
        b"42",
        b'"answers"',
        b"null",
        b"\xff\xfe",
        # 10 KB of nesting makes Python's json module raise RecursionError.
        b'{"answers": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    ],
    ids=["broken", "empty", "list", "number", "string", "null", "not utf-8", "deeply nested"],
)
def test_malformed_bodies_are_400_json_and_write_nothing(api, questionnaires, raw):
    response = post_raw(api, raw)
    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("where", ["answers", "body"])
def test_a_key_given_twice_is_400_not_decided_by_the_last(api, questionnaires, where):
    # {"phq9_9": 1, "phq9_9": 0} must not quietly drop a self-harm answer.
    answers = ", ".join(f'"phq9_{i}": 0' for i in range(1, 9))
    if where == "answers":
        raw = '{"answers": {' + answers + ', "phq9_9": 1, "phq9_9": 0}}'
    else:
        raw = (
            '{"answers": {' + answers + ', "phq9_9": 1}, "answers": {' + answers + ', "phq9_9": 0}}'
        )
    response = post_raw(api, raw)
    assert response.status_code == 400
    key = "phq9_9" if where == "answers" else "answers"
    assert key in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_a_body_over_the_limit_is_413_json(api, questionnaires):
    raw = json.dumps({"answers": phq9(), "padding": "x" * 70_000})
    response = post_raw(api, raw)
    assert response.status_code == 413
    assert response.json()["detail"] == "请求内容太大。"
    assert response.json()["hotlines"][0]["number"] == "12356"
    assert Submission.objects.count() == 0


def test_a_form_encoded_body_is_refused_with_415(api, questionnaires):
    response = api.post(SUBMIT.format("phq-9"), {"answers": "x"})
    assert response.status_code == 415
    assert Submission.objects.count() == 0


def test_unknown_questionnaire_is_404_and_writes_nothing(api, questionnaires):
    response = post(api, {"answers": phq9()}, slug="nope")
    assert response.status_code == 404
    assert Submission.objects.count() == 0


@override_settings(THROTTLE_SUBMISSIONS="3/minute")
def test_submissions_beyond_the_rate_are_429(api, questionnaires):
    codes = [post(api, {"answers": phq9()}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert Submission.objects.count() == 3
    # Another client is not affected.
    other = post(api, {"answers": phq9()}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 201


@override_settings(THROTTLE_SUBMISSIONS="")
def test_an_empty_rate_disables_throttling(api, questionnaires):
    codes = Counter(post(api, {"answers": phq9()}).status_code for _ in range(40))
    assert codes == {201: 40}


def test_a_submission_costs_a_constant_small_number_of_queries(
    api, channels, django_assert_max_num_queries
):
    # The first submission loads the version's definition into the process's cache.
    assert post(api, {"answers": phq9()}).status_code == 201
    # Then: which version is live, channel, insert, hotlines and the tier's content (at most 2).
    with django_assert_max_num_queries(6):
        assert post(api, {"answers": phq9(), "channel": "demo"}).status_code == 201
    with django_assert_max_num_queries(6):
        assert post(api, {"answers": phq9((3,) * 9), "channel": "demo"}).status_code == 201


def test_tokens_are_unique_url_safe_and_long(api, questionnaires):
    with override_settings(THROTTLE_SUBMISSIONS=""):
        tokens = [post(api, {"answers": phq9()}).json()["token"] for _ in range(30)]
    assert len(set(tokens)) == 30
    # The short form printed on result sheets must tell them apart too.
    assert len({token[:8] for token in tokens}) == 30
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    for token in tokens:
        assert set(token) <= alphabet
        # base64url: 6 bits per character; at least 128 bits of randomness.
        assert len(token) * 6 >= 128
    # Not sequential or shared-prefix: characters spread over the alphabet.
    spread = Counter("".join(tokens))
    assert len(spread) > 40
    assert max(spread.values()) < len(tokens) * 32 / math.sqrt(len(spread))


@pytest.mark.parametrize(
    "values, channel, language",
    [
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), "demo", "zh-hans"),
        ((2, 2, 2, 2, 2, 0, 0, 0, 0), "", "en"),
        ((3, 3, 3, 3, 3, 0, 0, 0, 0), "demo-gansu", "en"),
        ((0,) * 8 + (1,), "demo", "zh-hans"),
    ],
)
def test_the_result_body_is_what_its_declared_fields_give(
    api, demo_data, values, channel, language
):
    # The body is written by hand for speed (screening.result_body), and so are the next
    # steps' representations; the serializers' declared fields are the contract.
    response = post(
        api, {"answers": phq9(values), "channel": channel}, HTTP_ACCEPT_LANGUAGE=language
    )
    submission = Submission.objects.for_display().get(token=response.json()["token"])
    context = {"request": response.wsgi_request}
    with translation.override(language):
        by_fields = SubmissionSerializer(submission, context=context).data

        recommendation = recommendation_for(submission, hotlines_for(submission))
        next_step = RECOMMENDATION_SERIALIZERS[recommendation["kind"]](
            recommendation, context=context
        )
        next_step_by_fields = serializers.Serializer.to_representation(next_step, recommendation)
        assert as_json(next_step.data) == as_json(next_step_by_fields)
    assert response.json() == as_json(by_fields) | {"recommendation": as_json(next_step_by_fields)}


def as_json(data):
    return json.loads(json.dumps(data))


def test_a_result_is_sent_as_written_and_pretty_printed_when_asked(api, questionnaires):
    created = post(api, {"answers": phq9()})
    token = created.json()["token"]
    fetched = api.get(f"/api/v1/submissions/{token}/")
    assert fetched.content == created.content
    assert fetched["Content-Type"] == "application/json"
    assert api.get(f"/api/v1/submissions/{token}/?format=json").content == created.content
    # DRF's pretty-printing (Accept: application/json; indent=2), for people.
    pretty = api.get(f"/api/v1/submissions/{token}/", HTTP_ACCEPT="application/json; indent=2")
    assert pretty.content.startswith(b'{\n  "token": ')
    assert pretty.json() == created.json()
    other = post(api, {"answers": phq9()}, HTTP_ACCEPT="application/json; indent=2")
    assert other.status_code == 201
    assert other.content.startswith(b'{\n  "token": ')
    refused = api.get(f"/api/v1/submissions/{token}/", HTTP_ACCEPT="text/plain")
    assert refused.status_code == 406


def test_a_result_follows_the_renderers_json_settings(api, questionnaires, monkeypatch):
    # What REST_FRAMEWORK = {"UNICODE_JSON": False} makes of the renderer when the app starts.
    monkeypatch.setattr(JSONRenderer, "ensure_ascii", True)
    created = post(api, {"answers": phq9()})
    assert created.status_code == 201
    fetched = api.get(f"/api/v1/submissions/{created.json()['token']}/")
    for response in (created, fetched):
        # DRF's renderer, as set: Chinese written as \u escapes.
        assert b"\\u" in response.content and "抑郁".encode() not in response.content
        assert response.json()["questionnaire"]["title"] == "PHQ-9 抑郁筛查"
