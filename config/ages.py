"""Age bands: the few a person may give at the start (never required), defined once.

Screening suggests the questionnaires made for a band; referrals show the youth line 12355 to
minors and take no call-back number from a child under 14 without a guardian's consent
(PIPL art. 31). A band alone identifies nobody: it is kept as long as its submission is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    UNDER_14 = "under_14", _("Under 14")
    AGE_14_17 = "14_17", _("14–17")
    AGE_18_59 = "18_59", _("18–59")
    AGE_60_PLUS = "60_plus", _("60 and over")


# (youngest, oldest) in whole years, both included; None: no upper end.
AGE_RANGES: dict[str, tuple[int, int | None]] = {
    AgeBand.UNDER_14: (0, 13),
    AgeBand.AGE_14_17: (14, 17),
    AgeBand.AGE_18_59: (18, 59),
    AgeBand.AGE_60_PLUS: (60, None),
}
MINOR_BANDS = frozenset({AgeBand.UNDER_14, AgeBand.AGE_14_17})
MINOR_UNTIL = 18  # years: younger is a minor


class AgeGroup(models.TextChoices):
    """What an age band changes on a result: nothing for adults or someone who gave no age;
    the youth line for minors; and for children under 14 also the call-back's guardian consent."""

    ADULT_OR_UNKNOWN = "", _("Adult, or no age given")
    MINOR = "minor", _("14–17")
    CHILD = "child", _("Under 14")


def age_band_or_none(value) -> AgeBand | None:
    """``value`` as an age band; None when it names none (empty, unknown, not text)."""
    return AgeBand(value) if isinstance(value, str) and value in AgeBand.values else None


def age_group_of(age_band: str | None) -> str:
    """The ``AgeGroup`` value of ``age_band`` ("" for adults and for no age given)."""
    if age_band == AgeBand.UNDER_14:
        return AgeGroup.CHILD
    if age_band == AgeBand.AGE_14_17:
        return AgeGroup.MINOR
    return AgeGroup.ADULT_OR_UNKNOWN


def is_minor(age_band) -> bool:
    """Under 18: the lines for young people (12355) are listed too."""
    return isinstance(age_band, str) and age_band in MINOR_BANDS


def needs_guardian_consent(age_band: str | None) -> bool:
    """A call-back number from this person needs a parent's or guardian's consent."""
    return age_band == AgeBand.UNDER_14
