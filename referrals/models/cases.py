"""Call-back cases: a person asks to be called back, the crisis team works the case."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.ages import MINOR_BANDS, MINOR_UNTIL
from referrals.models.alerts import Alert

OVERDUE_AFTER = timedelta(minutes=30)


def queue_order(now: datetime | None = None) -> list:
    """The crisis team's work order: new cases first, those with crisis language in what the
    person wrote, then crisis results, before the rest, then overdue ones, then the longest
    waiting (from the latest request); then contacted cases, then closed ones."""
    now = now or timezone.now()
    return [
        Case(
            When(status=ReferralCase.Status.NEW, then=Value(0)),
            When(status=ReferralCase.Status.CONTACTED, then=Value(1)),
            default=Value(2),
        ).asc(),
        # Crisis language in what the person wrote first: among crisis results it is the case
        # whose words say what they mean to do.
        Case(
            When(crisis_language=True, then=Value(0)),
            When(submission__crisis=True, then=Value(1)),
            default=Value(2),
        ).asc(),
        Case(
            When(
                status=ReferralCase.Status.NEW,
                requested_at__lt=now - OVERDUE_AFTER,
                then=Value(0),
            ),
            default=Value(1),
        ).asc(),
        "requested_at",
        "created_at",
    ]


class CaseQuerySet(models.QuerySet):
    def open(self) -> "CaseQuerySet":
        return self.filter(status__in=ReferralCase.OPEN_STATUSES)

    def overdue(self, now: datetime | None = None) -> "CaseQuerySet":
        """New cases nobody has contacted within 30 minutes of the request."""
        now = now or timezone.now()
        return self.filter(status=ReferralCase.Status.NEW, requested_at__lt=now - OVERDUE_AFTER)

    def queue(self) -> "CaseQuerySet":
        return self.order_by(*queue_order())

    def minors(self) -> "CaseQuerySet":
        """Cases of people under 18: by the age band they gave or, with none, by a questionnaire
        made for under-18s only (the PHQ-A), as screening's ``Submission.is_minor`` decides."""
        return self.filter(
            Q(submission__age_band__in=MINOR_BANDS)
            | Q(
                submission__age_band="",
                submission__version__questionnaire__max_age__lt=MINOR_UNTIL,
            )
        )


