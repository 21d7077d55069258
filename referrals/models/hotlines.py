"""Hotlines: national and local lines, by region, with their hours."""

import re
from datetime import datetime

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


class HotlineQuerySet(models.QuerySet):
    def active(self) -> "HotlineQuerySet":
        return self.filter(active=True)

    def serving(self, region: str = "", *, minor: bool = False) -> "HotlineQuerySet":
        """Active lines serving ``region``: the most local first, then national ones by priority.

        Lines for immediate danger (110, 120) come last: they are in the safety message already.
        Lines for young people (12355) only when ``minor``: someone under 18 is asking.
        """
        prefixes = region_prefixes(region)
        lines = self.active() if minor else self.active().filter(for_minors=False)
        return (
            lines.filter(Q(region="") | Q(region__in=prefixes))
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


def local_lines_first(hotlines: list["Hotline"]) -> list["Hotline"]:
    """The lines in the order a list shows them outside a crisis (a result, the API's list): as
    ``Hotline.objects.serving`` orders them, the most local first, with 12356 always among the
    national ones (see with_national_line) and any lines for young people right after it."""
    return youth_lines_after_national(with_national_line(hotlines))


def youth_lines_after_national(hotlines: list["Hotline"]) -> list["Hotline"]:
    """The same lines with those for young people (12355) right after 12356, which stays
    ahead of them: a young person sees the youth line beside the national one."""
    # 12356 leads whatever it is marked (a mistaken "for young people" tick included).
    youth = [h for h in hotlines if h.for_minors and not h.is_national_line]
    if not youth:
        return list(hotlines)
    rest = [h for h in hotlines if h not in youth]
    lead = next((i for i, h in enumerate(rest) if h.is_national_line), None)
    if lead is None:
        return [*rest, *youth]
    return [*rest[: lead + 1], *youth, *rest[lead + 1 :]]


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
    for_minors = models.BooleanField(
        _("for young people"),
        default=False,
        db_default=False,
        help_text=_(
            "A line for young people under 18 (such as 12355): shown only on the results of "
            "those who said they are under 18, right after 12356."
        ),
    )
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
        # 12356 is every crisis result's first line, for everyone: never only for the young.
        if self.for_minors and re.sub(r"\D", "", self.number or "") == NATIONAL_LINE:
            errors["for_minors"] = _(
                "12356 is the national line for everyone and leads every crisis result: it "
                "cannot be a line for young people only."
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
