"""Fields the content's models share: dates a driver can read back, links a phone can open."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A date mistyped centuries back (year 1) is stored in UTC before the start of the calendar
# PostgreSQL's driver can read back: every list holding the row would then fail.
modern_times = MinValueValidator(
    datetime(2000, 1, 1, tzinfo=UTC), message=_("Enter a date in the year 2000 or later.")
)


WEB_ONLY = URLValidator(schemes=["http", "https"])


class WebLinkField(models.URLField):
    """A link typed without a scheme ("mp.weixin.qq.com/…") is taken as https, as phones and
    WeChat expect (Django 5.2's forms still assume http)."""

    def formfield(self, **kwargs) -> forms.Field:
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        # Stored and migrated as the URLField it is: the difference is only in the admin's form.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


def web_link(verbose_name, **options) -> models.URLField:
    return WebLinkField(verbose_name, max_length=2000, validators=[WEB_ONLY], **options)
