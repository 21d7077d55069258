"""Hotlines and local services (help near you), by region."""

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from config.forms import UnchangedSinceOpenedForm
from referrals.models import (
    Hotline,
    LocalService,
)
from referrals.regions import REGION_CODE, is_region_code


class UnknownRegionFilter(admin.SimpleListFilter):
    """Rows saved before region codes were checked (or written straight to the database) may hold
    a name or a mistyped code: results match regions by code, so such a row matches none."""

    title = _("region code")
    parameter_name = "region_code"

    def lookups(self, request, model_admin) -> list[tuple[str, Promise]]:
        return [("unknown", _("Not a region code"))]

    def queryset(self, request, queryset) -> QuerySet:
        if self.value() == "unknown":
            return queryset.exclude(region="").exclude(region__regex=rf"^{REGION_CODE}$")
        return queryset


def region_cell(region: str, unknown: str) -> str:
    """The region code as a change list shows it; ``unknown`` says what a wrong one does."""
    if not region or is_region_code(region):
        return region
    return format_html('<strong class="errornote">{} – {}</strong>', region, unknown)


@admin.register(Hotline)
class HotlineAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = [
        "name",
        "number",
        "kind",
        "region_code",
        "priority",
        "open_24h",
        "for_minors",
        "active",
        "last_verified",
    ]
    list_filter = ["kind", "active", "open_24h", "for_minors", UnknownRegionFilter]
    search_fields = ["name", "number", "region"]
    ordering = ["region", "priority"]

    @admin.display(description=_("region code"), ordering="region")
    def region_code(self, hotline) -> str:
        return region_cell(
            hotline.region, _("not a region code: no result lists this line; enter its code")
        )


@admin.register(LocalService)
class LocalServiceAdmin(TranslationAdmin):
    """Help near you, listed by region on moderate and severe results, as hotlines are."""

    form = UnchangedSinceOpenedForm
    list_display = ["name", "kind", "region_code", "phone", "priority", "active", "last_verified"]
    list_filter = ["kind", "active", UnknownRegionFilter]
    search_fields = ["name", "address", "phone", "region"]
    ordering = ["region", "priority"]

    @admin.display(description=_("region code"), ordering="region")
    def region_code(self, service) -> str:
        return region_cell(
            service.region, _("not a region code: no result lists this service; enter its code")
        )
