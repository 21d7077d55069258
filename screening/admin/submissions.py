"""Admin for submissions: anonymous answers, read only."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from referrals.admin import highlighted
from screening.models import (
    Submission,
)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "short_token",
        "version",
        "total_score",
        "tier",
        "crisis",
        "age_band",
        "channel",
        "created_at",
    ]
    list_filter = ["tier", "crisis", "age_band", "version__questionnaire", "channel"]
    date_hierarchy = "created_at"
    list_select_related = ["version__questionnaire", "channel"]
    exclude = ["token"]
    readonly_fields = [
        "version",
        "answers",
        "own_words",
        "total_score",
        "max_score",
        "band",
        "tier",
        "crisis",
        "triggered_rules",
        "step_ups",
        "follows",
        "language",
        "channel",
        "age_band",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def lookup_allowed(self, lookup, value, request) -> bool:
        # The admin filters on any field given in the address: ?token__startswith=… one
        # character at a time would give a clinician the secret token of anyone's result, and
        # ?cases__isnull=False who asked the crisis team to call them back; through the results
        # a step-up links (?follows__token__startswith=…), the token of another result.
        if lookup.split(LOOKUP_SEP)[0] in ("token", "cases", "follows", "followed_by"):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("reference"))
    def short_token(self, submission) -> str:
        return submission.short_token

    @admin.display(description=_("in the person's own words"))
    def own_words(self, submission) -> SafeString:
        """Free-text answers, with the crisis language found in them marked."""
        return format_html_join(
            "", "<p>{}</p>", ((highlighted(text),) for text in submission.own_words.values())
        )
