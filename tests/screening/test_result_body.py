"""A result's body is written by hand (screening.result_body) from parts that results of one
kind share, and sent as written: byte for byte what DRF's serializer and renderer would send."""

import pytest
from django.urls import set_script_prefix
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from screening.models import QuestionnaireVersion, Submission
from screening.result_serializers import SubmissionSerializer

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/questionnaires/{}/submissions/"


def phq9(*values):
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


def submit(api, body, slug="phq-9", **extra):
    return api.post(SUBMIT.format(slug), body, format="json", **extra)


ABSENT = object()
CHANNELS = [ABSENT, None, "", "demo", "demo-gansu", "no-such-poster", " demo ", 42]
LANGUAGES = [None, "zh-hans", "en", "en-US,en;q=0.9", "fr"]
# Accept headers, and the media type DRF's negotiation picks for each.
ACCEPTS = {
    None: "application/json",
    "*/*": "application/json",
    "application/json": "application/json",
    "application/json, text/plain, */*": "application/json",
    "application/json; indent=2": "application/json; indent=2",
}


@st.composite
def answer_sheets(draw, live: dict) -> tuple[str, dict, dict]:
    """A questionnaire's slug (of ``live``: slug to its live version), a valid answer sheet for
    it (naming the live or an earlier version, or none) and the request's headers."""
    slug = draw(st.sampled_from(sorted(live)))
    answers = {}
    for question in live[slug].definition().questions:
        if question.is_text:
            # The person's own words, calm or not; never sent back.
            answers[question.code] = draw(st.sampled_from(["", "最近睡不好", "不想活了"]))
        elif question.required or draw(st.booleans()):
            answers[question.code] = draw(st.sampled_from(question.values))
    sheet = {"answers": answers}
    versions = [ABSENT, None, *range(1, live[slug].number + 1)]
    for name, values in (("channel", CHANNELS), ("version", versions)):
        value = draw(st.sampled_from(values))
        if value is not ABSENT:
            sheet[name] = value
    headers = {}
    for header, values in (("HTTP_ACCEPT_LANGUAGE", LANGUAGES), ("HTTP_ACCEPT", list(ACCEPTS))):
        value = draw(st.sampled_from(values))
        if value is not None:
            headers[header] = value
    return slug, sheet, headers


def test_every_result_is_sent_as_drf_would_render_its_serializers_data(api, demo_data, settings):
    settings.THROTTLE_SUBMISSIONS = ""
    QuestionnaireVersion.objects.current_for("phq-9").new_draft().publish()  # v2 live, v1 not
    slugs = ("phq-9", "gad-7", "phq-4")  # PHQ-4: with the step-ups it leads on to (next)
    live = {slug: QuestionnaireVersion.objects.current_for(slug) for slug in slugs}

    @given(sheet=answer_sheets(live))
    @hypothesis_settings(max_examples=100, deadline=None, database=None)
    def check(sheet):
        slug, body, headers = sheet
        created = submit(api, body, slug, **headers)
        assert created.status_code == 201
        submission = Submission.objects.for_display().get(token=created.json()["token"])
        context = {"request": created.wsgi_request}
        with translation.override(submission.language):
            data = SubmissionSerializer(submission, context=context).data
        media_type = ACCEPTS[headers.get("HTTP_ACCEPT")]
        assert created.content == JSONRenderer().render(data, media_type)
        assert created["Content-Type"] == "application/json"
        # Fetched again exactly as first answered.
        fetched = api.get(f"/api/v1/submissions/{submission.token}/", **headers)
        assert (fetched.status_code, fetched.content) == (200, created.content)
        assert fetched["Content-Type"] == "application/json"

    check()


def test_every_address_in_a_result_carries_its_own_token(api, demo_data):
    # Results of one kind share what they show alike; the call-back address must never be
    # another person's, or a stranger's number could be put on someone else's result.
    bodies = [submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 3)}).json() for _ in "ab"]
    assert bodies[0]["token"] != bodies[1]["token"]
    for body in bodies:
        token = body["token"]
        assert body["result_url"] == f"http://testserver/r/{token}/"
        assert body["pdf_url"] == f"http://testserver/r/{token}/pdf/"
        assert body["recommendation"]["callback_url"] == (
            f"http://testserver/api/v1/submissions/{token}/callback/"
        )


def test_results_of_other_kinds_share_nothing(api, demo_data):
    crisis = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), "channel": "demo"})
    mild = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), "channel": "demo"})
    gansu = submit(api, {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), "channel": "demo-gansu"})
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


def test_addresses_follow_where_the_site_is_mounted(api, demo_data):
    # One process may serve the site under two prefixes (SCRIPT_NAME from two proxies): results
    # of one kind share their parts, never another mount's addresses.
    crisis = {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)}
    try:
        set_script_prefix("/xinqiao/")
        mounted = submit(api, crisis).json()
        set_script_prefix("/")
        plain = submit(api, crisis).json()
    finally:
        set_script_prefix("/")
    for body, prefix in ((mounted, "/xinqiao"), (plain, "")):
        token = body["token"]
        assert body["result_url"] == f"http://testserver{prefix}/r/{token}/"
        assert body["recommendation"]["callback_url"] == (
            f"http://testserver{prefix}/api/v1/submissions/{token}/callback/"
        )
