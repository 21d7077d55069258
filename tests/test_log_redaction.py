"""Redacted logs: no result token, phone number or request in any line, however it is written."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from config.logs import RedactPersonalData, redact
from referrals.callbacks import normalise_phone
from tests.api_submissions import submit

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


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
