from django.core.management.base import BaseCommand

from referrals.ladder import STALLED_AFTER, requeue_stalled


class Command(BaseCommand):
    help = (
        f"Enqueue again the escalation ladder's tasks marked running for more than "
        f"{STALLED_AFTER}: their worker was lost in the middle (kill -9, a machine gone) and "
        "django-tasks-db never runs them again. Run it every few minutes (cron)."
    )

    def handle(self, *args, **options) -> None:
        requeued = requeue_stalled()
        self.stdout.write(f"{requeued} stalled task(s) enqueued again.")
