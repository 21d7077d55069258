"""How old the person who asked is, as the crisis team must know before ringing back: a minor
at a glance, and under 14 whether a guardian's consent was recorded (PIPL art. 31).

Read from the case's submission (its age band, and ``Submission.is_minor`` for one taken without
an age band on a questionnaire made for under-18s), not copied onto the case: the band is the
submission's, never changes and is kept as long as the submission is.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from config.ages import MINOR_BANDS, AgeBand, needs_guardian_consent


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin) -> list[tuple[str, object]]:
        return [
            ("under_14", AgeBand.UNDER_14.label),
            ("minor", _("Under 18 (every minor)")),
            ("adult", _("18 and over")),
            ("not_given", _("No age given")),
        ]

    def queryset(self, request, queryset) -> QuerySet:
        adult_bands = set(AgeBand.values) - MINOR_BANDS
        match self.value():
            case "under_14":
                return queryset.filter(submission__age_band=AgeBand.UNDER_14)
            case "minor":
                return queryset.minors()
            case "adult":
                return queryset.filter(submission__age_band__in=adult_bands)
            case "not_given":
                return queryset.filter(submission__age_band="").exclude(
                    pk__in=queryset.minors().values("pk")
                )
        return queryset


class CaseAgeFields:
    """The case list's column and the case page's line saying how old the person is."""

    @admin.display(description=_("age"))
    def age(self, case) -> str:
        submission = case.submission
        if not submission.is_minor:
            return submission.get_age_band_display() or _("No age given")
        if submission.age_band:
            minor = _("%(age)s: a minor") % {"age": submission.get_age_band_display()}
        else:
            minor = _("A minor: no age given, but took a questionnaire made for under-18s")
        words = [format_html("<strong>{}</strong>", minor)]
        if needs_guardian_consent(submission.age_band):
            if case.guardian_consent:
                words.append(_("guardian's consent recorded"))
            else:
                words.append(
                    format_html(
                        '<strong class="errornote">{}</strong>',
                        _("no guardian's consent recorded"),
                    )
                )
        return format_html_join(" · ", "{}", ((word,) for word in words))
