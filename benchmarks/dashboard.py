"""Load synthetic submissions and time the statistics dashboard's database work.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/dashboard.py
    [--submissions 100000] [--runs 7] [--explain]

Use a scratch database (it must exist): it is migrated and loaded with the fixtures, and the rows
this script made last time (submissions in language "bench", channels "bench-*") are replaced.
Prints, for a year per week, a month per day and a month of one province, the median milliseconds of
``statistics.summarise`` over the runs and its query count; ``--explain`` adds PostgreSQL's plans.
It asserts nothing (speed goals are not tests).
"""

import argparse
import os
import random
import statistics as stats
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Loading and deleting a million rows takes statements longer than a request may (5 s), and a
# slow summary is a figure to print, not a request to end.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.national import CHINA_TIME  # noqa: E402
from referrals.models import ReferralCase  # noqa: E402
from screening import statistics  # noqa: E402
from screening.models import Channel, QuestionnaireVersion, Submission  # noqa: E402

LANGUAGE = "bench"
# Province codes of the demo channels' kind of places: Gansu, Guizhou, Yunnan, Sichuan, Henan.
PROVINCES = ["62", "52", "53", "51", "41"]
TIERS = {"mild": 70, "moderate": 20, "severe": 10}


def load(n: int, rng: random.Random) -> None:
    """Replace the previous benchmark rows with ``n`` submissions over the last 365 days."""
    call_command("migrate", verbosity=0)
    call_command(
        "loaddata", *sorted(str(p) for p in (ROOT / "fixtures").glob("*.json")), verbosity=0
    )
    ReferralCase.objects.filter(submission__language=LANGUAGE).delete()
    Submission.objects.filter(language=LANGUAGE).delete()
    channels = [
        Channel.objects.update_or_create(
            code=f"bench-{i:02d}",
            defaults={
                "name": f"Benchmark clinic {i}",
                "region": f"{PROVINCES[i % 5]}{i % 7 + 1:02d}{i % 3 + 1:02d}",
            },
        )[0]
        for i in range(40)
    ]
    versions = [QuestionnaireVersion.objects.current_for(slug) for slug in ("phq-9", "gad-7")]
    now = timezone.now()
    # More people on recent days (the service grows); rows are stored in time order, as in use.
    moments = sorted(
        now - timedelta(days=365 * rng.random() ** 1.3, minutes=rng.randrange(24 * 60))
        for _ in range(n)
    )
    batch: list[Submission] = []
    for i, at in enumerate(moments):
        version = versions[0] if rng.random() < 0.7 else versions[1]
        tier = rng.choices(list(TIERS), list(TIERS.values()))[0]
        band = rng.choice([b for b in version.bands.all() if b.tier == tier])
        total = rng.randint(band.min_score, band.max_score)
        questions = [q.code for q in version.questions.all() if q.scored]
        answers = dict.fromkeys(questions, 0)
        for _ in range(total):
            code = rng.choice([c for c in questions if answers[c] < 3])
            answers[code] += 1
        crisis = version.questionnaire.slug == "phq-9" and rng.random() < 0.03
        batch.append(
            Submission(
                version=version,
                answers=answers,
                total_score=total,
                max_score=3 * len(questions),
                band=band,
                tier="severe" if crisis else tier,
                crisis=crisis,
                triggered_rules=["self_harm"] if crisis else [],
                language=LANGUAGE,
                channel=rng.choice(channels) if rng.random() < 0.85 else None,
                created_at=at,
            )
        )
        if len(batch) == 5000 or i == n - 1:
            with transaction.atomic():
                made = Submission.objects.bulk_create(batch)
                ReferralCase.objects.bulk_create(
                    case(s, rng) for s in made if s.tier == "severe" and rng.random() < 0.3
                )
            batch = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def case(submission: Submission, rng: random.Random) -> ReferralCase:
    created = submission.created_at + timedelta(minutes=1)
    status = rng.choices(["closed", "unreachable", "contacted", "new"], [70, 10, 15, 5])[0]
    contacted = None if status == "new" else created + timedelta(minutes=rng.randrange(3, 180))
    return ReferralCase(
        submission=submission,
        phone="",
        consent_at=created,
        created_at=created,
        requested_at=created,
        status=status,
        first_contact_at=contacted,
        contacted_at=contacted,
        closed_at=contacted if status in ("closed", "unreachable") else None,
    )


def measure(runs: int, explain: bool) -> None:
    today = timezone.localdate(timezone=CHINA_TIME)
    cases = {
        "year, per week": (today - timedelta(days=365), today, "week", ""),
        "month, per day": (today - timedelta(days=29), today, "day", ""),
        "month, one province": (today - timedelta(days=29), today, "day", PROVINCES[0]),
    }
    for name, (start, end, period, region) in cases.items():
        submissions = statistics.submissions_between(start, end, region=region)
        timings = []
        for _ in range(runs + 1):  # the first run warms the caches and is not counted
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                summary = statistics.summarise(submissions, start=start, end=end, period=period)
                timings.append((time.perf_counter() - began) * 1000)
        # A count under STATISTICS_FEWEST_CASES (default 5) is not shown (None).
        total, cases = (
            "<5" if n is None else n
            for n in (summary["totals"]["total"], summary["cases"]["total"])
        )
        print(
            f"{name:22} {total:>7} submissions {cases:>5}"
            f" cases  median {stats.median(timings[1:]):7.1f} ms  {len(queries)} queries"
        )
        if explain and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for query in queries.captured_queries:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
                    print("\n".join(f"    {row[0]}" for row in cursor.fetchall()), end="\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's query plans")
    parser.add_argument("--no-load", action="store_true", help="time the rows loaded last time")
    options = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not options.no_load:
        began = time.perf_counter()
        load(options.submissions, random.Random(6))
        print(f"loaded {options.submissions} submissions in {time.perf_counter() - began:.0f} s")
    measure(options.runs, options.explain)


if __name__ == "__main__":
    main()
