"""Alerts: each message the escalation ladder sends about a case, and whether it got through."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """One way (email, webhook, SMS) of one step of a case's ladder, recorded on the case.

    A row is made in the transaction that decides the step (the request that opens the case,
    or the ladder's task), with the task that sends it: one sending task per row at a time,
    so a way is never sent twice, however many workers run.
    """

    class Step(models.TextChoices):
        ON_DUTY = "on_duty", _("at once: whoever is on duty")
        TEAM = "team", _("no first contact yet: the whole crisis team again")
        SUPERVISOR = "supervisor", _("overdue: the supervisor")
        # Not a step of the ladder: the text to the person who asked, with their consent.
        CONFIRMATION = "confirmation", _("confirmation to the person")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        WEBHOOK = "webhook", _("webhook")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        STOPPED = "stopped", _("not sent: the case was taken up first")
        FAILED = "failed", _("failed: gave up retrying")

    case = models.ForeignKey(
        "referrals.ReferralCase",
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("case"),
    )
    # The request this alert is about: a case asked for again climbs a ladder of its own.
    requested_at = models.DateTimeField(_("request of"))
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    channel = models.CharField(_("way"), max_length=8, choices=Channel.choices)
    # Staff addresses or numbers; never the person's number (read from the case when their
    # confirmation is sent), never a webhook's address (it holds the key).
    recipients = models.CharField(_("to"), max_length=500, blank=True)
    # The staff numbers a text of this alert has reached: a retry after a partial failure
    # texts only the others (one supervisor must not get the same alert ten times).
    delivered_to = models.CharField(_("reached"), max_length=500, blank=True)
    # The step's own people were missing (nobody on duty, no supervisor set): the team was told.
    to_whole_team = models.BooleanField(_("to the whole team instead"), default=False)
    created_at = models.DateTimeField(_("due"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What went wrong last, in words with no personal data (no number, no address, no key).
    error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requested_at", "step", "channel"], name="one_alert_per_way"
            )
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.get_step_display()} · {self.get_channel_display()}"

    def is_still_needed(self) -> bool:
        """Whether sending it now still makes sense: the team's alerts stop once the request is
        taken up; the person's confirmation goes while their case is open with a number."""
        case = self.case
        if self.step == self.Step.CONFIRMATION:
            return case.is_open and bool(case.phone) and case.requested_at == self.requested_at
        return case.awaits_contact(self.requested_at)
