"""The on-duty roster: who covers which hours each week, and the exceptions to it."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.weekdays import Weekday


class DutyShift(models.Model):
    """A weekly turn: ``user`` is on duty on ``weekday`` from ``starts_at`` to ``ends_at``
    (China time; an end at or before the start runs past midnight into the next day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("who"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts_at", "pk"]
        verbose_name = _("weekly duty")
        verbose_name_plural = _("weekly duties")

    def __str__(self) -> str:
        return (
            f"{self.user} {self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        )

    def covers(self, moment: datetime) -> bool:
        local = timezone.localtime(moment)
        day, time = local.weekday(), local.time()
        if self.starts_at < self.ends_at:
            return day == self.weekday and self.starts_at <= time < self.ends_at
        # Past midnight: the evening of its weekday and the small hours of the next.
        return (day == self.weekday and time >= self.starts_at) or (
            day == (self.weekday + 1) % 7 and time < self.ends_at
        )


class DutyException(models.Model):
    """A change to the weekly roster: ``user`` off (leave, sickness) or covering, for a while."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_exceptions",
        verbose_name=_("who"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    on_duty = models.BooleanField(
        _("on duty"),
        default=False,
        help_text=_("Ticked: covers this time (a swap, a holiday). Not ticked: off this time."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("duty exception")
        verbose_name_plural = _("duty exceptions")

    def __str__(self) -> str:
        return f"{self.user} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})


def on_duty(moment: datetime | None = None) -> QuerySet:
    """The active staff on duty at ``moment`` (now): the weekly roster, less those off then,
    plus those covering then."""
    moment = moment or timezone.now()
    exceptions = DutyException.objects.filter(starts_at__lte=moment, ends_at__gt=moment)
    off = exceptions.filter(on_duty=False).values("user")
    covering = exceptions.filter(on_duty=True).values("user")
    weekly = [shift.user_id for shift in DutyShift.objects.all() if shift.covers(moment)]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=weekly) | Q(pk__in=covering))
        .exclude(pk__in=off)
        .order_by("username")
    )
