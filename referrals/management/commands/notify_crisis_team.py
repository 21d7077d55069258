from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from referrals.callbacks import notify_crisis_team
from referrals.models import ReferralCase


class Command(BaseCommand):
    help = (
        "Notify the crisis team of new call-back cases whose notification never went out (mail "
        "server or webhook down when the person asked). Run it every minute from one place; "
        "exits non-zero while any case still cannot be notified."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=120,
            help="Seconds a case must wait first: the request that opened it notifies it itself.",
        )

    def handle(self, *args, older_than: int, **options):
        cases = ReferralCase.objects.unnotified(timedelta(seconds=older_than)).select_related(
            "submission__version__questionnaire"
        )
        pending = list(cases)
        if pending and not (settings.CRISIS_TEAM_EMAILS or settings.CRISIS_WEBHOOK_URL):
            raise CommandError(
                f"{len(pending)} case(s) wait for the crisis team, but neither "
                "CRISIS_TEAM_EMAILS nor CRISIS_WEBHOOK_URL is set."
            )
        failed = [case.pk for case in pending if not notify_crisis_team(case)]
        self.stdout.write(f"notified {len(pending) - len(failed)}, failed {len(failed)}")
        if failed:
            # Case numbers only: the team looks them up in admin; no personal data here.
            raise CommandError(f"could not notify the crisis team of case(s) {failed}")
