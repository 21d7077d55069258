"""Help near you: the county mental-health centre, a hospital's psychological clinic, the village
doctor. A hotline helps on the phone; these are places to walk into, listed by region on
moderate and severe results and their sheets. (Loaded with referrals.models.)"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Now
from django.utils.translation import gettext_lazy as _

from config.dialling import DIALLABLE_ONLY, is_dialable, tel_uri
from referrals.regions import is_region_code, region_prefixes


class LocalServiceQuerySet(models.QuerySet):
    def serving(self, region: str) -> "LocalServiceQuerySet":
        """Active services of ``region`` and the areas it lies in, the most local first; none
        where the region is not known (a result without a poster's channel)."""
        prefixes = region_prefixes(region)
        if not prefixes:
            return self.none()
        return (
            self.filter(active=True, region__in=prefixes)
            .annotate(locality=Length("region"))
            .order_by("-locality", "priority", "pk")
        )


class LocalService(models.Model):
    class Kind(models.TextChoices):
        MENTAL_HEALTH_CENTRE = "mental_health_centre", _("Mental-health centre")
        HOSPITAL_CLINIC = "hospital_clinic", _("Hospital psychological clinic")
        VILLAGE_DOCTOR = "village_doctor", _("Village doctor or township health centre")

    region = models.CharField(
        _("region code"),
        max_length=6,
        help_text=_(
            "GB/T 2260 code (2, 4 or 6 digits) of the area served: results of people who came "
            "through a poster there list this service."
        ),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone number as shown"), max_length=40, blank=True)
    hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("In words, for example: Monday to Friday 8:00–17:00."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower comes first among services of one area.")
    )
    active = models.BooleanField(_("active"), default=True)
    last_verified = models.DateField(_("last verified"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = LocalServiceQuerySet.as_manager()

    class Meta:
        app_label = "referrals"
        ordering = ["region", "priority", "pk"]
        verbose_name = _("local service")
        verbose_name_plural = _("local services")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        prefixes = region_prefixes(self.region)
        self.region = prefixes[0] if prefixes else self.region
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        # A mistyped code matches no region: the service would be listed nowhere.
        if not is_region_code(self.region or ""):
            errors["region"] = _(
                "Enter a GB/T 2260 region code of 2, 4 or 6 digits, such as 62, 6211 or 621102."
            )
        if self.phone and not is_dialable(self.phone):
            errors["phone"] = DIALLABLE_ONLY
        if errors:
            raise ValidationError(errors)

    @property
    def tel_uri(self) -> str:
        """Tap-to-call link; empty without a number."""
        return tel_uri(self.phone) if self.phone else ""
