"""The escalation ladder: who is told of a waiting case, when, and by which way.

At once whoever is on duty; ``CRISIS_ESCALATE_TEAM_AFTER`` minutes after the latest request
without first contact, the whole crisis team again; after ``CRISIS_ESCALATE_SUPERVISOR_AFTER``,
the supervisor, by text too where texts can go. Each step is a task on the task queue, written
in the transaction that opens the case; each of its ways an ``Alert`` row with the task that
sends it, retried with backoff until it gets through.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from referrals import sms
from referrals.alerts import NotDelivered, deliver
from referrals.models import Alert, CaseNote, ReferralCase, on_duty

log = logging.getLogger(__name__)

# Waits between tries of a way that failed (a mail server or a pager down), then it gives up:
# by then the later steps have told others by other ways.
RETRY_AFTER = tuple(
    timedelta(minutes=minutes) for minutes in (0.5, 1, 2, 5, 10, 15, 30, 30, 30, 30)
)


def later_steps() -> list[tuple[str, timedelta]]:
    """The steps after the first, with how long after the request each falls due."""
    steps = [
        (Alert.Step.TEAM, settings.CRISIS_ESCALATE_TEAM_AFTER),
        (Alert.Step.SUPERVISOR, settings.CRISIS_ESCALATE_SUPERVISOR_AFTER),
    ]
    return [(step, timedelta(minutes=minutes)) for step, minutes in steps if minutes > 0]


def start_ladder(case: ReferralCase, *, confirm_by_sms: bool = False) -> list[Alert]:
    """In the transaction that opens ``case`` (or opens it again): the first step's alerts, and
    each later step as a task due when it falls due; with ``confirm_by_sms`` (the person's
    consent) a text to them saying when and from which number they will be called, when texts
    can go at all (``sms.can_send``). Returns the alerts made now."""
    alerts = raise_alerts(case, Alert.Step.ON_DUTY)
    if confirm_by_sms and (confirmation := confirm_by_text(case)):
        alerts.append(confirmation)
    for step, after in later_steps():
        climb_ladder.using(run_after=case.requested_at + after).enqueue(
            case.pk, step, case.requested_at.isoformat()
        )
    return alerts


def confirm_by_text(case: ReferralCase, *, new_number: bool = False) -> Alert | None:
    """In the transaction of the person's request: a text to them saying when and from which
    number they will be called, once per request (and again to a ``new_number`` they give), when
    texts can go at all (``sms.can_send``). Returns the alert queued now (None: none)."""
    if not sms.can_send():
        # Queued, the text would be retried until it gave up; the person is told none comes.
        log.warning("case %s: a text confirmation was asked for, but none can be sent", case.pk)
        return None
    confirmation, created = Alert.objects.get_or_create(
        case=case,
        requested_at=case.requested_at,
        step=Alert.Step.CONFIRMATION,
        channel=Alert.Channel.SMS,
    )
    if not created:
        if not new_number or confirmation.status == Alert.Status.PENDING:
            # Answered already, or still to go: it reads the number from the case when sent.
            return None
        # The text went (or failed) to the number given before: the one given now gets it too.
        confirmation.status, confirmation.sent_at = Alert.Status.PENDING, None
        confirmation.attempts, confirmation.error = 0, ""
        confirmation.save(update_fields=["status", "sent_at", "attempts", "error"])
    send_alert.enqueue(confirmation.pk)
    return confirmation


def ways(case: ReferralCase, step: str) -> tuple[dict[str, list[str]], bool]:
    """Each way ``step`` goes for ``case``, with its recipients (none named for a webhook), and
    whether they are the whole team standing in for the step's own people."""
    team = {}
    if settings.CRISIS_TEAM_EMAILS:
        team[Alert.Channel.EMAIL] = list(settings.CRISIS_TEAM_EMAILS)
    if settings.CRISIS_WEBHOOK_URL:
        team[Alert.Channel.WEBHOOK] = []
    own = {}
    if step == Alert.Step.ON_DUTY:
        # Whoever the roster has on duty when the request was made.
        addresses = [user.email for user in on_duty(case.requested_at) if user.email]
        if addresses:
            own[Alert.Channel.EMAIL] = addresses
    elif step == Alert.Step.SUPERVISOR:
        if settings.CRISIS_SUPERVISOR_EMAILS:
            own[Alert.Channel.EMAIL] = list(settings.CRISIS_SUPERVISOR_EMAILS)
        # A second channel: a text reaches a supervisor away from their mail. Only where texts
        # can go: queued, it would be retried until it gave up (``record_no_supervisor_text``).
        if settings.CRISIS_SUPERVISOR_PHONES and sms.can_send():
            own[Alert.Channel.SMS] = list(settings.CRISIS_SUPERVISOR_PHONES)
    else:
        return team, False
    # Nobody on duty, no supervisor set: the whole team is told rather than nobody.
    return (own, False) if own else (team, True)


