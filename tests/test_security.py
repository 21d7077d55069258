"""Security headers, private result pages, redacted logs and throttles that cannot be dodged."""

import json
import logging
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings

from config.logs import RedactPersonalData, redact
from referrals.callbacks import normalise_phone

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"


def phq9(*values):
    values = values or (0,) * 9
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


def submit(api, values=(0,) * 9, **headers):
    return api.post(SUBMIT, {"answers": phq9(*values)}, format="json", **headers)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.found.append("<script> without src")
        if tag == "style" and "nonce" not in attrs:
            self.found.append("<style>")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
        if (attrs.get("href") or "").startswith("javascript:"):
            self.found.append(f"{tag} href=javascript:")
        # Links may leave the site; what the page loads or posts to may not.
        for name in ("src", "action"):
            if (attrs.get(name) or "").startswith(("http://", "https://", "//")):
                self.found.append(f"{tag} {name}={attrs[name]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


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


def test_redact_hides_tokens_in_paths_and_phone_numbers():
    line = (
        'Not Found: /r/TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/pdf/ "GET /api/v1/submissions/abc_DEF-1/'
        'callback/?x=1" phone 139 1234 5678, +86-13912345678 or 13912345678; case 12345'
    )
    assert redact(line) == (
        'Not Found: /r/<token>/pdf/ "GET /api/v1/submissions/<token>/callback/?x=1" '
        "phone <phone>, <phone> or <phone>; case 12345"
    )
    assert redact("/api/v1/questionnaires/phq-9/ /articles/r/") == (
        "/api/v1/questionnaires/phq-9/ /articles/r/"
    )
    landlines = "0771-5551234, (010) 8295 1332, 02112345678 and 0311 555 1234"
    assert redact(landlines) == "<phone>, <phone>, <phone> and <phone>"
    assert (
        redact("took 1234567 ms; case 0123; 2026-11-27") == "took 1234567 ms; case 0123; 2026-11-27"
    )


@pytest.mark.parametrize(
    "number",
    [
        "008613912345678",
        "0086 139 1234 5678",
        "１３９１２３４５６７８",
        "＋８６ １３９－１２３４－５６７８",
        "13 912 345 678",
        "1391 234 5678",
        "+86 10 8295 1332",
        "0086-10-82951332",
        "（０１０）８２９５１３３２",
        "0932 1234567",
    ],
)
def test_redact_hides_every_form_of_number_the_call_back_form_accepts(number):
    assert normalise_phone(number), "a form people really type"
    assert redact(f"打我电话，{number}。谢谢") == "打我电话，<phone>。谢谢"


@pytest.mark.parametrize(
    "number",
    [
        "139.1234.5678",
        "（139）1234 5678",
        "(139)12345678",
        "139——1234——5678",
        "139 - 1234 - 5678",
        "139/1234/5678",
        "0771.5551234",
    ],
)
def test_redact_hides_numbers_as_team_members_write_them_in_notes(number):
    # The retention job relies on it to take the numbers out of the team's case notes.
    assert redact(f"打了{number}，没人接") == "打了<phone>，没人接"


@pytest.mark.parametrize(
    "path, logged",
    [
        # As Django's request log writes a path (non-ASCII as escapes, backslashes doubled).
        ("/q/１３９１２３４５６７８/", "/q/<phone>/"),
        ("/q/电13912345678/", "/q/\\u7535<phone>/"),
        ("/q/\\13912345678/", "/q/\\\\<phone>/"),
        ("/q/睡眠/", "/q/\\u7761\\u7720/"),
    ],
)
def test_redact_reads_a_path_as_djangos_request_log_escapes_it(path, logged):
    escaped = path.encode("unicode_escape").decode("ascii")
    assert redact(f"Not Found: {escaped}") == f"Not Found: {logged}"


@pytest.mark.parametrize(
    "line",
    [
        # A raw URI (gunicorn's "Error handling request GET /q/%EF%BC%91...").
        "Error handling request GET /q/%EF%BC%91%EF%BC%93%EF%BC%99%EF%BC%91%EF%BC%92%EF%BC%93"
        "%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98/",
        "Error handling request GET /q/%31%33%39%31%32%33%34%35%36%37%38/",
        # A WSGI path: the URI's UTF-8 bytes read as Latin-1 (gunicorn's access log).
        '"GET /q/' + "１３９１２３４５６７８".encode().decode("latin-1") + '/" 404',
    ],
)
def test_redact_reads_percent_encoded_and_wsgi_paths(line):
    assert "<phone>/" in redact(line)
    assert "%E" not in redact(line) and "%3" not in redact(line) and "ï" not in redact(line)


def test_a_path_with_an_encoded_newline_cannot_forge_a_log_line():
    forged = "/r/abc\n2026-11-27 12:00:00 ERROR x forged/"
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (forged,), None
    )
    RedactPersonalData().filter(record)
    assert record.getMessage() == "Not Found: /r/<token>\\x0a2026-11-27 12:00:00 ERROR x forged/"
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "a\u2028b\x85c\td", (), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "a\\u2028b\\x85c\td"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27 16:15:23,286",
        "2026-11-27T16:15:23+08:00",
        "score 13/27; phq9 answers 1 3 2 1 0 0 1 2 3 1 0",
        "took 1234567 ms; case 0123; case 12345; 10.0.0.5",
        "token 3f2b9c1e8a7d4f6b9e0c1d2a3b4c5d6e, TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw",
        "已回电，情况稳定（明天 19:30 再联系）。",
        # Addresses in axes' lockout lines, decimals, dotted groups that are no number's shape.
        "ip_address: 183.14.135.123; client 139.210.12.145; 172.16.130.145 192.168.1.10",
        "13.912345678 and p95 15.123456789s",
        "0755.2024.1013, 010/2024/1234",
        # Escapes that stand for no number, or for none at all.
        "Not Found: /articles/\\u7761\\u7720/ 100%20 %ZZ \\uzzzz %E7%9D%A1 100%",
    ],
)
def test_redact_leaves_dates_times_scores_and_tokens_alone(text):
    assert redact(text) == text


