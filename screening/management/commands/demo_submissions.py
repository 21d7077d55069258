from django.core.management.base import BaseCommand

from screening.demo import DEMO_WEEKS, fill, refuse_unless_demo
from screening.models import Submission


class Command(BaseCommand):
    help = (
        f"Fill the demo with made-up submissions over the last {DEMO_WEEKS} weeks, across the "
        "demo's channels and regions, scored by the real scoring (a few of them crisis results "
        "with call-back cases), so that the statistics show something. Does nothing when there "
        "are submissions already, unless --again. Development only: refused with DEBUG off, and "
        "on any database but the default SQLite file unless --any-database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=3000, help="How many (3000).")
        parser.add_argument("--again", action="store_true", help="Add more even if some exist.")
        parser.add_argument("--seed", type=int, help="Random seed, for the same data each time.")
        parser.add_argument(
            "--any-database", action="store_true", help="Allow a database other than SQLite."
        )

    def handle(self, *args, count: int, again: bool, seed, any_database: bool, **o) -> None:
        refuse_unless_demo(any_database=any_database)
        existing = Submission.objects.count()
        if existing and not again:
            self.stdout.write(
                f"The demo has {existing} submissions already: none added (--again adds more)."
            )
            return
        made, cases = fill(count, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {made} made-up submissions over the last {DEMO_WEEKS} weeks and {cases} "
                "call-back cases: see /admin/statistics/."
            )
        )
