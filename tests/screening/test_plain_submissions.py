"""The short way a plain, valid answer sheet takes (SubmissionCreate.dispatch) answers exactly
as DRF's full path does, and leaves everything else to it."""

from email.utils import parsedate_to_datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import set_script_prefix
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from screening.models import Submission

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
# Not one of the Accept headers the short way takes: DRF negotiates it (to JSON) itself.
DRF_ACCEPT = "application/json, text/plain, */*"
# What differs from one result to the next whatever path it takes.
OWN_VALUES = ("token", "created_at", "result_url", "pdf_url")


def phq9(*values):
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


def submit(api, body, **extra):
    """The response, and whether DRF's request machinery handled it."""
    with mock.patch.object(
        APIView, "initialize_request", autospec=True, side_effect=APIView.initialize_request
    ) as drf:
        response = api.post(SUBMIT, body, format="json", **extra)
    return response, drf.called


def without_own_values(body: dict) -> dict:
    body = {key: value for key, value in body.items() if key not in OWN_VALUES}
    body["recommendation"] = dict(body["recommendation"])
    body["recommendation"].pop("callback_url", None)
    return body


def same_headers(one, other) -> bool:
    """The same headers, but for ``Expires``: the moment each was sent (never_cache), which
    for two requests in a row may be a second or two apart on a busy machine."""
    expires = [parsedate_to_datetime(response["Expires"]) for response in (one, other)]
    assert abs((expires[1] - expires[0]).total_seconds()) <= 3
    return dict(one.headers) | {"Expires": ""} == dict(other.headers) | {"Expires": ""}


SHEETS = [
    pytest.param({"answers": phq9(0, 1, 0, 1, 0, 1, 0, 0, 0)}, id="mild"),
    pytest.param({"answers": phq9(2, 2, 2, 1, 1, 1, 1, 0, 0), "channel": "demo"}, id="moderate"),
    pytest.param({"answers": phq9(3, 3, 3, 3, 3, 2, 2, 2, 0), "version": 1}, id="severe"),
    pytest.param({"answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), "version": None}, id="null version"),
    pytest.param({"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), "channel": "demo"}, id="crisis"),
    pytest.param(
        {"answers": phq9(1, 1, 1, 1, 1, 1, 1, 1, 2), "channel": "demo-gansu"}, id="crisis-gansu"
    ),
]


@pytest.mark.parametrize("sheet", SHEETS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_short_way_answers_as_drf_does(api, demo_data, sheet, language):
    short, short_by_drf = submit(api, sheet, HTTP_ACCEPT_LANGUAGE=language)
    full, full_by_drf = submit(api, sheet, HTTP_ACCEPT_LANGUAGE=language, HTTP_ACCEPT=DRF_ACCEPT)
    assert (short_by_drf, full_by_drf) == (False, True)
    assert short.status_code == full.status_code == 201
    assert same_headers(short, full)
    short_body, full_body = short.json(), full.json()
    assert without_own_values(short_body) == without_own_values(full_body)
    # Both stored, each under its own token, and fetched again exactly as first answered.
    assert Submission.objects.count() == 2
    for body in (short_body, full_body):
        fetched = api.get(f"/api/v1/submissions/{body['token']}/", HTTP_ACCEPT_LANGUAGE=language)
        assert fetched.json() == body
    # The body is JSONRenderer's text, byte for byte.
    assert short.content == full.content.replace(
        full_body["token"].encode(), short_body["token"].encode()
    ).replace(full_body["created_at"].encode(), short_body["created_at"].encode())


def test_every_address_in_a_result_carries_its_own_token(api, demo_data):
    # Results of one kind share what they show alike; the call-back address must never be
    # another person's, or a stranger's number could be put on someone else's result.
    bodies = [submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 3)})[0].json() for _ in "ab"]
    assert bodies[0]["token"] != bodies[1]["token"]
    for body in bodies:
        token = body["token"]
        assert body["result_url"] == f"http://testserver/r/{token}/"
        assert body["pdf_url"] == f"http://testserver/r/{token}/pdf/"
        assert body["recommendation"]["callback_url"] == (
            f"http://testserver/api/v1/submissions/{token}/callback/"
        )


def test_results_of_other_kinds_share_nothing(api, demo_data):
    crisis = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), "channel": "demo"})[0]
    mild = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), "channel": "demo"})[0]
    gansu = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), "channel": "demo-gansu"})[0]
    crisis, mild, gansu = crisis.json(), mild.json(), gansu.json()
    assert crisis["recommendation"]["kind"] == "referral"
    assert crisis["recommendation"]["safety_message"]
    assert mild["recommendation"]["kind"] == "content"
    assert "safety_message" not in mild["recommendation"]
    assert mild["band"]["meaning"] != crisis["band"]["meaning"]
    # A Beijing poster lists Beijing's line; a Gansu poster does not.
    beijing_lines = {line["number"] for line in crisis["hotlines"] if line["region"]}
    assert beijing_lines
    assert not beijing_lines & {line["number"] for line in gansu["hotlines"]}


