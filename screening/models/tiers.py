"""The three next steps a result can call for, and their words for people."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    MILD = "mild", _("Mild: self-help information")
    MODERATE = "moderate", _("Moderate: talk to an expert")
    SEVERE = "severe", _("Severe: crisis referral")


# What each tier asks the person to do, without the tier's severity word: a "Minimal" band's
# result must not read "Next step: Mild", nor a "Moderately severe" one "Severe".
NEXT_STEPS = {
    Tier.MILD: _("Self-help: read and try the ideas below"),
    Tier.MODERATE: _("Talk to an expert: see the sessions below"),
    Tier.SEVERE: _("Get help today: call a hotline below"),
}


# The same, named for a scoring key (the blank questionnaire's), where nothing is "below".
STEP_NAMES = {
    Tier.MILD: _("Self-help information"),
    Tier.MODERATE: _("Talk to an expert"),
    Tier.SEVERE: _("Crisis referral: hotlines and a call-back"),
}
