import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length, Now
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from config.dialling import DIALLABLE_ONLY, is_dialable, tel_uri
from config.national import (
    NATIONAL_LINE,
    NATIONAL_LINE_HOURS,
    NATIONAL_LINE_NAME,
    NATIONAL_LINE_OPERATOR,
    NATIONAL_LINE_VERIFIED,
)
from referrals.regions import is_region_code, region_prefixes

OVERDUE_AFTER = timedelta(minutes=30)


class HotlineQuerySet(models.QuerySet):
    def active(self) -> "HotlineQuerySet":
        return self.filter(active=True)

    def serving(self, region: str = "") -> "HotlineQuerySet":
        """Active lines serving ``region``: the most local first, then national ones by priority.

        Lines for immediate danger (110, 120) come last: they are in the safety message already.
        """
        prefixes = region_prefixes(region)
        return (
            self.active()
            .filter(Q(region="") | Q(region__in=prefixes))
            .annotate(
                locality=Length("region"),
                emergency_last=Case(
                    When(kind=Hotline.Kind.EMERGENCY, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
            )
            .order_by("emergency_last", "-locality", "priority", "pk")
        )


def national_line_first(hotlines: list["Hotline"]) -> list["Hotline"]:
    """The same lines with 12356, the national crisis line, moved to the front.

    Someone in crisis is shown the one number that answers everywhere first: 12356 is
    anonymous and routes the call to the local centre; local lines follow. When the data has no
    active national 12356 (deactivated or deleted in admin by mistake), the code's own entry
    stands in: no edit may leave a crisis result without it.
    """
    lead = next((h for h in hotlines if h.is_national_line), None) or built_in_national_line()
    return [lead, *(h for h in hotlines if h is not lead)]


def with_national_line(hotlines: list["Hotline"]) -> list["Hotline"]:
    """The same lines, with the code's 12356 added when the data has none: first among the
    national lines (before 110 and 120), after the local ones."""
    if any(h.is_national_line for h in hotlines):
        return list(hotlines)
    local = [h for h in hotlines if not h.is_national]
    return [*local, built_in_national_line(), *(h for h in hotlines if h.is_national)]


def built_in_national_line() -> "Hotline":
    """12356 from the code, in every language, never saved."""
    line = Hotline(
        number=NATIONAL_LINE, kind=Hotline.Kind.CRISIS, last_verified=NATIONAL_LINE_VERIFIED
    )
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for field, text in (
                ("name", NATIONAL_LINE_NAME),
                ("operator", NATIONAL_LINE_OPERATOR),
                ("hours_note", NATIONAL_LINE_HOURS),
            ):
                setattr(line, build_localized_fieldname(field, language), str(text))
    return line


class Hotline(models.Model):
    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Psychological assistance / crisis line")
        EMERGENCY = "emergency", _("Emergency services (immediate danger)")

    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("number as shown"), max_length=40)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CRISIS)
    open_24h = models.BooleanField(_("open 24 hours"), default=False)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    hours_note = models.CharField(
        _("hours note"), max_length=200, blank=True, help_text=_("For example: hours vary by city.")
    )
    region = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        help_text=_("GB/T 2260 code (2, 4 or 6 digits) of the area served; empty for national."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower comes first among lines of the same area.")
    )
    active = models.BooleanField(_("active"), default=True)
    last_verified = models.DateField(_("last verified"))
    # The edit stamp admin forms check (config.forms); a database default too, for rows the
    # version still running during a deploy inserts.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = HotlineQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    def save(self, *args, **kwargs) -> None:
        prefixes = region_prefixes(self.region)
        self.region = prefixes[0] if prefixes else ""
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        # A mistyped code would be saved as national: every region shown a provincial line.
        if self.region and not is_region_code(self.region):
            errors["region"] = _(
                "Enter a GB/T 2260 region code of 2, 4 or 6 digits (such as 62, 6211 or "
                "621102), or leave it empty for a national line."
            )
        # Half the hours would be shown as no hours at all; equal ones as a line never open.
        if bool(self.opens_at) != bool(self.closes_at):
            missing = "closes_at" if self.opens_at else "opens_at"
            errors[missing] = _("Give both the opening and the closing time, or neither.")
        elif self.opens_at and self.opens_at == self.closes_at and not self.open_24h:
            errors["closes_at"] = _(
                "Opening and closing at the same time: tick “open 24 hours” instead."
            )
        # Shown as a tap-to-call link on every result: it must be what a phone dials.
        if self.number and not is_dialable(self.number):
            errors["number"] = DIALLABLE_ONLY
        if errors:
            raise ValidationError(errors)

    @property
    def tel_uri(self) -> str:
        """Tap-to-call link, e.g. tel:4001619995; an extension after a comma (tel:01082951332,2)."""
        return tel_uri(self.number)

    @property
    def is_national(self) -> bool:
        return not self.region

    @property
    def is_national_line(self) -> bool:
        """This is 12356, the national crisis line every crisis result leads with."""
        return self.is_national and self.active and re.sub(r"\D", "", self.number) == NATIONAL_LINE

    def hours_text(self) -> str:
        if self.open_24h:
            text = str(_("24 hours"))
        elif self.opens_at and self.closes_at:
            text = _("daily %(opens)s–%(closes)s") % {
                "opens": self.opens_at.strftime("%H:%M"),
                "closes": self.closes_at.strftime("%H:%M"),
            }
        else:
            text = ""
        return " · ".join(t for t in (text, self.hours_note) if t)

    def is_open_at(self, moment: datetime) -> bool | None:
        """True/False when the hours are known, None when they are not (e.g. vary by city)."""
        if self.open_24h:
            return True
        if not (self.opens_at and self.closes_at):
            return None
        now = timezone.localtime(moment).time()
        if self.opens_at <= self.closes_at:
            return self.opens_at <= now < self.closes_at
        return now >= self.opens_at or now < self.closes_at  # window across midnight


