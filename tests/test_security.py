"""Security headers and private result pages: the content security policy, caching, HTTPS."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from tests.api_submissions import submit
from tests.csp import inline_code

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_pages_allow_only_the_projects_own_files(client, demo_data):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_policy_follows_its_setting_and_is_the_same_for_every_page(client, demo_data):
    # The policy string is built once per process (config.csp); it must still be the one
    # the settings give, for every page, and change with them.
    pages = ["/", "/q/phq-9/", "/api/v1/questionnaires/", "/no/such/page/"]
    assert len({client.get(url)["Content-Security-Policy"] for url in pages}) == 1
    stricter = {"DIRECTIVES": {"default-src": ["'none'"], "img-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=stricter):
        assert directives(client.get("/")) == {"default-src": ["'none'"], "img-src": ["'self'"]}
        reported = {"DIRECTIVES": {"default-src": ["'self'"]}}
        with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=reported):
            response = client.get("/")
            assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    assert directives(client.get("/"))["script-src"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in client.get("/")


def test_public_pages_need_nothing_the_policy_forbids(client, api, demo_data):
    mild = submit(api, (1,) * 6 + (0,) * 3).json()["token"]
    crisis = submit(api, (0,) * 8 + (2,)).json()["token"]
    pages = ["/", "/q/phq-9/", "/q/gad-7/", f"/r/{mild}/", f"/r/{crisis}/", "/no/such/page/"]
    pages += ["/articles/sleep-well/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Content-Security-Policy" in response, url
        assert inline_code(response.content.decode()) == [], url


def test_the_staff_admin_may_use_inline_styles_but_not_inline_scripts(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    for url in ["/admin/", "/admin/statistics/", "/admin/screening/submission/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"]
        assert "'unsafe-inline'" in policy["style-src"]
        assert not [f for f in inline_code(response.content.decode()) if "script" in f], url


def test_swagger_ui_loads_its_set_up_script_from_our_own_origin(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert directives(page)["script-src"] == ["'self'"]
    html = page.content.decode()
    assert not [f for f in inline_code(html) if "script" in f or " on" in f]
    script = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1)
    setup = client.get(script.replace("&amp;", "&"))
    assert setup.status_code == 200
    assert "SwaggerUIBundle" in setup.content.decode()


def test_the_json_api_passes_sessions_and_logins_by(client, demo_data):
    # A staff member's browser sends its session cookie to the API too; the API neither reads
    # nor renews it (pages do: SESSION_SAVE_EVERY_REQUEST), so API answers never vary by cookie.
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    page = client.get("/admin/")
    assert page.status_code == 200 and "sessionid" in page.cookies
    for url in ["/api/v1/questionnaires/", "/api/v1/questionnaires/phq-9/", "/api/v1/hotlines/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
    assert client.get("/admin/").status_code == 200  # still logged in


def test_the_villagers_pages_pass_sessions_logins_and_messages_by(client, demo_data):
    # Only the staff admin has use for them: a villager's page neither reads nor renews a staff
    # member's session, and costs no layer for them.
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    assert "sessionid" in client.get("/admin/").cookies
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    result = client.post("/q/phq-9/", answers)
    assert result.status_code == 303
    for url in ["/", "/q/phq-9/", result["Location"]]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "sessionid" not in response.cookies, url
        request = response.wsgi_request
        assert not any(hasattr(request, name) for name in ("session", "user", "_messages")), url
    assert client.get("/admin/").status_code == 200  # still logged in


def test_every_response_sets_referrer_policy_and_nosniff(client, api, demo_data):
    for response in (client.get("/"), api.get("/api/v1/questionnaires/"), client.get("/nope/")):
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_is_enforced_except_for_the_health_probes(client, demo_data):
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def assert_private(response):
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "noindex" in response["X-Robots-Tag"]


def test_results_are_private_and_not_indexed(client, api, demo_data):
    created = submit(api)
    assert_private(created)
    token = created.json()["token"]
    for response in (
        client.get(f"/r/{token}/"),
        client.get(f"/r/{token}/?callback=1"),
        api.get(f"/api/v1/submissions/{token}/"),
        client.get("/r/no-such-token/"),
        # The redirect to the slashed address carries the token as well.
        client.get(f"/r/{token}"),
        api.get(f"/api/v1/submissions/{token}"),
    ):
        assert_private(response)
    # Public pages stay cacheable and indexable.
    assert "X-Robots-Tag" not in client.get("/")


def test_what_leads_to_a_result_is_private_too(client, api, demo_data):
    from tests.clients import FormClient

    token = submit(api).json()["token"]
    answers = {f"phq9_{i}": "1" for i in range(1, 10)}
    result = f"/r/{token}/"
    for response in (
        # The form's redirect to the new result, and the form sent back with some answers.
        client.post("/q/phq-9/", answers),
        client.post("/q/phq-9/", {"phq9_1": "2"}),
        # The language and text-size buttons' way back to the result.
        client.post("/i18n/setlang/", {"language": "en", "next": result}),
        client.post("/text-size/", {"next": result}),
        # A refused form's page, which links back to the result.
        FormClient(enforce_csrf_checks=True).post("/text-size/", {"next": result}),
        # A read whose answer is a redirect to a result (Django's set_language by GET).
        client.get("/i18n/setlang/", {"next": result}),
    ):
        assert_private(response)
    with override_settings(SECURE_SSL_REDIRECT=True):
        # A browser keeps a 301 unless told not to. (A new client: middleware reads the
        # setting when it is loaded.)
        to_https = FormClient().get(result)
        assert to_https.status_code == 301
        assert_private(to_https)
    # Reading public pages stays cacheable and indexable.
    for path in ("/", "/q/phq-9/", "/api/v1/hotlines/"):
        response = client.get(path)
        assert "no-store" not in response.get("Cache-Control", ""), path
        assert "X-Robots-Tag" not in response, path


TOKEN_URLS = [
    ("get", "/r/{}/"),
    ("post", "/r/{}/callback/"),
    ("get", "/r/{}/pdf/"),
    ("get", "/api/v1/submissions/{}/"),
    ("post", "/api/v1/submissions/{}/callback/"),
    ("get", "/api/v1/submissions/{}/pdf/"),
]


@pytest.mark.parametrize("method,url", TOKEN_URLS)
@pytest.mark.parametrize("token", ["x%00", "a%00b", "%F0%9F%98%80", "a.b", "x" * 65])
def test_a_token_of_another_shape_is_no_such_result(client, demo_data, method, url, token):
    # PostgreSQL refuses a NUL in text: such a token must be a 404, not a server error.
    response = getattr(client, method)(url.format(token))
    assert response.status_code == 404
    assert_private(response)