class ReferralCase(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")
        UNREACHABLE = "unreachable", _("Unreachable")

    OPEN_STATUSES = (Status.NEW, Status.CONTACTED)

    submission = models.ForeignKey(
        "screening.Submission",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("submission"),
    )
    # Stored only with explicit consent; shown only to the crisis team; never logged or echoed.
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    guardian_consent = models.BooleanField(
        _("guardian's consent"),
        default=False,
        db_default=False,
        help_text=_(
            "The person said they are under 14 and ticked that a parent or guardian is with "
            "them and agrees to leaving the number (PIPL art. 31)."
        ),
    )
    preferred_time = models.CharField(_("preferred time"), max_length=100, blank=True)
    note = models.TextField(_("note from the person"), blank=True, max_length=500)
    crisis_language = models.BooleanField(
        _("crisis language"),
        default=False,
        db_default=False,
        help_text=_(
            "Found in the person's note or in what they wrote on the self-test: the case "
            "comes first in the queue."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    # The 30 minutes to first contact count from here: the case's opening, or the request that
    # made a contacted case new again (see referrals.callbacks.request_callback).
    requested_at = models.DateTimeField(_("waiting since"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The case's first contact ever: its history, kept when the person asks again.
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    # The first contact since `requested_at`: the one the crisis team's 30 minutes are about.
    contacted_at = models.DateTimeField(
        _("contact for the latest request"),
        null=True,
        blank=True,
        help_text=_(
            "When the team first moved the case on from New after the latest request. Empty "
            "again when a person who was contacted asks again."
        ),
    )
    # Someone took the case from an alert's link: assigned to them, the ladder stops.
    acknowledged_at = models.DateTimeField(_("taken up"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(status__in=["new", "contacted"]),
                name="one_open_case_per_submission",
            )
        ]
        permissions = [("view_phone", _("Can see call-back phone numbers"))]
        verbose_name = _("referral case")
        verbose_name_plural = _("referral cases")

    def __str__(self) -> str:
        return _("Case %(pk)s (%(status)s)") % {"pk": self.pk, "status": self.get_status_display()}

    def save(self, *args, **kwargs) -> None:
        now = timezone.now()
        if self.contacted_at is not None and self.contacted_at < self.requested_at:
            # Asked again since: that contact answered an earlier request, not this one.
            self.contacted_at = None
        if self.status != self.Status.NEW:
            self.first_contact_at = self.first_contact_at or now
            if self.contacted_at is None:
                first = self.first_contact_at
                if first >= self.requested_at:
                    # Migration 0023's rule: rows written without this field (by a deploy's
                    # old version) come right.
                    self.contacted_at = first
                elif getattr(self, "_status_read", self.Status.NEW) == self.Status.NEW:
                    # Contacted now for the latest request. A case that left New before (its
                    # contact unknown, as migration 0023 leaves it) gets no made-up time when
                    # a note is added or it is closed.
                    self.contacted_at = now
        if self.status in (self.Status.CLOSED, self.Status.UNREACHABLE) and self.closed_at is None:
            self.closed_at = now
        elif self.is_open:
            # A reopened case is not closed: retention counts from its next closing.
            self.closed_at = None
        super().save(*args, **kwargs)
        self._status_read = self.status

    @classmethod
    def from_db(cls, db, field_names, values) -> "ReferralCase":
        case = super().from_db(db, field_names, values)
        # Which status the case had when read, so that save() knows when it leaves New.
        if "status" in case.__dict__:
            case._status_read = case.status
        return case

    def clean(self) -> None:
        # The admin form leaves out `submission`, so Django skips the constraint check there.
        if self.is_open and self.submission_id:
            others = ReferralCase.objects.open().filter(submission_id=self.submission_id)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {
                        "status": _(
                            "This person already has an open case. Work on that one instead of "
                            "reopening this one."
                        )
                    }
                )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def awaits_contact(self, requested_at: datetime) -> bool:
        """Nobody has taken up the request made at ``requested_at`` yet: its ladder goes on.

        A later request (asking again once contacted) starts a ladder of its own; taking the
        case from an alert's link stops it, as first contact does.
        """
        taken = self.acknowledged_at is not None and self.acknowledged_at >= requested_at
        return self.status == self.Status.NEW and self.requested_at == requested_at and not taken

    def acknowledge(self, user: models.Model) -> None:
        """``user`` takes the case from an alert: it is theirs, and the ladder stops."""
        now = timezone.now()
        ReferralCase.objects.filter(pk=self.pk).update(
            assignee=user, acknowledged_at=now, updated_at=now
        )
        self.assignee, self.acknowledged_at, self.updated_at = user, now, now

    @property
    def notified_at(self) -> datetime | None:
        """When the first alert about the latest request got through (None: none has yet).

        Read from the alerts, never written on the case: a worker recording an alert never
        waits for a team member's or a repeat request's lock on the case's row.
        """
        sent = self.alerts.filter(requested_at=self.requested_at, sent_at__isnull=False)
        return sent.order_by("sent_at").values_list("sent_at", flat=True).first()

    @property
    def sms_confirmation(self) -> bool:
        """Whether a text confirming the latest request is on its way to the person, or went:
        they asked for one, and texts could be sent (``referrals.ladder.start_ladder``)."""
        return self.alerts.filter(
            requested_at=self.requested_at,
            step=Alert.Step.CONFIRMATION,
            status__in=[Alert.Status.PENDING, Alert.Status.SENT],
        ).exists()

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.NEW and self.requested_at < now - OVERDUE_AFTER

    @property
    def time_to_first_contact(self) -> timedelta | None:
        return self.first_contact_at - self.created_at if self.first_contact_at else None

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) >= 7 else "****"


class CaseNote(models.Model):
    case = models.ForeignKey(
        ReferralCase, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # The person's own words (their earlier note and preferred time, copied when they ask
    # again): deleted by the retention job with the case's note and preferred time.
    # db_default too: the version still running during a deploy inserts notes without it.
    quotes_person = models.BooleanField(
        _("quotes the person"), default=False, db_default=False, editable=False
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        # Not the text: admin history (LogEntry) keeps this string, beyond the retention job.
        return _("Case note %(pk)s") % {"pk": self.pk}