def queue_order() -> list:
    """The crisis team's work order: new cases first (those whose words show crisis language
    first, then the longest waiting, so overdue, on top), then contacted ones, then closed
    ones."""
    return [
        Case(
            # Crisis language in what the person wrote puts their case first.
            When(status=ReferralCase.Status.NEW, crisis_language=True, then=Value(0)),
            When(status=ReferralCase.Status.NEW, then=Value(1)),
            When(status=ReferralCase.Status.CONTACTED, crisis_language=True, then=Value(2)),
            When(status=ReferralCase.Status.CONTACTED, then=Value(3)),
            default=Value(4),
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

    def unnotified(self, older_than: timedelta, now: datetime | None = None) -> "CaseQuerySet":
        """New cases the crisis team was never told of, oldest first.

        Cases saved more recently are left to the request that opened them (or opened them
        again, see ``request_callback``), which is still notifying.
        """
        now = now or timezone.now()
        return self.filter(
            status=ReferralCase.Status.NEW,
            notified_at__isnull=True,
            updated_at__lte=now - older_than,
        ).order_by("created_at")


# When and how the crisis team was told of a case; see referrals.callbacks.notify_crisis_team.
NOTIFICATION_FIELDS = ("notified_at", "emailed_at", "webhook_called_at")


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
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    notified_at = models.DateTimeField(
        _("crisis team notified"),
        null=True,
        blank=True,
        help_text=_(
            "Empty until every configured way (email, webhook) has got through: check the queue."
        ),
    )
    # Each way of telling the team, so a retry sends only what failed: a team that got the email
    # is not mailed again because its pager's webhook was down.
    emailed_at = models.DateTimeField(_("crisis team emailed"), null=True, blank=True)
    webhook_called_at = models.DateTimeField(_("crisis team webhook called"), null=True, blank=True)

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
        if self.status != self.Status.NEW and self.first_contact_at is None:
            self.first_contact_at = now
        if self.status in (self.Status.CLOSED, self.Status.UNREACHABLE) and self.closed_at is None:
            self.closed_at = now
        elif self.is_open:
            # A reopened case is not closed: retention counts from its next closing.
            self.closed_at = None
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Only notify_crisis_team writes when the team was told (with an UPDATE of its own):
            # a case opened in admin from the email, or updated by a repeat request, while the
            # notification was being recorded must not write its stale empty times back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in NOTIFICATION_FIELDS
            ]
        super().save(*args, **kwargs)

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


# Concepts of their own, in their own modules; imported here so that Django loads them with the app.
from referrals.crisis_phrases import CrisisPhrase  # noqa: E402, F401
from referrals.local_services import LocalService  # noqa: E402, F401
