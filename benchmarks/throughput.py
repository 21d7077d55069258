"""Serve the app and a bare Django app (benchmarks/bare.py) with the same gunicorn and compare.

Usage: .venv/bin/python benchmarks/throughput.py [--requests 2000] [--pdfs 100] [--clients 32]
       [--workers 4] [--rounds 5] [--only submissions|detail|page|pdf ...]
Uses DATABASE_URL when set (e.g. PostgreSQL; the database must exist), otherwise a throw-away
SQLite file; it is migrated and loaded with the fixtures. Static files are collected once into
build/bench-static (DEBUG is off, as in production).

Prints requests/s with p50/p99 latency for submissions, the questionnaire detail, the result page
and PDF result sheets (each download a fresh render), each next to the bare app doing the least
the same kind of request can do: insert one row, answer a tiny JSON, render a one-line PDF. App
and baseline take turns in rounds and the ratio is the median of the rounds' ratios, so it
survives a noisy machine far better than the raw figures. Asserts nothing.
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = ROOT / "build" / "bench-static"
FIGURES = ("submissions", "detail", "page", "pdf")
ANSWERS = json.dumps({"answers": {f"phq9_{i}": i % 4 for i in range(1, 10)}}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> None:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
    subprocess.run([*manage, "loaddata", "-v0", *fixtures], cwd=ROOT, env=env, check=True)
    if not (STATIC_ROOT / "staticfiles.json").exists():
        print("collecting static files into build/bench-static (once) ...", flush=True)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    subprocess.run([sys.executable, "benchmarks/bare.py"], cwd=ROOT, env=env, check=True)


@contextmanager
def gunicorn(app: str, env: dict, workers: int, probe: str = "/"):
    """``app`` served with gunicorn.conf.py on a free port; yields the port once ``probe`` is up."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--log-level", "warning", app],
        cwd=ROOT,
        env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", probe)
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"gunicorn did not come up for {app}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def one_request(port: int, method: str, path: str, body: bytes | None) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"} if body else {}
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    content = response.read()
    conn.close()
    return response.status, time.perf_counter() - start, content


@dataclass
class Figures:
    rate: float
    latencies: list[float]  # seconds, sorted
    errors: int
    bodies: list[bytes]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return self.latencies[max(0, int(len(self.latencies) * 0.99) - 1)] * 1000


def load(pool, port: int, method: str, paths: list[str], body: bytes | None = None) -> Figures:
    """All ``paths`` requested by the pool's clients at once."""
    start = time.perf_counter()
    results = list(pool.map(lambda p: one_request(port, method, p, body), paths))
    elapsed = time.perf_counter() - start
    return Figures(
        rate=len(paths) / elapsed,
        latencies=sorted(t for _, t, _ in results),
        errors=sum(1 for status, _, _ in results if not 200 <= status < 300),
        bodies=[content for _, _, content in results],
    )


@dataclass
class Comparison:
    ours: Figures
    bare: Figures
    ratio: float


def merged(rounds: list[Figures]) -> Figures:
    """The rounds' figures as one: the median rate; every latency, error and body."""
    return Figures(
        rate=statistics.median(f.rate for f in rounds),
        latencies=sorted(t for f in rounds for t in f.latencies),
        errors=sum(f.errors for f in rounds),
        bodies=[body for f in rounds for body in f.bodies],
    )


