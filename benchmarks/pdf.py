"""Render result sheets (WeasyPrint) and print the median render time and the PDF size.

Usage: .venv/bin/python benchmarks/pdf.py [--renders 20]
Uses DATABASE_URL when set (e.g. PostgreSQL; the database must exist), otherwise a throw-away
SQLite file. It is migrated and loaded with the fixtures; the submissions it makes are deleted.
Each render bypasses the PDF cache: what a first download costs. Prints figures, asserts nothing.
The goal for a one-page sheet: at most 100 KB (tests/screening/test_sheets.py holds that) and
150 ms of CPU, with the sheets' own font built (`manage.py sheet_font`, run by `make setup`).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MILD = (1, 1, 1, 1, 1, 1, 0, 0, 0)  # total 6, no self-harm thoughts
MODERATE = (2, 2, 2, 2, 2, 0, 0, 0, 0)  # total 10: sessions with how to join
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)  # total 1, item 9 above 0

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")


def prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", *sorted((ROOT / "fixtures").glob("*.json")), verbosity=0)


def measure(submission, renders: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of an uncached render (HTML, then PDF), and the PDF's bytes.

    CPU time is what the render itself costs; wall time also counts waiting for a busy machine.
    """
    from django.core.cache import cache

    from screening import sheets

    url = f"https://example.org{submission.result_path()}"
    sheets.result_sheet_pdf(submission, result_url=url)  # warm-up: fonts
    wall, cpu = [], []
    key = sheets.result_sheet_key(submission, sheets.result_sheet_html(submission, result_url=url))
    for _ in range(renders):
        cache.delete(key)  # this sheet only: REDIS_URL may name a shared cache
        start, start_cpu = time.perf_counter(), time.process_time()
        # As a download does it: HTML, layout, and a second, tighter layout if it runs over.
        pdf = sheets.result_sheet_pdf(submission, result_url=url)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    prepare()

    from screening import sheet_font
    from screening.models import QuestionnaireVersion, Submission

    if not sheet_font.path().is_file():
        print(f"no sheet font at {sheet_font.path()}: run manage.py sheet_font first")
    version = QuestionnaireVersion.objects.current_for("phq-9")
    made = []
    try:
        for name, values in (("mild", MILD), ("moderate", MODERATE), ("crisis", CRISIS)):
            answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
            made.append(
                Submission.create_from_answers(version=version, answers=answers, language="zh-hans")
            )
            submission = Submission.objects.for_display().get(pk=made[-1].pk)
            wall, cpu, size = measure(submission, args.renders)
            print(
                f"{name:8} sheet: median {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms) "
                f"over {args.renders} renders, {size:,} bytes"
            )
    finally:
        Submission.objects.filter(pk__in=[s.pk for s in made]).delete()
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"database: {database}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
