"""What front-end apps on other origins rely on: CORS, the language, and caching."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django.utils.http import http_date

from referrals.models import Hotline
from screening.models import Questionnaire, QuestionnaireVersion, Submission

ROOT = Path(__file__).resolve().parent.parent
H5 = "https://h5.example.org"
QUESTIONNAIRES = "/api/v1/questionnaires/"
PHQ9 = "/api/v1/questionnaires/phq-9/"
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
MILD = {f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 1, 1, 0, 0, 0), 1)}
CRISIS = {f"phq9_{i}": v for i, v in enumerate((0, 0, 0, 0, 0, 0, 0, 0, 1), 1)}


@pytest.fixture
def h5_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = [H5]


# CORS


@pytest.mark.django_db
def test_an_allowed_origin_may_read_the_api_without_credentials(api, questionnaires, h5_allowed):
    response = api.get(QUESTIONNAIRES, HTTP_ORIGIN=H5)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == H5
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_a_preflight_for_a_json_post_is_answered(api, questionnaires, h5_allowed):
    response = api.options(
        SUBMIT,
        HTTP_ORIGIN=H5,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == H5
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_an_h5_page_may_revalidate_and_read_etag_and_retry_after(api, questionnaires, h5_allowed):
    preflight = api.options(
        QUESTIONNAIRES,
        HTTP_ORIGIN=H5,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    response = api.get(QUESTIONNAIRES, HTTP_ORIGIN=H5)
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "retry-after"} <= exposed
    again = api.get(QUESTIONNAIRES, HTTP_ORIGIN=H5, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_an_origin_not_listed_gets_no_cors_headers(api, questionnaires, h5_allowed):
    response = api.get(QUESTIONNAIRES, HTTP_ORIGIN="https://evil.example.com")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    preflight = api.options(
        SUBMIT,
        HTTP_ORIGIN="https://evil.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in preflight


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/q/phq-9/", "/admin/login/", "/articles/sleep-well/"])
def test_pages_outside_the_api_never_get_cors_headers(client, content, h5_allowed, path):
    response = client.get(path, HTTP_ORIGIN=H5)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def cors_settings(**env) -> list[str]:
    """The CORS settings as config/settings.py reads them from the environment ``env``."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(repr(s.CORS_ALLOWED_ORIGINS)); print(s.CORS_ALLOW_CREDENTIALS)",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_no_origin_is_allowed_unless_the_environment_lists_it():
    assert cors_settings() == ["[]", "False"]
    listed = cors_settings(CORS_ALLOWED_ORIGINS=f"{H5}, http://127.0.0.1:8080")
    assert listed == [f"['{H5}', 'http://127.0.0.1:8080']", "False"]


# Language