def compare(pool, rounds: int, ours: tuple, bare: tuple) -> Comparison:
    """``ours`` and ``bare`` (port, method, paths, body) in alternating rounds.

    Each round runs a share of the requests against one app, then the other, so both meet the
    same machine; the ratio is the median of the rounds' ratios, which a burst of load from
    elsewhere moves far less than a single long run.
    """
    our_rounds, bare_rounds = [], []
    rounds = max(1, min(rounds, len(ours[2]), len(bare[2])))  # no empty round
    for i in range(rounds):
        for (port, method, paths, body), done in ((ours, our_rounds), (bare, bare_rounds)):
            done.append(load(pool, port, method, paths[i::rounds], body))
    ratios = [o.rate / b.rate for o, b in zip(our_rounds, bare_rounds, strict=True)]
    return Comparison(merged(our_rounds), merged(bare_rounds), statistics.median(ratios))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only", choices=FIGURES, action="append", help="just this figure (may be repeated)"
    )
    args = parser.parse_args()
    wanted = set(args.only or FIGURES)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(STATIC_ROOT),
        "THROTTLE_SUBMISSIONS": "",
        "THROTTLE_CALLBACKS": "",
        "THROTTLE_CALLBACKS_PER_RESULT": "",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    prepare(env)

    n, clients, rounds = args.requests, args.clients, args.rounds
    rows = []
    with (
        gunicorn("config.wsgi", env, args.workers) as app,
        gunicorn("benchmarks.bare:application", env, args.workers, probe="/json") as bare,
        ThreadPoolExecutor(max_workers=clients) as pool,
    ):
        # Warm-up: every worker loads its code, fonts and connections.
        load(pool, app, "POST", ["/api/v1/questionnaires/phq-9/submissions/"] * clients, ANSWERS)
        warm = load(
            pool, app, "POST", ["/api/v1/questionnaires/phq-9/submissions/"] * clients, ANSWERS
        )
        load(pool, app, "GET", [f"/r/{json.loads(b)['token']}/pdf/" for b in warm.bodies])
        for path in ("/json", "/pdf", "/json"):
            load(pool, bare, "GET", [path] * clients)
        load(pool, bare, "POST", ["/insert"] * clients, ANSWERS)

        # Each figure and its baseline in alternating rounds, so both see the same machine.
        submit = "/api/v1/questionnaires/phq-9/submissions/"
        if "submissions" in wanted:
            submitted = compare(
                pool,
                rounds,
                (app, "POST", [submit] * n, ANSWERS),
                (bare, "POST", ["/insert"] * n, ANSWERS),
            )
            rows.append(("submissions", "insert one row", submitted))
            bodies = submitted.ours.bodies
        else:  # results for the pages and sheets to show
            bodies = load(pool, app, "POST", [submit] * min(n, 500), ANSWERS).bodies
        tokens = [json.loads(body)["token"] for body in bodies]

        tiny = (bare, "GET", ["/json"] * n, None)
        if "detail" in wanted:
            detail = "/api/v1/questionnaires/phq-9/"
            rows.append(
                (
                    "questionnaire detail (API)",
                    "tiny JSON",
                    compare(pool, rounds, (app, "GET", [detail] * n, None), tiny),
                )
            )

        if "page" in wanted:
            pages = [f"/r/{tokens[i % len(tokens)]}/" for i in range(n)]
            rows.append(
                (
                    "result page (HTML)",
                    "tiny JSON",
                    compare(pool, rounds, (app, "GET", pages, None), tiny),
                )
            )
            # The page must read its result's row; the tiny JSON reads nothing. This baseline
            # reads one row by its key, as the page does, and answers a tiny JSON.
            inserted = load(pool, bare, "POST", ["/insert"] * min(n, 500), ANSWERS).bodies
            keys = [json.loads(body)["token"] for body in inserted]
            reads = [f"/read/{keys[i % len(keys)]}" for i in range(n)]
            rows.append(
                (
                    "result page (HTML)",
                    "read one row",
                    compare(pool, rounds, (app, "GET", pages, None), (bare, "GET", reads, None)),
                )
            )

        if "pdf" in wanted:
            # A token each: every download is a fresh render, not the server's cached sheet.
            pdfs = [f"/r/{token}/pdf/" for token in tokens[: args.pdfs]]
            bare_pdfs = (bare, "GET", ["/pdf"] * args.pdfs, None)
            rows.append(
                (
                    "PDF result sheet",
                    "one-line PDF",
                    compare(pool, rounds, (app, "GET", pdfs, None), bare_pdfs),
                )
            )

    database = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"database: {database}, gunicorn workers: {args.workers}, clients: {clients}, "
        f"requests: {n} per figure ({args.pdfs} for PDFs)"
    )
    print(f"{'':28}{'app/s':>8}{'p50 ms':>9}{'p99 ms':>9}   {'bare Django':16}"
          f"{'/s':>7}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}")  # fmt: skip
    for name, baseline, figures in rows:
        ours, bare_figures = figures.ours, figures.bare
        print(
            f"{name:28}{ours.rate:8.1f}{ours.p50:9.1f}{ours.p99:9.1f}   {baseline:16}"
            f"{bare_figures.rate:7.1f}{bare_figures.p50:9.1f}{bare_figures.p99:9.1f}"
            f"{figures.ratio:8.2f}"
        )
    errors = sum(f.ours.errors + f.bare.errors for _, _, f in rows)
    print(f"non-2xx responses: {errors}")
    print(
        f"rates and ratios are medians of {rounds} alternating rounds; targets: submissions "
        "at least 0.5 of the bare insert, questionnaire detail at least 0.6 and the result page "
        "at least 0.4 of the tiny JSON"
    )


if __name__ == "__main__":
    main()
