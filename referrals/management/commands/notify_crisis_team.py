import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from referrals.callbacks import notify_crisis_team
from referrals.models import ReferralCase

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Notify the crisis team of new call-back cases whose notification never went out (mail "
        "server or webhook down when the person asked). Run it every minute from one place; "
        "exits non-zero while any case still cannot be notified."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=120,
            help="Seconds a case must wait first: the request that opened it notifies it itself.",
        )

    def handle(self, *args, older_than: int, **options) -> None:
        age = timedelta(seconds=older_than)
        waiting = ReferralCase.objects.unnotified(age).count()
        if waiting and not (settings.CRISIS_TEAM_EMAILS or settings.CRISIS_WEBHOOK_URL):
            raise CommandError(
                f"{waiting} case(s) wait for the crisis team, but neither "
                "CRISIS_TEAM_EMAILS nor CRISIS_WEBHOOK_URL is set."
            )
        tried, failed = [], []
        while True:
            with transaction.atomic():
                # Skips a case locked by another sender (an overlapping run stuck on a slow mail
                # server): notify_crisis_team locks it again for each way it sends.
                case = (
                    ReferralCase.objects.unnotified(age)
                    .exclude(pk__in=tried)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("submission__version__questionnaire")
                    .first()
                )
            if case is None:
                break
            tried.append(case.pk)
            try:
                sent = notify_crisis_team(case)
            except Exception:
                # One broken case must not keep the team from hearing of the others.
                log.exception("notifying the crisis team of case %s broke", case.pk)
                sent = False
            if not sent:
                failed.append(case.pk)
        # Quiet when there was nothing to do: cron mails whatever a job prints.
        if tried:
            self.stdout.write(f"notified {len(tried) - len(failed)}, failed {len(failed)}")
        if failed:
            # Case numbers only: the team looks them up in admin; no personal data here.
            raise CommandError(f"could not notify the crisis team of case(s) {failed}")
