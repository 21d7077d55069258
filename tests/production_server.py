"""The app under gunicorn in a subprocess (with gunicorn.conf.py), as in production, and
plain HTTP requests to it."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
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
