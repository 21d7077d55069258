"""Request limits: counted atomically across processes, sliding, and kept while Redis is away.

The concurrent tests run the app under gunicorn with several workers sharing a real Redis and
the test database (PostgreSQL), as in production.
"""

import http.client
import json
import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import redis
import time_machine
from django.test import RequestFactory

from config.cache import RedisWithFallbackCache
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission
from screening.throttling import SubmissionRateThrottle
from tests.production_server import (
    ANSWERS,
    ON_POSTGRES,
    SUBMIT,
    free_port,
    request,
    serve,
    shared_database_url,
)

CALM = {"answers": {f"phq9_{i}": 0 for i in range(1, 10)}}


def at_once(count: int, call) -> list:
    """``call(i)`` for i in range(count), from as many threads released together."""
    start = threading.Barrier(count)

    def run(i):
        start.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def statuses_of(results) -> dict[int, int]:
    counts: dict[int, int] = {}
    for status, *_ in results:
        counts[status] = counts.get(status, 0) + 1
    return counts


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_hundred_submissions_at_once_let_exactly_the_limit_through(questionnaires, shared_redis):
    url, prefix = shared_redis
    env = {
        "REDIS_URL": url,
        "CACHE_KEY_PREFIX": prefix,
        "THROTTLE_SUBMISSIONS": "30/hour",
        "GUNICORN_WORKERS": "3",
    }
    with serve(shared_database_url(), **env) as port:
        results = at_once(100, lambda i: request(port, "POST", SUBMIT, ANSWERS))
    assert statuses_of(results) == {201: 30, 429: 70}
    assert Submission.objects.count() == 30
    refused = next(body for status, _, body in results if status == 429)
    assert json.loads(refused)["hotlines"][0]["number"] == "12356"


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_sixty_call_back_requests_at_once_open_exactly_the_limit_of_cases(
    questionnaires, shared_redis
):
    url, prefix = shared_redis
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}
    tokens = [
        Submission.create_from_answers(version=version, answers=answers, language="zh-hans").token
        for _ in range(60)
    ]
    env = {
        "REDIS_URL": url,
        "CACHE_KEY_PREFIX": prefix,
        "THROTTLE_CALLBACKS": "30/hour",
        "GUNICORN_WORKERS": "3",
    }
    body = json.dumps({"phone": "13912345678", "consent": True})
    with serve(shared_database_url(), **env) as port:
        results = at_once(
            60,
            lambda i: request(port, "POST", f"/api/v1/submissions/{tokens[i]}/callback/", body),
        )
    assert statuses_of(results) == {201: 30, 429: 30}
    assert ReferralCase.objects.count() == 30


@pytest.mark.django_db
def test_the_limit_slides_rather_than_letting_a_burst_through_at_a_windows_edge(settings):
    settings.THROTTLE_SUBMISSIONS = "10/minute"
    factory = RequestFactory()

    def allowed() -> bool:
        return SubmissionRateThrottle().allow_request(factory.post("/"), None)

    with time_machine.travel(datetime(2026, 12, 7, 2, 0, 59, tzinfo=UTC), tick=False) as clock:
        assert [allowed() for _ in range(11)] == [True] * 10 + [False]
        # A second later a new window begins, but the last minute still holds the ten.
        clock.move_to(datetime(2026, 12, 7, 2, 1, 1, tzinfo=UTC))
        assert not allowed()
        throttle = SubmissionRateThrottle()
        assert not throttle.allow_request(factory.post("/"), None)
        # Room again once the earlier window's weight has fallen by one request: 6 s on.
        assert 4 < throttle.wait() <= 6
        clock.move_to(datetime(2026, 12, 7, 2, 1, 31, tzinfo=UTC))
        # Half the earlier window is left: five of the ten still count.
        assert [allowed() for _ in range(6)] == [True] * 5 + [False]


@pytest.mark.django_db
def test_refused_requests_do_not_count(settings):
    settings.THROTTLE_SUBMISSIONS = "2/minute"
    factory = RequestFactory()
    with time_machine.travel(datetime(2026, 12, 7, 2, 0, 0, tzinfo=UTC), tick=False) as clock:
        throttle = SubmissionRateThrottle()
        results = [throttle.allow_request(factory.post("/"), None) for _ in range(50)]
        assert results == [True, True] + [False] * 48
        # Two minutes on only the two taken requests are forgotten, whatever was refused.
        clock.move_to(datetime(2026, 12, 7, 2, 2, 0, tzinfo=UTC))
        assert throttle.allow_request(factory.post("/"), None)


# Redis going away.


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, to stop and start again; yields (url, start, stop)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server")
    port = free_port()
    servers: list[subprocess.Popen] = []

    def start():
        server = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        servers.append(server)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=port).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not come up"
                time.sleep(0.05)

    def stop():
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        servers.clear()

    start()
    yield f"redis://127.0.0.1:{port}/0", start, stop
    stop()


def fallback_cache(url: str) -> RedisWithFallbackCache:
    return RedisWithFallbackCache(url, {"OPTIONS": {"socket_timeout": 1}})


def test_the_cache_falls_back_to_memory_while_redis_is_away_and_returns(own_redis, caplog):
    url, start, stop = own_redis
    shared = fallback_cache(url)
    shared.set("kept", "in redis")
    assert not shared.is_degraded()
    stop()
    # Counting goes on in this process's memory.
    shared.add("counter", 0)
    assert [shared.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert shared.get("kept") is None
    assert shared.is_degraded()
    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1 and "per process" in warnings[0].getMessage()
    start()
    assert not shared.is_degraded()
    assert "back" in caplog.records[-1].getMessage()
    shared.set("again", "in redis")
    assert redis.Redis.from_url(url).exists(shared.make_and_validate_key("again"))


def test_a_hung_redis_costs_at_most_a_second_every_few_seconds(own_redis):
    url, _start, stop = own_redis
    stop()
    # A port that accepts connections and never answers.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        shared = fallback_cache(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        began = time.monotonic()
        for _ in range(20):
            shared.set("key", "value")
            assert shared.get("key") == "value"
        assert time.monotonic() - began < 3


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_mid_run_the_crisis_path_keeps_working(questionnaires, own_redis):
    url, start, stop = own_redis
    env = {"REDIS_URL": url, "THROTTLE_SUBMISSIONS": "2/minute"}
    crisis = json.dumps({"answers": {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}})
    with serve(shared_database_url(), **env) as port:
        assert request(port, "POST", SUBMIT, crisis)[0] == 201
        stop()
        status, _, text = request(port, "POST", SUBMIT, crisis)
        assert status == 201, text
        token = json.loads(text)["token"]
        callback = json.dumps({"phone": "13912345678", "consent": True})
        assert request(port, "POST", f"/api/v1/submissions/{token}/callback/", callback)[0] == 201
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", f"/r/{token}/pdf/")
        pdf = conn.getresponse()
        assert pdf.status == 200 and pdf.read()[:5] == b"%PDF-"
        conn.close()
        # Still ready: the cache is reported as degraded, the instance stays in service.
        status, _, text = request(port, "GET", "/readyz")
        assert (status, json.loads(text)) == (
            200,
            {"status": "ok", "database": "ok", "cache": "degraded"},
        )
        # The limit is kept, in this process's memory (Redis counted the first).
        assert request(port, "POST", SUBMIT, crisis)[0] == 201
        assert request(port, "POST", SUBMIT, crisis)[0] == 429
        start()
        status, _, text = request(port, "GET", "/readyz")
        assert json.loads(text)["cache"] == "ok"
    assert ReferralCase.objects.count() == 1
    assert Submission.objects.count() == 3
