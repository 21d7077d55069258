"""Who was shown a call-back number in full, when, on which case: health data is sensitive
personal information (PIPL art. 28), and its handling must be accountable."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhoneView(models.Model):
    """One display of a case's full phone number. Holds no number; kept as long as its case."""

    case = models.ForeignKey(
        "referrals.ReferralCase",
        on_delete=models.CASCADE,
        related_name="phone_views",
        verbose_name=_("case"),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("shown to"),
    )
    # The login name as it was: the record stays when the account goes.
    viewer_name = models.CharField(_("login"), max_length=150)
    viewed_at = models.DateTimeField(_("shown at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        # A record: made by the code, read by supervisors, never changed.
        default_permissions = ("view",)
        verbose_name = _("phone number display")
        verbose_name_plural = _("phone number displays")

    def __str__(self) -> str:
        return f"{self.viewer_name} · {self.case_id}"
