"""Failure and scale-out: the database going away and coming back, health probes, shared throttles.

The app runs under gunicorn in a subprocess (with gunicorn.conf.py), as in production.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import redis
from django.db import OperationalError, connection

from screening.models import Questionnaire, Submission

ROOT = Path(__file__).resolve().parent.parent
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
DETAIL = "/api/v1/questionnaires/phq-9/"
ANSWERS = json.dumps({"answers": {f"phq9_{i}": 1 for i in range(1, 10)}})
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the server subprocess shares the test database on PostgreSQL (set DATABASE_URL)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: str | None = None, **headers):
    """(status, headers, body text) of one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    result = response.status, dict(response.getheaders()), response.read().decode()
    conn.close()
    return result


@contextmanager
def serve(database_url: str, output=subprocess.DEVNULL, errors=None, **env):
    """The app under gunicorn (one worker) on a free port; yields the port.

    Its stdout goes to ``output``, its stderr to ``errors`` (by default ``output`` too).
    """
    port = free_port()
    ours = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "REDIS_URL",
        "NUM_PROXIES",
        "LOG_FORMAT",
        "LOG_STREAM",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi"],
        cwd=ROOT,
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "False",
            "SECRET_KEY": "reliability-tests-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "1",
            "LOG_LEVEL": "ERROR",
            **env,
        },
        stdout=output,
        stderr=output if errors is None else errors,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def shared_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


