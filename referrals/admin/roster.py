"""The on-duty roster: weekly duties and their exceptions."""

from django import forms
from django.contrib import admin

from referrals.admin.cases import possible_assignees
from referrals.models import (
    DutyException,
    DutyShift,
)


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    """The weekly roster: whoever covers an hour is alerted first of a new case."""

    list_display = ["weekday", "starts_at", "ends_at", "user"]
    list_filter = ["weekday", "user"]
    ordering = ["weekday", "starts_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs) -> forms.Field:
        if db_field.name == "user":
            kwargs["queryset"] = possible_assignees()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DutyException)
class DutyExceptionAdmin(DutyShiftAdmin):
    """Leave, sickness and swaps: someone off, or covering, for a while."""

    list_display = ["starts_at", "ends_at", "user", "on_duty", "note"]
    list_filter = ["on_duty", "user"]
    ordering = ["-starts_at"]
