"""The short way a plain, valid answer sheet takes (SubmissionCreate.dispatch) answers exactly
as DRF's full path does, and leaves everything else to it."""

import json
from email.utils import parsedate_to_datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import set_script_prefix
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from screening.api_views import SubmissionCreate
from screening.models import QuestionnaireVersion, Submission

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


ABSENT = object()
# Of each, first what the short way takes, then what it leaves to DRF. A sheet's version may also
# be its questionnaire's current version number (the short way takes it) or another number.
CHANNELS = ([ABSENT, None, "demo", "demo-gansu", "no-such-poster"], ["", " demo ", "x" * 40, 42])
VERSIONS = ([ABSENT, None], [1, 2, 3, 0, "1", True])
ACCEPTS = ([None, "*/*", "application/json"], [DRF_ACCEPT, "application/json; indent=2"])
LANGUAGES = [None, "zh-hans", "en", "en-US,en;q=0.9", "fr"]
CONTENT_TYPES = ["application/json", "application/json; charset=UTF-8", "application/json; a=b"]
ODD_ANSWERS = [4, -1, "2", 2.0, None, True, [1], ABSENT, "unknown code"]
# Everything stored but what is each submission's own.
STORED = [
    field.attname
    for field in Submission._meta.concrete_fields
    if field.name not in ("id", "token", "created_at")
]


@st.composite
def answer_sheets(draw, live: dict) -> tuple[str, bytes, dict]:
    """A questionnaire's slug (of ``live``: slug to its live version), an answer sheet as JSON
    and the request's headers: plain sheets as often as not, the others off in any way."""
    plain = draw(st.booleans())

    def pick(values):
        taken, left = values
        return draw(st.sampled_from(taken if plain else taken + left))

    slug = draw(st.sampled_from(sorted(live)))
    answers = {}
    for question in live[slug].definition().questions:
        if question.required or draw(st.booleans()):
            answers[question.code] = draw(st.sampled_from(question.values))
    if not plain and answers and draw(st.booleans()):
        code = draw(st.sampled_from(sorted(answers)))
        odd = draw(st.sampled_from(ODD_ANSWERS))
        if odd is ABSENT:
            del answers[code]
        elif odd == "unknown code":
            answers[f"{code}x"] = answers.pop(code)
        else:
            answers[code] = odd
    sheet = {"answers": answers}
    channel = pick(CHANNELS)
    version = pick((VERSIONS[0] + [live[slug].number], VERSIONS[1]))
    for name, value in (("channel", channel), ("version", version)):
        if value is not ABSENT:
            sheet[name] = value
    if not plain and draw(st.booleans()):
        sheet["extra"] = 1
    headers = {"content_type": draw(st.sampled_from(CONTENT_TYPES))}
    for header, value in (
        ("HTTP_ACCEPT_LANGUAGE", draw(st.sampled_from(LANGUAGES))),
        ("HTTP_ACCEPT", pick(ACCEPTS)),
    ):
        if value is not None:
            headers[header] = value
    return slug, json.dumps(sheet, ensure_ascii=draw(st.booleans())).encode(), headers


def answered(api, slug: str, body: bytes, headers: dict, *, short_way: bool):
    """The response, whether DRF's request machinery handled it, and the row it stored."""
    path = f"/api/v1/questionnaires/{slug}/submissions/"
    before = set(Submission.objects.values_list("pk", flat=True))
    with (
        override_settings(SUBMISSION_SHORT_WAY=short_way),
        mock.patch.object(
            APIView, "initialize_request", autospec=True, side_effect=APIView.initialize_request
        ) as drf,
    ):
        response = api.generic("POST", path, body, **headers)
    stored = list(Submission.objects.exclude(pk__in=before).values(*STORED))
    return response, drf.called, stored


def test_every_sheet_the_short_way_takes_drfs_way_answers_byte_for_byte_alike(
    api, demo_data, settings
):
    # Throttles would count the two answers of one sheet differently; they have tests above.
    settings.THROTTLE_SUBMISSIONS = ""
    draft = QuestionnaireVersion.objects.current_for("phq-9").new_draft()
    draft.publish()  # PHQ-9 has versions 1 and 2, 2 live
    live = {slug: QuestionnaireVersion.objects.current_for(slug) for slug in ("phq-9", "gad-7")}
    taken = []

    @given(sheet=answer_sheets(live))
    @hypothesis_settings(max_examples=300, deadline=None, database=None)
    def check(sheet):
        slug, body, headers = sheet
        short, by_drf, short_row = answered(api, slug, body, headers, short_way=True)
        full, full_by_drf, full_row = answered(api, slug, body, headers, short_way=False)
        taken.append(not by_drf)
        assert full_by_drf
        assert short.status_code == full.status_code
        assert same_headers(short, full)
        full_content = full.content
        if short.status_code == 201:
            short_body, full_body = short.json(), full.json()
            for own in ("token", "created_at"):
                full_content = full_content.replace(
                    full_body[own].encode(), short_body[own].encode()
                )
        assert short.content == full_content
        assert short_row == full_row
        assert len(short_row) == (short.status_code == 201)

    check()
    # Both kinds were tried: sheets the short way took, and sheets it left to DRF.
    assert any(taken) and not all(taken)


def test_the_short_way_skips_only_drf_checks_that_have_nothing_to_do():
    # The short way answers before APIView.initial(): no permission, version or format
    # check is made, no authentication run. It may, only while none of them would do anything;
    # a permission or versioning class added to the view or the API must be answered for here.
    view = SubmissionCreate()
    assert [type(permission) for permission in view.get_permissions()] == [AllowAny]
    assert view.versioning_class is None
    assert view.get_authenticators() == []
    for step in (
        "initial",
        "check_permissions",
        "determine_version",
        "perform_content_negotiation",
        "get_format_suffix",
    ):
        assert getattr(SubmissionCreate, step) is getattr(APIView, step), step
