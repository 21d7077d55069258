"""Failure and scale-out: the database going away and coming back, health probes, shared throttles.

The app runs under gunicorn in a subprocess (with gunicorn.conf.py), as in production.
"""

import json
import re
import socket
import threading
import time
from unittest import mock

import pytest
import redis
from django.db import OperationalError, connection

from screening.models import Questionnaire, Submission
from tests.production_server import (
    ANSWERS,
    ON_POSTGRES,
    SUBMIT,
    free_port,
    request,
    serve,
    shared_database_url,
)

DETAIL = "/api/v1/questionnaires/phq-9/"


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
