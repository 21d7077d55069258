"""What gunicorn and the app write to their logs: JSON on stdout, no token, number or address.

The app runs under gunicorn in a subprocess (with gunicorn.conf.py), as in production.
"""

import json
import socket
from urllib.parse import quote

from tests.production_server import free_port, request, serve


def test_gunicorn_logs_json_without_tokens_addresses_or_query_strings(tmp_path):
    log = tmp_path / "gunicorn.log"
    database = f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao"
    with log.open("w") as output:
        with serve(database, output, LOG_FORMAT="json", GUNICORN_ACCESS_LOG="-") as port:
            request(port, "GET", "/r/SECRETTOKEN123/?phone=13912345678")
            request(port, "GET", "/healthz")
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line["message"] for line in lines if line["name"] == "gunicorn.access"]
    assert any(m.startswith('"GET /r/<token>/" 503 ') for m in access), access
    assert any(m.startswith('"GET /healthz" 200 ') for m in access), access
    text = log.read_text()
    assert "SECRETTOKEN123" not in text and "13912345678" not in text
    assert "127.0.0.1" not in "".join(access)


def test_the_service_logs_to_stdout_and_leaves_stderr_empty(tmp_path):
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    database = f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao"
    with out.open("w") as stdout, err.open("w") as stderr:
        # An existing STATIC_ROOT, as after collectstatic: whitenoise warns about a missing one.
        settings = {"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(tmp_path)}
        with serve(database, stdout, stderr, **settings) as port:
            assert request(port, "GET", "/r/SECRETTOKEN123/")[0] == 503
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
    names = {line["name"] for line in lines}
    # Gunicorn's own lines ("Booting worker") and the app's (the lost database) are both here.
    assert "gunicorn.error" in names
    assert "config.outage" in names, lines
    assert "SECRETTOKEN123" not in out.read_text()
    assert err.read_text() == ""


def test_an_access_log_file_gets_the_requests_and_stdout_does_not(tmp_path):
    out, access = tmp_path / "stdout.log", tmp_path / "access.log"
    database = f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao"
    with out.open("w") as stdout:
        with serve(database, stdout, GUNICORN_ACCESS_LOG=str(access)) as port:
            request(port, "GET", "/r/SECRETTOKEN123/")
    assert '"GET /r/<token>/" 503 ' in access.read_text()
    assert "SECRETTOKEN123" not in access.read_text()
    assert '"GET /r/' not in out.read_text()


def test_gunicorn_logs_an_invalid_request_without_the_clients_address(tmp_path):
    log = tmp_path / "gunicorn.log"
    database = f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao"
    with log.open("w") as output:
        with serve(database, output) as port:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                raw.sendall(b"NOT AN HTTP REQUEST /q/13912345678/\r\n\r\n")
                assert raw.recv(1024).startswith(b"HTTP/1.1 400 ")
    [line] = [line for line in log.read_text().splitlines() if "Invalid request" in line]
    assert line.endswith(
        "[WARNING] Invalid request from ip=<address>: "
        "Invalid HTTP request line: 'NOT AN HTTP REQUEST /q/<phone>/'"
    ), line


def test_a_full_width_phone_number_in_a_path_is_in_no_log(tmp_path):
    log = tmp_path / "gunicorn.log"
    database = f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao"
    with log.open("w") as output:
        # DEBUG only so that the 404 page finds its static files without a collectstatic.
        with serve(database, output, DEBUG="True", GUNICORN_ACCESS_LOG="-") as port:
            # Percent-encoded on the wire, as a browser sends it.
            assert request(port, "GET", f"/q/{quote('１３９１２３４５６７８')}/")[0] == 404
    written = log.read_text()
    # Django's line (it writes the path as escapes, \uff11...) and gunicorn's (it writes the
    # path's UTF-8 bytes read as Latin-1, ï¼\x91...).
    assert "WARNING django.request Not Found: /q/<phone>/" in written
    assert '"GET /q/<phone>/" 404 ' in written
    for leak in ("\\uff11", "ï¼", "%EF%BC", "１"):
        assert leak not in written