@pytest.mark.parametrize(
    "body, headers",
    [
        pytest.param({"answers": phq9(0, 0, 0)}, {}, id="answers missing"),
        pytest.param({"answers": [0, 0, 0]}, {}, id="answers not an object"),
        pytest.param({"answers": phq9(*[0] * 9), "version": 7}, {}, id="other version"),
        pytest.param({"answers": phq9(*[0] * 9), "version": "1"}, {}, id="version as text"),
        pytest.param({"answers": phq9(*[0] * 9), "channel": " demo "}, {}, id="channel spaced"),
        pytest.param({"answers": phq9(*[0] * 9), "extra": 1}, {}, id="unknown field"),
        pytest.param({"answers": phq9(*[0] * 9)}, {"QUERY_STRING": "format=json"}, id="format"),
    ],
)
def test_anything_not_plain_is_left_to_drf(api, demo_data, body, headers):
    response, by_drf = submit(api, body, **headers)
    assert by_drf
    assert response.status_code in (201, 400)


@override_settings(THROTTLE_SUBMISSIONS="3/minute")
def test_a_request_left_to_drf_after_it_was_counted_is_not_counted_again(api, demo_data):
    valid = {"answers": phq9(*[0] * 9)}
    codes = [
        submit(api, valid)[0].status_code,
        # Counted on the short way, then refused by DRF's path (an answer is missing).
        submit(api, {"answers": phq9(0, 0)})[0].status_code,
        submit(api, valid)[0].status_code,
        submit(api, valid)[0].status_code,
    ]
    assert codes == [201, 400, 201, 429]
    refused = submit(api, valid)[0]
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert refused.json()["hotlines"][0]["number"] == "12356"
    assert Submission.objects.count() == 2


@pytest.mark.parametrize("length", ["\xb2", "1" * 5000])
def test_a_content_length_int_cannot_read_is_left_to_drf(api, demo_data, length):
    # "²" is a digit to str.isdigit(); 5,000 digits are beyond int(). DRF reads either as no
    # body: a 400 naming the answers, not a server error.
    response, by_drf = submit(api, {"answers": phq9(*[0] * 9)}, CONTENT_LENGTH=length)
    assert by_drf
    assert response.status_code == 400
    assert "answers" in response.json()
    assert Submission.objects.count() == 0


def test_addresses_follow_where_the_site_is_mounted(api, demo_data):
    # One process may serve the site under two prefixes (SCRIPT_NAME from two proxies): results
    # of one kind share their parts, never another mount's addresses.
    crisis = {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)}
    try:
        set_script_prefix("/xinqiao/")
        mounted = submit(api, crisis)[0].json()
        set_script_prefix("/")
        plain = submit(api, crisis)[0].json()
    finally:
        set_script_prefix("/")
    for body, prefix in ((mounted, "/xinqiao"), (plain, "")):
        token = body["token"]
        assert body["result_url"] == f"http://testserver{prefix}/r/{token}/"
        assert body["recommendation"]["callback_url"] == (
            f"http://testserver{prefix}/api/v1/submissions/{token}/callback/"
        )


def test_json_settings_the_short_way_does_not_write_leave_it_to_drf(api, demo_data, monkeypatch):
    # What REST_FRAMEWORK = {"UNICODE_JSON": False} makes of the renderer when the app starts.
    monkeypatch.setattr(JSONRenderer, "ensure_ascii", True)
    response, by_drf = submit(api, {"answers": phq9(*[0] * 9)})
    assert by_drf
    assert response.status_code == 201
    # DRF's renderer, as set: Chinese written as \u escapes.
    assert b"\\u" in response.content and "抑郁".encode() not in response.content
