from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.logs import redact
from config.national import CHINA_TIME
from referrals.models import CaseNote, ReferralCase
from screening.models import Submission, new_token

STALE_OPEN_DAYS = 90


class Command(BaseCommand):
    help = (
        "Delete call-back phone numbers of cases closed long enough ago, with the person's note "
        "and preferred time and any phone number in the team's case notes, and, if configured, "
        "anonymise old submissions: their answers, and on their closed cases the phone number, "
        "the person's note and preferred time and the case notes, and their step-up links to "
        "and from other results. Open cases are never touched. "
        "Safe to run daily; --dry-run only counts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")
        parser.add_argument(
            "--phone-days",
            type=int,
            default=settings.PHONE_RETENTION_DAYS,
            help="Days after a case closed before its phone number is deleted.",
        )
        parser.add_argument(
            "--anonymise-days",
            type=int,
            default=settings.SUBMISSION_ANONYMISE_DAYS,
            help="Anonymise submissions older than this many days (0: never).",
        )

    def handle(self, *args, dry_run: bool, phone_days: int, anonymise_days: int, **options) -> None:
        now = timezone.now()
        closed = ReferralCase.objects.exclude(status__in=ReferralCase.OPEN_STATUSES)
        old = Submission.objects.none()
        if anonymise_days > 0:
            # Submissions with an open case are still being worked on: leave them.
            old = Submission.objects.filter(
                created_at__lt=now - timedelta(days=anonymise_days)
            ).exclude(cases__status__in=ReferralCase.OPEN_STATUSES)
        submissions = old.exclude(answers={})
        # Step-up links join one person's results: an anonymised one keeps none, neither to the
        # result it followed nor from a later one (which would lead to its new token), and
        # offers no more step-ups. Already anonymised ones too (from before links were cut).
        aged = Submission.objects.filter(pk__in=old.values("pk"))
        linked = Submission.objects.filter(
            Q(pk__in=aged.filter(Q(follows__isnull=False) | ~Q(step_ups=[])).values("pk"))
            | Q(follows__in=aged.values("pk"))
        )
        # The cases of anonymised submissions lose everything that could name the person.
        cases = closed.filter(submission__in=old.values("pk"))
        expired = closed.filter(
            Q(closed_at__lt=now - timedelta(days=phone_days)) | Q(pk__in=cases.values("pk"))
        )
        phones = expired.exclude(phone="")
        # The person's note and preferred time often hold a number too ("call my husband, 138…").
        texts = expired.exclude(note="", preferred_time="")
        # With them go the notes quoting the person (their earlier note and preferred time).
        notes = CaseNote.objects.filter(
            Q(case__in=cases.values("pk")) | Q(case__in=expired.values("pk"), quotes_person=True)
        )
        # The team's notes stay as the record of what was done, without the numbers they called.
        numbered = [
            note
            for note in CaseNote.objects.filter(case__in=expired.values("pk"))
            .exclude(pk__in=notes.values("pk"))
            .filter(text__regex=r"[0-9０-９]")
            .only("pk", "text")
            if redact(note.text) != note.text
        ]
        counts = {
            "phones": phones.count(),
            "submissions": submissions.count(),
            "texts": texts.count(),
            "notes": notes.count(),
            "numbered": len(numbered),
            "linked": linked.count(),
        }
        if not dry_run:
            with transaction.atomic():
                phones.update(phone="")
                texts.update(note="", preferred_time="")
                notes.delete()
                for note in numbered:
                    CaseNote.objects.filter(pk=note.pk).update(text=redact(note.text))
                # Keep the scores and the age band for statistics (one band of four says nothing
                # of whom on its own); drop item answers, the rules they fired and the link to
                # the result, and keep only the day: the minute, with the poster, would still
                # point at one person (and their case).
                Submission.objects.filter(follows__in=aged.values("pk")).update(follows=None)
                aged.filter(Q(follows__isnull=False) | ~Q(step_ups=[])).update(
                    follows=None, step_ups=[]
                )
                for pk, created_at in list(submissions.values_list("pk", "created_at")):
                    day = timezone.localtime(created_at, CHINA_TIME).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    )
                    Submission.objects.filter(pk=pk).update(
                        answers={}, triggered_rules=[], token=new_token(), created_at=day
                    )

        def said(verb: str, past: str) -> str:
            return f"would {verb}" if dry_run else past

        self.stdout.write(
            f"{said('delete', 'deleted')} {counts['phones']} phone number(s) of cases closed over "
            f"{phone_days} days ago or of anonymised submissions; "
            f"{said('anonymise', 'anonymised')} {counts['submissions']} submission(s)"
            + (f" older than {anonymise_days} days" if anonymise_days else " (anonymising is off)")
            + f"; {said('clear', 'cleared')} the person's note and preferred time on "
            f"{counts['texts']} case(s); {said('delete', 'deleted')} {counts['notes']} case note(s)"
            f"; {said('redact', 'redacted')} phone numbers in {counts['numbered']} case note(s)"
            f"; {said('unlink', 'unlinked')} {counts['linked']} submission(s) from their step-ups"
        )
        # Open cases are never touched, so one left open keeps its number for ever: name them
        # (numbers only) where cron's mail or the monitoring sees it.
        stale = list(
            ReferralCase.objects.open()
            .filter(updated_at__lt=now - timedelta(days=STALE_OPEN_DAYS))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if stale:
            self.stdout.write(
                f"{len(stale)} open case(s) untouched for over {STALE_OPEN_DAYS} days keep their "
                f"phone numbers until closed: {', '.join(map(str, stale))}"
            )