def raise_alerts(case: ReferralCase, step: str) -> list[Alert]:
    """An alert for each way ``step`` goes, each with its sending task; none made twice."""
    made = []
    channels, to_whole_team = ways(case, step)
    for channel, recipients in channels.items():
        alert, created = Alert.objects.get_or_create(
            case=case,
            requested_at=case.requested_at,
            step=step,
            channel=channel,
            defaults={"recipients": ", ".join(recipients), "to_whole_team": to_whole_team},
        )
        if created:
            send_alert.enqueue(alert.pk)
            made.append(alert)
    if not channels:
        log.error("nobody is configured to be told of case %s (step %s)", case.pk, step)
    # Said once per request: a step's alerts are made by its first run only.
    wanted_text = step == Alert.Step.SUPERVISOR and settings.CRISIS_SUPERVISOR_PHONES
    if made and wanted_text and not sms.can_send():
        record_no_supervisor_text(case, to_whole_team=to_whole_team)
    return made


def record_no_supervisor_text(case: ReferralCase, *, to_whole_team: bool) -> CaseNote:
    """Say on the case, and in the log, that the supervisor step sends no text (no SMS gateway)
    and who is alerted instead: nobody reading the case may think the supervisor was texted.
    Neither names a number."""
    instead = "the whole team instead" if to_whole_team else "the supervisor by email only"
    log.warning(
        "case %s: no text to the supervisor, none can be sent; alerting %s", case.pk, instead
    )
    # Notes are the team's record: written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("No text to the supervisor: no SMS gateway is configured.")]
        if to_whole_team:
            lines.append(
                _("No supervisor address is set either: the whole crisis team is alerted again.")
            )
        else:
            lines.append(_("The supervisor is alerted by email only."))
    return CaseNote.objects.create(case=case, text="\n".join(lines))


@task()
def climb_ladder(case_id: int, step: str, requested_at: str) -> str:
    """``step`` of the ladder of the request made at ``requested_at``, unless it was taken up."""
    with transaction.atomic():
        case = ReferralCase.objects.filter(pk=case_id).first()
        if case is None or not case.awaits_contact(datetime.fromisoformat(requested_at)):
            return "stopped"
        return f"{len(raise_alerts(case, step))} alert(s)"


@task()
def send_alert(alert_id: int) -> str:
    """Send one alert, unless it was sent or its request taken up meanwhile; on failure a later
    try is queued (with backoff) in the same transaction that records this one."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("case__submission__version__questionnaire")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.status != Alert.Status.PENDING:
            return "done already"
        case = alert.case
        if not alert.is_still_needed():
            alert.status = Alert.Status.STOPPED
            alert.save(update_fields=["status"])
            return alert.status
        alert.attempts += 1
        try:
            deliver(alert)
        except Exception as failure:
            if not isinstance(failure, NotDelivered):
                log.exception("alerting for case %s broke", case.pk)
            alert.error = (str(failure) if isinstance(failure, NotDelivered) else "error")[:200]
            if alert.attempts <= len(RETRY_AFTER):
                wait = RETRY_AFTER[alert.attempts - 1]
                send_alert.using(run_after=timezone.now() + wait).enqueue(alert.pk)
            else:
                alert.status = Alert.Status.FAILED
                log.error("gave up alerting for case %s by %s", case.pk, alert.channel)
            alert.save(update_fields=["attempts", "error", "status", "delivered_to"])
            return "failed"
        alert.status = Alert.Status.SENT
        alert.sent_at = timezone.now()
        alert.error = ""
        alert.save(update_fields=["attempts", "error", "status", "sent_at", "delivered_to"])
        return alert.status


# Longer than any send can take (each way's own timeout is seconds): a task marked running for
# this long was taken by a worker that died with it.
STALLED_AFTER = timedelta(minutes=10)


class Stalled(Exception):
    """What a stalled task's row records: its worker was lost while it ran."""


def requeue_stalled(now: datetime | None = None) -> int:
    """Enqueue again the ladder's tasks that a worker took and never finished (killed in the
    middle of a send, the machine lost): django-tasks-db leaves such a task marked running and
    never runs it again. Each is marked failed and enqueued anew; both tasks are safe to run
    twice (``send_alert`` sends only a pending alert, under its row's lock; ``climb_ladder``
    makes each alert once). Returns how many were enqueued again."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - STALLED_AFTER
    ours = {climb_ladder.module_path, send_alert.module_path}
    requeued = 0
    with transaction.atomic():
        stalled = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff, task_path__in=ours)
            .select_for_update(skip_locked=True)
        )
        for result in stalled:
            result.set_failed(Stalled(f"no end {STALLED_AFTER} after it started: enqueued again"))
            arguments = result.args_kwargs
            result.task.enqueue(*arguments["args"], **arguments["kwargs"])
            log.warning("task %s stalled; enqueued again", result.task_name)
            requeued += 1
    return requeued