class Relay:
    """A TCP relay from a local port to PostgreSQL: the database is "up" while it runs.

    While ``hung``, it takes connections and never answers, as a database in a failover, on a
    full disk or behind a pile-up of locks does. While ``frozen``, it keeps every connection, new
    and kept, open and passes nothing on, as a stuck server process or proxy does.
    """

    def __init__(self, port: int, hung: bool = False):
        self.port = port
        settings = connection.settings_dict
        self.target = (settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
        self.sockets: list[socket.socket] = []
        self.hung = hung
        self.frozen = False

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.sockets = [listener]
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.hung:
                continue
            upstream = socket.create_connection(self.target)
            self.sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                while self.frozen:
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture(scope="module")
def no_database():
    """The app with its database on a port where nothing listens.

    DEBUG on only so that pages find their static files without a collectstatic (two minutes);
    the outage path is the same either way.
    """
    with serve(f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao", DEBUG="True") as port:
        yield port


@pytest.mark.parametrize("path", ["/", "/q/phq-9/", "/r/a-result-token/", "/articles/sleep-well/"])
def test_with_the_database_down_pages_are_a_friendly_503_with_the_hotlines(no_database, path):
    status, headers, html = request(no_database, "GET", path)
    assert status == 503
    assert 'href="tel:12356"' in html and 'href="tel:4001619995"' in html
    assert "110" in html and "120" in html
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    # Its one inline style carries the nonce the policy allows.
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html


def test_the_outage_page_speaks_the_visitors_language(no_database):
    _, _, html = request(no_database, "GET", "/", **{"Accept-Language": "en"})
    assert "National psychological assistance hotline" in html


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/api/v1/questionnaires/"), ("POST", SUBMIT), ("GET", "/api/v1/submissions/x/")],
)
def test_with_the_database_down_the_api_answers_503_json_with_the_hotlines(
    no_database, method, path
):
    status, headers, text = request(
        no_database, method, path, ANSWERS if method == "POST" else None
    )
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    body = json.loads(text)
    assert body["detail"]
    assert [h["number"] for h in body["hotlines"]] == ["12356", "400-161-9995"]
    assert body["hotlines"][0]["tel"] == "tel:12356"


def test_liveness_needs_no_database(no_database):
    status, _, text = request(no_database, "GET", "/healthz")
    assert (status, json.loads(text)) == (200, {"status": "ok"})


def test_readiness_is_503_while_the_database_is_down(no_database):
    status, _, text = request(no_database, "GET", "/readyz")
    assert status == 503
    assert json.loads(text) == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


# A database that takes connections and never answers must not hold anyone for long: the
# DATABASE_*_TIMEOUT limits. Each answer below takes 3.0 s (the connect timeout) on the 2-core
# machine; the bound is generous, for a busy machine.
HUNG_BOUND = 10


@pytest.fixture(scope="module")
def hung_database():
    """The app with its database on a port that takes connections and never answers."""
    relay = Relay(free_port(), hung=True)
    relay.start()
    try:
        url = f"postgres://postgres@127.0.0.1:{relay.port}/xinqiao"
        with serve(url, DEBUG="True") as port:
            yield port
    finally:
        relay.stop()


def timed_request(port: int, method: str, path: str, body: str | None = None):
    began = time.monotonic()
    status, headers, text = request(port, method, path, body)
    return status, headers, text, time.monotonic() - began


@pytest.mark.parametrize("path", ["/r/a-result-token/", "/q/phq-9/"])
def test_with_the_database_hung_pages_are_a_quick_503_with_the_hotlines(hung_database, path):
    status, headers, html, seconds = timed_request(hung_database, "GET", path)
    assert status == 503
    assert 'href="tel:12356"' in html
    assert headers["Retry-After"] == "30"
    assert seconds < HUNG_BOUND, f"answered after {seconds:.1f} s"


@pytest.mark.parametrize("method, path", [("GET", DETAIL), ("POST", SUBMIT), ("GET", "/readyz")])
def test_with_the_database_hung_the_api_and_readiness_are_a_quick_503(hung_database, method, path):
    status, _, text, seconds = timed_request(
        hung_database, method, path, ANSWERS if method == "POST" else None
    )
    assert status == 503
    body = json.loads(text)
    if path == "/readyz":
        assert body["database"] == "unavailable"
    else:
        assert body["hotlines"][0]["number"] == "12356"
    assert seconds < HUNG_BOUND, f"answered after {seconds:.1f} s"


def test_liveness_answers_at_once_while_a_request_waits_on_the_hung_database(hung_database):
    stuck = threading.Thread(target=request, args=(hung_database, "GET", "/r/a-result-token/"))
    stuck.start()
    time.sleep(0.5)  # into its wait for the database
    status, _, _, seconds = timed_request(hung_database, "GET", "/healthz")
    stuck.join()
    assert status == 200
    assert seconds < 1, f"answered after {seconds:.1f} s"


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_the_service_resumes_by_itself_when_a_hung_database_answers_again(questionnaires):
    relay = Relay(free_port(), hung=True)
    url = shared_database_url().replace(f":{relay.target[1]}/", f":{relay.port}/")
    relay.start()
    try:
        with serve(url) as port:
            assert request(port, "GET", DETAIL)[0] == 503
            relay.hung = False
            assert request(port, "GET", "/readyz")[0] == 200
            assert request(port, "GET", DETAIL)[0] == 200
            assert request(port, "POST", SUBMIT, ANSWERS)[0] == 201
    finally:
        relay.stop()
    assert Submission.objects.count() == 1


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_that_stops_answering_ends_in_a_503_and_service_resumes(
    questionnaires,
):
    relay = Relay(free_port())
    url = shared_database_url().replace(f":{relay.target[1]}/", f":{relay.port}/")
    relay.start()
    try:
        # The server never ends the statement: config.watchdog does, a second after its limit.
        with serve(url, DATABASE_STATEMENT_TIMEOUT="2") as port:
            assert request(port, "GET", DETAIL)[0] == 200
            relay.frozen = True
            # The kept connection's health check waits 3 s, a new connection 3 s more.
            status, _, text, seconds = timed_request(port, "GET", "/readyz")
            assert status == 503 and json.loads(text)["database"] == "unavailable"
            assert seconds < HUNG_BOUND + 5, f"answered after {seconds:.1f} s"
            status, _, text, seconds = timed_request(port, "POST", SUBMIT, ANSWERS)
            assert status == 503 and json.loads(text)["hotlines"][0]["number"] == "12356"
            assert seconds < HUNG_BOUND, f"answered after {seconds:.1f} s"
            relay.frozen = False
            assert request(port, "POST", SUBMIT, ANSWERS)[0] == 201
    finally:
        relay.stop()


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_the_result_pages_prepared_read_is_watched_too(questionnaires):
    # The result page reads through a cursor of its own (config.kept_connections), which the
    # watchdog must end as it ends every other statement: the page every villager opens.
    answers = {f"phq9_{i}": 1 for i in range(1, 10)}
    token = Submission.create_from_answers(
        version=Questionnaire.objects.get(slug="phq-9").current_version(),
        answers=answers,
        language="zh-hans",
    ).token
    relay = Relay(free_port())
    url = shared_database_url().replace(f":{relay.target[1]}/", f":{relay.port}/")
    relay.start()
    try:
        # DEBUG only so that the page finds its static files without a collectstatic.
        with serve(url, DEBUG="True", DATABASE_STATEMENT_TIMEOUT="2") as port:
            assert request(port, "GET", f"/r/{token}/")[0] == 200
            relay.frozen = True
            # The read ended a second after its limit, then a new connection's 3 s.
            status, _, html, seconds = timed_request(port, "GET", f"/r/{token}/")
            assert status == 503 and 'href="tel:12356"' in html
            assert seconds < HUNG_BOUND, f"answered after {seconds:.1f} s"
            relay.frozen = False
            assert request(port, "GET", f"/r/{token}/")[0] == 200
    finally:
        relay.stop()


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


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_the_service_resumes_by_itself_when_the_database_returns(questionnaires):
    relay = Relay(free_port())
    url = shared_database_url().replace(f":{relay.target[1]}/", f":{relay.port}/")
    # Pages need collected static files when DEBUG is off; the API shows the same thing.
    with serve(url) as port:
        assert request(port, "GET", DETAIL)[0] == 503
        relay.start()
        try:
            assert request(port, "GET", "/readyz")[0] == 200
            assert request(port, "GET", DETAIL)[0] == 200
            assert request(port, "POST", SUBMIT, ANSWERS)[0] == 201
        finally:
            relay.stop()
        # The kept connection is dead now: the next request notices and answers 503 ... (the
        # list, since a questionnaire this process has just served comes from its memory)
        assert request(port, "GET", "/api/v1/questionnaires/")[0] == 503
        assert request(port, "GET", "/readyz")[0] == 503
        relay.start()
        try:
            # ... and the one after the database is back is served again.
            assert request(port, "GET", DETAIL)[0] == 200
            assert request(port, "POST", SUBMIT, ANSWERS)[0] == 201
        finally:
            relay.stop()
    assert Submission.objects.count() == 2


def test_readiness_is_ok_when_the_database_and_cache_answer(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_when_the_cache_fails(client, db):
    with mock.patch("config.health.cache.set", side_effect=redis.ConnectionError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


def test_the_outage_answer_itself_makes_no_query(client, api, questionnaires):
    # Any query on the way out would raise again, inside the middleware: a 500, not a 503.
    with mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("down")):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        listing = api.get("/api/v1/questionnaires/")
    assert page.status_code == 503
    assert "National psychological assistance hotline" in page.content.decode()
    assert listing.status_code == 503
    assert listing.json()["hotlines"][0]["number"] == "12356"


def test_other_errors_stay_errors(client, db):
    with mock.patch.object(Questionnaire.objects, "with_current_version", side_effect=KeyError):
        client.raise_request_exception = False
        assert client.get("/").status_code == 500


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_the_submission_limit_holds_across_two_processes_through_redis(
    questionnaires, shared_redis
):
    url, prefix = shared_redis
    env = {"REDIS_URL": url, "CACHE_KEY_PREFIX": prefix, "THROTTLE_SUBMISSIONS": "4/minute"}
    with serve(shared_database_url(), **env) as one, serve(shared_database_url(), **env) as two:
        codes = [request(port, "POST", SUBMIT, ANSWERS)[0] for port in (one, two) * 4]
    assert codes == [201] * 4 + [429] * 4
    assert Submission.objects.count() == 4


def test_an_api_url_matching_no_route_is_a_json_404(api, settings):
    settings.DEBUG = False
    response = api.post("/api/v1/questionnaires/not a slug/submissions/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"
    assert response.json()["hotlines"][0]["number"] == "12356"


def server_error(client, settings, path: str):
    """``path`` answered after a bug (a KeyError) in a view, as production answers it."""
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch.object(Questionnaire.objects, "with_current_version", side_effect=KeyError):
        return client.get(path)


def test_an_api_server_error_is_json_with_the_hotlines(api, questionnaires, settings):
    response = server_error(api, settings, "/api/v1/questionnaires/")
    assert response.status_code == 500
    assert response.json()["hotlines"][0]["number"] == "12356"


def test_the_schema_documents_the_503_with_hotlines_on_every_operation(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            unavailable = operation["responses"]["503"]["content"]["application/json"]
            assert unavailable["schema"] == {"$ref": "#/components/schemas/Unavailable"}, (
                method,
                path,
            )
    assert schema["components"]["schemas"]["Unavailable"]["required"] == ["detail", "hotlines"]


def test_the_500_page_shows_the_hotline_and_may_style_itself_with_a_nonce(client, db, settings):
    response = server_error(client, settings, "/")
    assert response.status_code == 500
    assert 'href="tel:12356"' in response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    # A nonce is for one response only.
    again = server_error(client, settings, "/")["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again and "'nonce-" in again


def test_a_refused_page_request_is_a_400_page_with_the_hotline(client, questionnaires, settings):
    # A questionnaire form with more fields than any form has: Django refuses it before the view.
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.post("/q/phq-9/", {f"field{i}": "0" for i in range(1001)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="tel:12356"' in page
    assert "我们无法理解这个请求" in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in page


def test_a_refused_api_request_is_json(api, settings):
    settings.DEBUG = False
    api.raise_request_exception = False
    response = api.get("/api/v1/questionnaires/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求有误。"
    assert response.json()["hotlines"][0]["number"] == "12356"