def test_logged_paths_never_carry_a_token(client, api, demo_data, log_output):
    token = submit(api).json()["token"]
    client.post(f"/r/{token}/callback/", {"phone": "13912345678"})  # 400, no consent
    api.get("/api/v1/submissions/guessed-token-0123456789/")  # 404
    api.post(f"/api/v1/submissions/{token}/callback/", {"phone": "1"}, format="json")  # 400
    written = log_output.getvalue()
    assert "/r/<token>/callback/" in written
    assert "/api/v1/submissions/<token>/" in written
    for secret in (token, "guessed-token-0123456789", "13912345678"):
        assert secret not in written


def test_a_badly_formatted_log_call_is_logged_redacted_not_raised(log_output, capsys):
    # One argument for two placeholders: logging itself would report it and carry on.
    logging.getLogger("x").error("case %s %s: called 13912345678", "13800138000")
    written = log_output.getvalue()
    assert "case %s %s: called <phone>" in written
    assert "13912345678" not in written and "13800138000" not in written
    assert "Logging error" not in written + capsys.readouterr().err


def test_an_integer_too_long_to_write_as_text_does_not_break_the_log_call():
    # str() refuses an int of over 4,300 digits; the filter must not raise into the caller.
    record = logging.makeLogRecord({"msg": "sent", "huge": 7**6000, "status_code": 404})
    assert RedactPersonalData().filter(record)
    assert (record.huge, record.status_code) == (7**6000, 404)


