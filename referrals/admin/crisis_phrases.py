"""The crisis-language lexicon, and the marking of what it finds in people's words."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from config.forms import UnchangedSinceOpenedForm
from referrals.crisis_language import Finding, find_all
from referrals.crisis_phrases import crisis_lexicon, lines
from referrals.models import (
    CrisisPhrase,
)


def highlighted(text: str, findings: list[Finding] | None = None) -> SafeString:
    """``text`` with the crisis language found in it marked, escaped for a page."""
    if findings is None:
        findings = find_all(text, crisis_lexicon())
    parts = []
    shown = 0
    for finding in findings:
        if finding.start < shown:
            continue  # overlaps the phrase marked before it
        parts.append(format_html("{}", text[shown : finding.start]))
        parts.append(
            format_html(
                '<mark class="crisis-language" title="{}">{}</mark>',
                CrisisPhrase.Category(finding.category).label,
                finding.text,
            )
        )
        shown = finding.end
    parts.append(format_html("{}", text[shown:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(CrisisPhrase)
class CrisisPhraseAdmin(admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["phrase", "category", "active", "examples", "updated_at"]
    list_filter = ["category", "active"]
    search_fields = ["phrase", "must_match", "must_not_match", "note"]
    fields = ["phrase", "category", "must_match", "must_not_match", "note", "active", "seen"]

    @admin.display(description=_("examples that must match"))
    def examples(self, phrase) -> SafeString:
        return format_html_join(
            mark_safe("<br>"), "{}", ((highlighted(line),) for line in lines(phrase.must_match))
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Switch a phrase off instead: its examples stay on record for the next editor.
        return request.user.is_superuser
