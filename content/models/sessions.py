"""Sessions with experts: livestreams, recurring expert hours and their pauses, and the
upcoming sessions a moderate result lists."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dialling import DIALLABLE_ONLY, is_dialable, tel_uri
from config.weekdays import Weekday
from content.models.fields import modern_times, web_link


class Session:
    """One upcoming occurrence of a livestream or of recurring expert hours."""

    LIVESTREAM = "livestream"
    EXPERT_HOURS = "expert_hours"

    def __init__(self, *, source, kind: str, starts_at: datetime, ends_at: datetime):
        self.source = source
        self.kind = kind
        self.starts_at = starts_at
        self.ends_at = ends_at

    def __repr__(self) -> str:
        return f"<Session {self.kind} {self.source.pk} {self.starts_at:%Y-%m-%d %H:%M}>"

    @property
    def title(self) -> str:
        return self.source.title

    @property
    def host(self) -> str:
        return self.source.host

    @property
    def join_url(self) -> str:
        return self.source.join_url

    @property
    def join_phone(self) -> str:
        return getattr(self.source, "join_phone", "")

    @property
    def platform(self) -> str:
        return self.source.platform

    @property
    def join_tel(self) -> str:
        """The join phone as a tap-to-call link: "0571-1234567 转 8" dials the number, waits,
        then the extension (tel:05711234567,8); empty when there is no number to dial."""
        return tel_uri(self.join_phone)

    @property
    def description(self) -> str:
        # Expert hours: "how to join" (e.g. search a WeChat channel), often the only way in.
        return self.source.description

    def ics_url(self) -> str:
        return reverse("session-ics", args=[self.kind, self.source.pk])


class LivestreamQuerySet(models.QuerySet):
    def published(self) -> "LivestreamQuerySet":
        return self.filter(published=True)

    def not_ended(self, now: datetime) -> "LivestreamQuerySet":
        return self.published().filter(ends_at__gt=now).order_by("starts_at")


class Livestream(models.Model):
    """A one-off expert livestream (moderate results)."""

    title = models.CharField(_("title"), max_length=200)
    host = models.CharField(_("host / expert"), max_length=200)
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), validators=[modern_times])
    ends_at = models.DateTimeField(_("ends"), validators=[modern_times])
    join_url = web_link(_("join link"))
    replay_url = web_link(_("replay link"), blank=True)
    published = models.BooleanField(_("published"), default=True)
    # Calendar files carry it, so a phone that imported the session takes a changed time.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LivestreamQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="livestream_ends_after_start",
                violation_error_message=_("The livestream must end after it starts."),
            )
        ]
        verbose_name = _("livestream")
        verbose_name_plural = _("livestreams")

    def __str__(self) -> str:
        return self.title

    def as_session(self) -> Session:
        return Session(
            source=self, kind=Session.LIVESTREAM, starts_at=self.starts_at, ends_at=self.ends_at
        )


class ExpertHoursQuerySet(models.QuerySet):
    def active(self) -> "ExpertHoursQuerySet":
        return self.filter(active=True)


class ExpertHours(models.Model):
    """Recurring expert consultation hours, e.g. every Tuesday 19:00–21:00 (Asia/Shanghai)."""

    Weekday = Weekday  # ExpertHours.Weekday.TUESDAY, as before the days were shared

    title = models.CharField(_("title"), max_length=200)
    host = models.CharField(_("expert"), max_length=200)
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    description = models.TextField(_("how to join"), blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    join_url = web_link(_("join link"), blank=True)
    join_phone = models.CharField(_("join by phone"), max_length=40, blank=True)
    valid_from = models.DateField(_("first day"), null=True, blank=True)
    valid_until = models.DateField(_("last day"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExpertHoursQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="hours_end_after_start",
                violation_error_message=_(
                    "The hours must end after they start, on the same day (at 23:59 at the latest)."
                ),
            )
        ]
        verbose_name = _("expert hours")
        verbose_name_plural = _("expert hours")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_weekday_display()} {self.start_time:%H:%M})"

    def touch(self) -> None:
        """Mark the hours as edited now: calendar files carry it (LAST-MODIFIED, SEQUENCE)."""
        self.updated_at = timezone.now()
        ExpertHours.objects.filter(pk=self.pk).update(updated_at=self.updated_at)

    def clean(self) -> None:
        errors = {}
        if self.join_phone and not is_dialable(self.join_phone):
            # Tapped on moderate results: a note after the number would be dialled with it.
            errors["join_phone"] = DIALLABLE_ONLY
        if not self.join_url and not self.join_phone:
            # Listed on moderate results: without either, nobody can join.
            errors["join_url"] = _("Give a join link or a phone number (or both).")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The last day cannot be before the first day.")
        if errors:
            raise ValidationError(errors)

    def occurrences(self, now: datetime, until: datetime) -> list[Session]:
        """Occurrences that have not ended by ``now`` and start before ``until``; paused days
        are left out."""
        tz = timezone.get_current_timezone()
        day: date = timezone.localtime(now, tz).date()
        day += timedelta(days=(self.weekday - day.weekday()) % 7)
        paused = set(self.paused_days(day, timezone.localtime(until, tz).date()))
        sessions = []
        while True:
            starts = datetime.combine(day, self.start_time, tzinfo=tz)
            if starts >= until or (self.valid_until and day > self.valid_until):
                break
            ends = datetime.combine(day, self.end_time, tzinfo=tz)
            if ends > now and not (self.valid_from and day < self.valid_from) and day not in paused:
                sessions.append(
                    Session(source=self, kind=Session.EXPERT_HOURS, starts_at=starts, ends_at=ends)
                )
            day += timedelta(days=7)
        return sessions

    def paused_days(self, since: date, until: date) -> list[date]:
        """The days from ``since`` to ``until`` (both included) that these hours would fall on
        but are paused, in order.

        Reads ``pauses`` through ``.all()``, so a prefetch serves it. Never steps past ``until``
        or a pause's last day, so a pause ending in year 9999 costs no more than its weeks.
        """
        days = set()
        for pause in self.pauses.all():
            first, last = max(pause.first_day, since), min(pause.last_day, until)
            to_weekday = (self.weekday - first.weekday()) % 7
            if (last - first).days < to_weekday:
                continue  # no such weekday in it (or nothing of it in range)
            first += timedelta(days=to_weekday)
            days.update(first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1))
        return sorted(days)


MAX_PAUSE = timedelta(days=366)


class HoursPause(models.Model):
    """Days without the weekly hours (Spring Festival, the expert away): none is listed then."""

    hours = models.ForeignKey(
        ExpertHours, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("expert hours")
    )
    first_day = models.DateField(_("first day without hours"))
    last_day = models.DateField(_("last day without hours"))
    reason = models.CharField(
        _("reason"), max_length=200, blank=True, help_text=_("For the staff only; not shown.")
    )

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="pause_ends_on_or_after_its_first_day",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.hours.touch()

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        self.hours.touch()
        return result

    def clean(self) -> None:
        # Longer is no pause (or a typo such as 2072 for 2027). A form check, not a database
        # constraint: date arithmetic near year 9999 fails on SQLite; paused_days copes anyway.
        if self.first_day and self.last_day and self.last_day - self.first_day > MAX_PAUSE:
            raise ValidationError(
                {
                    "last_day": _(
                        "A pause lasts a year at most. For hours that stop for longer, untick "
                        "“active” instead."
                    )
                }
            )


def by_source(sessions: Iterable[Session]) -> list[list[Session]]:
    """The sessions of each livestream or recurring expert hours together, soonest first: the
    same weekly hours listed five times over read as five ways to talk to someone."""
    series: dict[tuple[str, int], list[Session]] = {}
    for session in sessions:
        series.setdefault((session.kind, session.source.pk), []).append(session)
    return list(series.values())


def upcoming_sessions(
    now: datetime | None = None, limit: int = 5, horizon: timedelta = timedelta(weeks=4)
) -> list[Session]:
    """Livestreams and expert hours that have not ended, soonest first, merged.

    Recurring hours are generated up to ``horizon`` ahead so there is always something to join.
    """
    now = now or timezone.now()
    sessions = [stream.as_session() for stream in Livestream.objects.not_ended(now)[:limit]]
    for hours in ExpertHours.objects.active().prefetch_related("pauses"):
        sessions.extend(hours.occurrences(now, now + horizon))
    sessions.sort(key=lambda s: (s.starts_at, s.kind, s.source.pk))
    return sessions[:limit]