def test_json_logs_carry_no_token_or_request(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "from django.test import RequestFactory; "
        "request = RequestFactory().get('/r/SECRETTOKEN/'); "
        "logging.getLogger('django.request').warning('Not Found: %s', request.path, "
        "extra={'status_code': 404, 'request': request}); "
        "logging.getLogger('y').info('called', extra={'number': '139 1234 5678', "
        "'data': {'phone': '13912345678'}, 'url': '/api/v1/submissions/SECRETTOKEN/pdf/', "
        "'tries': 2, 'crisis': True, 'phone': 13912345678, 'intl': 8613800138000}); "
        "\ntry:\n    raise ValueError('/api/v1/submissions/SECRETTOKEN/ 13912345678')\n"
        "except ValueError:\n    logging.getLogger('x').exception('failed')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
        | {"LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    not_found = next(line for line in lines if line["name"] == "django.request")
    assert not_found["message"] == "Not Found: /r/<token>/"
    assert not_found["status_code"] == 404
    assert "request" not in not_found
    failed = next(line for line in lines if line["name"] == "x")
    assert "ValueError: /api/v1/submissions/<token>/ <phone>" in failed["exc_info"]
    # Fields given as `extra` are written too: text redacted, numbers and flags as they were.
    called = next(line for line in lines if line["name"] == "y")
    assert called["number"] == "<phone>"
    assert called["data"] == "{'phone': '<phone>'}"
    assert called["url"] == "/api/v1/submissions/<token>/pdf/"
    assert called["tries"] == 2 and called["crisis"] is True
    # A mobile number given as an integer: still a phone number.
    assert called["phone"] == called["intl"] == "<phone>"
    assert "SECRETTOKEN" not in result.stderr and "13912345678" not in result.stderr
    assert "13800138000" not in result.stderr


@override_settings(THROTTLE_SUBMISSIONS="2/minute")
def test_a_forged_forwarded_for_does_not_escape_the_submission_limit(api, questionnaires):
    codes = [submit(api, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(3)]
    assert codes == [201, 201, 429]


def test_behind_a_declared_proxy_clients_are_told_apart_by_forwarded_for(
    api, questionnaires, settings
):
    # Both through the `settings` fixture: mixed with @override_settings, its undo would bring
    # back the decorator's 1/minute for every later test.
    settings.THROTTLE_SUBMISSIONS = "1/minute"
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    # The load balancer appends the address it saw; anything before it is the client's claim.
    first = submit(api, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.1")
    again = submit(api, HTTP_X_FORWARDED_FOR="198.51.100.8, 203.0.113.1")
    other = submit(api, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert [first.status_code, again.status_code, other.status_code] == [201, 429, 201]


@pytest.fixture
def crisis_token(api, demo_data):
    return submit(api, (0,) * 8 + (2,)).json()["token"]


CALL_ME = {"phone": "13912345678", "consent": True}


def ask_callback(api, token, body=CALL_ME, **headers):
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json", **headers)


@override_settings(THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_call_back_requests_for_one_result_beyond_its_rate_are_429_with_the_hotlines(
    api, crisis_token
):
    codes = [ask_callback(api, crisis_token).status_code for _ in range(3)]
    assert codes == [201, 200, 429]
    refused = ask_callback(api, crisis_token).json()
    assert "detail" in refused
    assert [line["number"] for line in refused["hotlines"]] == ["12356", "400-161-9995"]
    # The limit is the result's, wherever the requests come from.
    assert ask_callback(api, crisis_token, REMOTE_ADDR="10.9.8.7").status_code == 429


@override_settings(THROTTLE_CALLBACKS="2/hour")
def test_new_call_back_cases_from_one_address_beyond_its_rate_are_429(api, demo_data):
    tokens = [submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(4)]
    codes = [ask_callback(api, token).status_code for token in tokens[:3]]
    assert codes == [201, 201, 429]
    assert ask_callback(api, tokens[3], REMOTE_ADDR="10.9.8.7").status_code == 201


@override_settings(THROTTLE_CALLBACKS="2/hour")
def test_asking_again_for_one_result_leaves_the_addresss_new_cases_to_others(api, demo_data):
    # A village clinic's wifi serves everyone who scans its poster: one person correcting
    # their number must not use up what the next person needs.
    first, second, third = (submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(3))
    again = [ask_callback(api, first, CALL_ME | {"preferred_time": f"{h}点"}) for h in (9, 10, 11)]
    assert [response.status_code for response in again] == [201, 200, 200]
    assert ask_callback(api, second).status_code == 201
    assert ask_callback(api, third).status_code == 429


@override_settings(THROTTLE_CALLBACKS="1/hour", THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_refused_call_back_requests_do_not_count_against_the_rates(api, crisis_token):
    # Someone in crisis who mistypes the number must still be able to ask.
    for phone in ("1391234567", "23912345678", "139123456789", "phone", "110"):
        assert ask_callback(api, crisis_token, {"phone": phone, "consent": True}).status_code == 400
    codes = [ask_callback(api, crisis_token).status_code for _ in range(3)]
    assert codes == [201, 200, 429]


def test_the_per_result_limit_keeps_no_token_in_the_cache(api, crisis_token, settings):
    settings.THROTTLE_CALLBACKS_PER_RESULT = "5/hour"
    assert ask_callback(api, crisis_token).status_code == 201
    keys = [key for key in cache._cache if "callbacks_per_result" in key]  # LocMemCache
    assert len(keys) == 1
    assert crisis_token not in keys[0]


@override_settings(THROTTLE_CALLBACKS="5/hour")
def test_the_per_client_limits_keep_no_address_in_the_cache(api, demo_data):
    # The keys and times in a shared cache would tie an address to a call-back request.
    address = "198.51.100.23"
    token = submit(api, (0,) * 8 + (2,), REMOTE_ADDR=address).json()["token"]
    assert ask_callback(api, token, REMOTE_ADDR=address).status_code == 201
    keys = list(cache._cache)  # LocMemCache
    assert any("throttle_submissions_" in key for key in keys)
    assert any("throttle_callbacks_" in key for key in keys)
    assert not [key for key in keys if address in key]


@override_settings(THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_the_result_pages_call_back_form_shares_the_apis_limit(client, api, crisis_token):
    form = {"phone": "13912345678", "consent": "yes"}
    page = f"/r/{crisis_token}/callback/"
    assert client.post(page, {"phone": "1", "consent": "yes"}).status_code == 400, "not counted"
    assert client.post(page, form).status_code == 303
    assert ask_callback(api, crisis_token).status_code == 200
    refused = client.post(page, form)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'id="limit-error"' in html
    assert 'href="tel:12356"' in html


@override_settings(THROTTLE_CALLBACKS="1/hour")
def test_the_result_pages_form_counts_new_cases_against_the_address(client, api, demo_data):
    first, second = (submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(2))
    form = {"phone": "13912345678", "consent": "yes"}
    assert client.post(f"/r/{first}/callback/", form).status_code == 303
    assert client.post(f"/r/{first}/callback/", form).status_code == 303
    assert client.post(f"/r/{second}/callback/", form).status_code == 429


@override_settings(THROTTLE_CALLBACKS="", THROTTLE_CALLBACKS_PER_RESULT="")
def test_empty_call_back_rates_disable_their_throttles(api, crisis_token):
    url = f"/api/v1/submissions/{crisis_token}/callback/"
    body = {"phone": "13912345678", "consent": True}
    codes = {api.post(url, body, format="json").status_code for _ in range(12)}
    assert codes == {201, 200}