@pytest.mark.django_db
def test_the_api_speaks_simplified_chinese_by_default(api, questionnaires):
    response = api.get(PHQ9)
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["title"] == "PHQ-9 抑郁筛查"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "en-US", "EN"])
def test_lang_parameter_switches_a_questionnaire_to_english(api, questionnaires, lang):
    response = api.get(PHQ9, {"lang": lang}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "en"
    body = response.json()
    assert body["title"] == "PHQ-9 depression screen"
    assert body["questions"][0]["options"][1]["label"] == "Several days"


@pytest.mark.django_db
def test_an_unknown_lang_is_ignored(api, questionnaires):
    response = api.get(PHQ9, {"lang": "fr"})
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["title"] == "PHQ-9 抑郁筛查"


@pytest.mark.django_db
def test_the_api_ignores_the_language_cookie_that_pages_use(api, client, demo_data):
    # Public answers are cached by URL and Accept-Language: a cookie's English must not reach
    # people who never chose it through a CDN.
    for http in (api, client):
        http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api.get(PHQ9)
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["title"] == "PHQ-9 抑郁筛查"
    assert api.get(PHQ9, HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    assert client.get("/")["Content-Language"] == "en", "pages still follow the cookie"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_an_api_address_without_its_trailing_slash_is_served_not_redirected(
    api, demo_data, settings, debug
):
    # A client follows a redirected POST with a GET: the answers would be lost.
    settings.DEBUG = debug
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    created = api.post(
        "/api/v1/questionnaires/phq-9/submissions", {"answers": answers}, format="json"
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert Submission.objects.filter(token=token).exists()
    callback = api.post(
        f"/api/v1/submissions/{token}/callback", {"phone": "13912345678"}, format="json"
    )
    assert callback.status_code == 400, "reaches the view, which names the missing consent"
    assert "consent" in callback.json()
    assert api.get(f"/api/v1/submissions/{token}").json()["token"] == token
    assert api.get("/api/v1/no-such-thing").status_code == 404


@pytest.mark.django_db
def test_lang_parameter_switches_a_result_and_its_next_step_to_english(api, demo_data):
    created = api.post(f"{SUBMIT}?lang=en", {"answers": MILD}, format="json")
    assert created.status_code == 201
    assert created["Content-Language"] == "en"
    body = created.json()
    assert (body["band"]["label"], body["language"]) == ("Mild", "en")
    recommendation = body["recommendation"]
    assert recommendation["message"].startswith("Short articles and videos")
    assert "Five small ways to sleep better" in [i["title"] for i in recommendation["items"]]
    assert body["hotlines"][0]["name"] == "National psychological assistance hotline"

    chinese = api.get(f"/api/v1/submissions/{body['token']}/")
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.json()["hotlines"][0]["name"] == "全国统一心理援助热线"
    english = api.get(f"/api/v1/submissions/{body['token']}/", {"lang": "en"})
    assert english["Content-Language"] == "en"
    assert english.json()["recommendation"] == recommendation


@pytest.mark.django_db
def test_lang_parameter_switches_a_crisis_referral_to_english(api, demo_data):
    body = api.post(f"{SUBMIT}?lang=en", {"answers": CRISIS}, format="json").json()
    recommendation = body["recommendation"]
    assert recommendation["kind"] == "referral"
    assert "call 110 or 120 now" in recommendation["safety_message"]
    assert recommendation["hotlines"][0]["name"] == "National psychological assistance hotline"


# Caching


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        QUESTIONNAIRES,
        PHQ9,
        "/api/v1/articles/",
        "/api/v1/articles/sleep-well/",
        "/api/v1/sessions/",
        "/api/v1/hotlines/",
        "/api/v1/hotlines/?region=110108",
    ],
)
def test_public_lists_answer_304_to_a_matching_etag(api, demo_data, path):
    first = api.get(path)
    assert first.status_code == 200
    assert first["ETag"]
    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    stale = api.get(path, HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200
    # A CDN or the phone may keep public content for a minute, and must vary by language.
    for response in (first, again):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=60"}
    assert "Accept-Language" in first["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/questionnaires/no-such-test/", "/api/v1/articles/nope/"])
def test_a_public_endpoints_errors_are_not_kept_by_caches(api, demo_data, path):
    response = api.get(path)
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_the_questionnaire_can_be_asked_for_indented(api, questionnaires):
    compact = api.get(PHQ9)
    indented = api.get(PHQ9, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "slug": "phq-9"')
    assert indented.json() == compact.json()
    assert b"\n" not in compact.content


@pytest.mark.django_db
def test_a_list_etag_changes_with_the_data(api, demo_data):
    etag = api.get("/api/v1/hotlines/")["ETag"]
    Hotline.objects.filter(number="12356").update(hours_note="全天")
    assert api.get("/api/v1/hotlines/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", [QUESTIONNAIRES, PHQ9])
def test_questionnaires_answer_304_to_if_modified_since(api, questionnaires, path):
    first = api.get(path)
    last_modified = first["Last-Modified"]
    assert last_modified == http_date(
        max(
            Questionnaire.objects.get(slug="phq-9").updated_at,
            QuestionnaireVersion.objects.get(questionnaire__slug="phq-9").published_at,
        ).timestamp()
    )
    again = api.get(path, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    assert again["Last-Modified"] == last_modified
    older = http_date((timezone.now() - timedelta(days=3650)).timestamp())
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=older).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", [QUESTIONNAIRES, PHQ9])
def test_editing_a_questionnaire_moves_last_modified(api, questionnaires, path):
    last_modified = api.get(path)["Last-Modified"]
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        Questionnaire.objects.get(slug="phq-9").save()
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", [QUESTIONNAIRES, PHQ9])
def test_publishing_a_new_version_moves_last_modified(api, questionnaires, path):
    last_modified = api.get(path)["Last-Modified"]
    draft = QuestionnaireVersion.objects.current_for("phq-9").new_draft()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        draft.publish()
    response = api.get(path, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_matching_etag_wins_over_a_stale_if_modified_since(api, questionnaires):
    first = api.get(PHQ9)
    stale = http_date((timezone.now() - timedelta(days=3650)).timestamp())
    response = api.get(PHQ9, HTTP_IF_NONE_MATCH=first["ETag"], HTTP_IF_MODIFIED_SINCE=stale)
    assert response.status_code == 304


@pytest.mark.django_db
def test_results_are_private_and_never_stored_by_shared_caches(api, demo_data):
    created = api.post(SUBMIT, {"answers": MILD}, format="json")
    fetched = api.get(f"/api/v1/submissions/{created.json()['token']}/")
    for response in (created, fetched):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
        assert "ETag" not in response
