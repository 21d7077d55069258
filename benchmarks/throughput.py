"""Serve the app with gunicorn and measure submissions: requests/s and p50/p99 latency.

Usage: .venv/bin/python benchmarks/submissions.py [--requests 2000] [--clients 32] [--workers 4]
Uses DATABASE_URL when set (e.g. PostgreSQL), otherwise a throw-away SQLite file.
Prints figures; it asserts nothing (speed goals are not tests).
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = json.dumps({"answers": {f"phq9_{i}": i % 4 for i in range(1, 10)}}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> None:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
    subprocess.run([*manage, "loaddata", "-v0", *fixtures], cwd=ROOT, env=env, check=True)


def wait_until_up(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/questionnaires/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def one_submission(port: int) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/questionnaires/phq-9/submissions/",
        BODY,
        {"Content-Type": "application/json"},
    )
    status = conn.getresponse().status
    conn.close()
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "THROTTLE_SUBMISSIONS": "",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(port)
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(lambda _: one_submission(port), range(args.clients)))  # warm-up
            start = time.perf_counter()
            results = list(pool.map(lambda _: one_submission(port), range(args.requests)))
            elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)

    latencies = sorted(t for _, t in results)
    errors = sum(1 for status, _ in results if status != 201)
    database = env["DATABASE_URL"].split(":", 1)[0]
    print(f"database: {database}, gunicorn workers: {args.workers}, clients: {args.clients}")
    print(f"submissions: {args.requests} in {elapsed:.2f}s = {args.requests / elapsed:.0f}/s")
    print(f"latency p50: {statistics.median(latencies) * 1000:.1f} ms")
    print(f"latency p99: {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")
    print(f"non-201 responses: {errors}")


if __name__ == "__main__":
    main()
