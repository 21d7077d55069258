"""What the logs say about a request: refusals in one line, server errors in full, no number
or client address in either."""

import logging
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import User

from config.logs import RedactClientAddresses
from screening.models import Questionnaire
from tests.clients import FormClient

pytestmark = pytest.mark.django_db


def lines(log_output) -> list[str]:
    return log_output.getvalue().splitlines()


@pytest.mark.parametrize(
    "refuse, logged",
    [
        (
            lambda client: client.get("/", HTTP_HOST="evil.example"),
            "WARNING django.security.DisallowedHost Invalid HTTP_HOST header: 'evil.example'.",
        ),
        (
            lambda client: client.post("/q/phq-9/", {f"field{i}": "x" for i in range(1001)}),
            "WARNING django.security.TooManyFieldsSent The number of GET/POST parameters exceeded",
        ),
        (
            # Refused by its Content-Length before it is read (config.bodies).
            lambda client: client.post("/q/phq-9/", {"phq9_1": "0", "padding": "x" * 70_000}),
            "WARNING django.request Request Entity Too Large: /q/phq-9/",
        ),
        (
            lambda client: FormClient(enforce_csrf_checks=True).post("/q/phq-9/", {"phq9_1": "0"}),
            "WARNING django.security.csrf Forbidden (CSRF cookie not set.): /q/phq-9/",
        ),
    ],
    ids=["bad host", "too many fields", "too big", "no csrf cookie"],
)
def test_a_refused_request_is_one_warning_line(client, questionnaires, log_output, refuse, logged):
    client.raise_request_exception = False
    assert 400 <= refuse(client).status_code < 500
    [line] = lines(log_output)
    assert line.split(" ", 2)[2].startswith(logged), line


def test_a_403_is_one_warning_line_without_its_traceback(client, db, log_output):
    # Staff without the permission to see the statistics: Django raises PermissionDenied.
    client.force_login(User.objects.create_user("clerk", is_staff=True))
    assert client.get("/admin/statistics/").status_code == 403
    [line] = [line for line in lines(log_output) if "django.request" in line]
    assert " WARNING django.request Forbidden (Permission denied): /admin/statistics/" in line
    assert "Traceback" not in log_output.getvalue()


def test_a_server_error_stays_an_error_with_its_traceback(client, db, settings, log_output):
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch.object(Questionnaire.objects, "with_current_version", side_effect=KeyError):
        assert client.get("/").status_code == 500
    written = log_output.getvalue()
    assert " ERROR django.request Internal Server Error: /\n" in written
    assert "Traceback (most recent call last):" in written and "KeyError" in written


@pytest.mark.parametrize(
    "path",
    [
        "/q/１３９１２３４５６７８/",
        "/r/１３９１２３４５６７８/",
        "/q/电话１３９１２３４５６７８/",
        "/q/电13912345678/",
        "/articles/＋８６ １３９－１２３４－５６７８/",
    ],
)
def test_a_phone_number_in_a_path_is_redacted_however_it_is_written(client, db, log_output, path):
    # On the wire the path is percent-encoded; Django's log writes its non-ASCII characters
    # as escapes (/q/\uff11\uff13...), which must not hide a number either.
    assert client.get(path).status_code == 404
    [line] = lines(log_output)
    assert " WARNING django.request Not Found: /" in line
    assert "<phone>" in line or "/r/<token>/" in line, line
    for digits in ("12345678", "１２３４５６７８", "\\uff11\\uff12", "5678", "５６７８", "\\uff15"):
        assert digits not in line


@pytest.mark.parametrize("address", ["203.0.113.7", "::1", "2001:db8::7", "::ffff:203.0.113.7"])
def test_gunicorns_invalid_request_line_names_no_client_address(address):
    record = logging.makeLogRecord(
        {"msg": f"Invalid request from ip={address}: Invalid HTTP Version: 'HTTP/9.9'"}
    )
    assert RedactClientAddresses().filter(record)
    assert record.getMessage() == (
        "Invalid request from ip=<address>: Invalid HTTP Version: 'HTTP/9.9'"
    )


def test_gunicorns_own_addresses_stay_in_its_log():
    record = logging.makeLogRecord(
        {"msg": "Listening at: http://127.0.0.1:8000 (%s)", "args": (7,)}
    )
    assert RedactClientAddresses().filter(record)
    assert record.getMessage() == "Listening at: http://127.0.0.1:8000 (7)"


def test_a_management_command_prints_no_axes_banner():
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stderr + result.stdout
