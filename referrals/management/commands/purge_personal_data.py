from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from referrals.models import ReferralCase
from screening.models import Submission, new_token


class Command(BaseCommand):
    help = (
        "Delete call-back phone numbers of cases closed long enough ago and, if configured, "
        "anonymise old submissions. Safe to run daily; --dry-run only counts."
    )

    def add_arguments(self, parser):
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

    def handle(self, *args, dry_run: bool, phone_days: int, anonymise_days: int, **options):
        now = timezone.now()
        closed = ReferralCase.objects.exclude(status__in=ReferralCase.OPEN_STATUSES).exclude(
            phone=""
        )
        phones = closed.filter(closed_at__lt=now - timedelta(days=phone_days))
        submissions = Submission.objects.none()
        if anonymise_days > 0:
            # Submissions with an open case are still being worked on: leave them.
            submissions = (
                Submission.objects.filter(created_at__lt=now - timedelta(days=anonymise_days))
                .exclude(answers={})
                .exclude(cases__status__in=ReferralCase.OPEN_STATUSES)
            )
        phone_count, submission_count = phones.count(), submissions.count()
        if not dry_run:
            with transaction.atomic():
                phones.update(phone="")
                ids = list(submissions.values_list("pk", flat=True))
                # Keep the scores for statistics; drop item answers and the link to the result.
                for pk in ids:
                    Submission.objects.filter(pk=pk).update(answers={}, token=new_token())
                ReferralCase.objects.filter(submission_id__in=ids).exclude(
                    status__in=ReferralCase.OPEN_STATUSES
                ).update(phone="")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {phone_count} phone number(s) of cases closed over {phone_days} days ago; "
            f"{'would anonymise' if dry_run else 'anonymised'} {submission_count} submission(s)"
            + (f" older than {anonymise_days} days" if anonymise_days else " (anonymising is off)")
        )
