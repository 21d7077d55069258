"""Channels: the posters and QR codes through which people come, with their region."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.caching import recent
from referrals.regions import is_region_code
from screening.models.questionnaires import Questionnaire


class Channel(models.Model):
    """Where people come from: a poster, a village, a campaign (QR code to /c/<code>/)."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("In the address of the posters' QR codes: it cannot be changed once saved."),
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        help_text=_("GB/T 2260 code of the province, city or county (2, 4 or 6 digits)."),
    )
    default_questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("default questionnaire"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        # Results list the hotlines of the channel's region: a code that is no region's (a
        # name, full-width digits) would quietly leave the local lines off a crisis result.
        if self.region and not is_region_code(self.region):
            raise ValidationError(
                {
                    "region": _(
                        "Enter a GB/T 2260 region code of 2, 4 or 6 digits (such as 62, 6211 or "
                        "621102), or leave it empty: results then list the national lines only."
                    )
                }
            )


@recent("screening.Channel")
def active_channel(code: str) -> Channel | None:
    """The active channel with ``code``; None when the code is unknown or retired.

    Every result from one poster looks its channel up; it is read once every few seconds.
    """
    return Channel.objects.filter(code=code, active=True).first()
