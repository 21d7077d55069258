"""Questionnaires: what villagers choose from (plain names, the one to start with) and what
clinicians name them; their versions are in ``screening.models.versions``."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.ages import AGE_RANGES, MINOR_UNTIL, AgeBand, is_minor

if TYPE_CHECKING:
    from screening.models.versions import QuestionnaireVersion


def in_site_language(message, **values) -> str:
    """``message`` (lazy) in the site's main language, for text stored once and shown as written
    to every staff member: version notes, admin history entries."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


class QuestionnaireQuerySet(models.QuerySet):
    def published(self) -> "QuestionnaireQuerySet":
        """Questionnaires with at least one published version."""
        from screening.models.versions import QuestionnaireVersion  # versions stand on these

        return self.filter(
            Exists(QuestionnaireVersion.objects.published().filter(questionnaire=OuterRef("pk")))
        )

    def with_current_version(self) -> "QuestionnaireQuerySet":
        """Published questionnaires annotated with their current version's number and size."""
        from screening.models.parts import Question  # parts stand on versions, versions on these
        from screening.models.versions import QuestionnaireVersion

        current = (
            QuestionnaireVersion.objects.published()
            .filter(questionnaire=OuterRef("pk"))
            .order_by("-number")
        )
        question_count = (
            Question.objects.filter(version=OuterRef("current_version_id"))
            .order_by()
            .values("version")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.annotate(
                current_version_id=Subquery(current.values("pk")[:1]),
                current_version_number=Subquery(current.values("number")[:1]),
            )
            .filter(current_version_id__isnull=False)
            .annotate(question_count=Subquery(question_count[:1]))
        )

    def suited_to(self, age_band: str) -> "QuestionnaireQuerySet":
        """Questionnaires whose ages (``min_age``, ``max_age``) meet ``age_band``'s: those
        without an age limit suit every band."""
        youngest, oldest = AGE_RANGES[AgeBand(age_band)]
        suited = Q(max_age__isnull=True) | Q(max_age__gte=youngest)
        if oldest is not None:
            suited &= Q(min_age__isnull=True) | Q(min_age__lte=oldest)
        return self.filter(suited)

    def made_for(self, age_band: str) -> "QuestionnaireQuerySet":
        """The questionnaires suited to ``age_band`` that were made for an age group (have an
        age limit): the ones suggested for that age."""
        return self.suited_to(age_band).filter(Q(min_age__isnull=False) | Q(max_age__isnull=False))


def start_here_first(questionnaires) -> list["Questionnaire"]:
    """The questionnaires with the one to start with first, marked ``is_start``: the one marked
    "start here", or the first by position when none is."""
    questionnaires = list(questionnaires)
    start = next((q for q in questionnaires if q.start_here), None) or next(
        iter(questionnaires), None
    )
    for questionnaire in questionnaires:
        questionnaire.is_start = questionnaire is start
    return sorted(questionnaires, key=lambda q: not q.is_start)


def suggested_for_age(questionnaires, age_band: str | None) -> list["Questionnaire"]:
    """The questionnaires (already in ``start_here_first`` order) with those made for
    ``age_band`` first, marked ``is_suggested``, then those suited to it, then the rest: none
    is left out, and without an age band the order is unchanged."""
    questionnaires = list(questionnaires)
    for questionnaire in questionnaires:
        questionnaire.is_suggested = bool(age_band) and questionnaire.is_made_for(age_band)
    if not age_band:
        return questionnaires
    return sorted(questionnaires, key=lambda q: (not q.is_suggested, not q.suits(age_band)))


class Questionnaire(models.Model):
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_(
            "In the self-test's addresses and the printed forms' QR codes: it cannot be changed "
            "once saved."
        ),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_(
            "The instrument's name, for clinicians and printouts: PHQ-9 depression screen."
        ),
    )
    plain_title = models.CharField(
        _("plain name"),
        max_length=100,
        blank=True,
        help_text=_(
            "What villagers choose on the home page, in everyday words without the name of an "
            "illness: How is your mood and sleep? Empty: the title."
        ),
    )
    start_here = models.BooleanField(
        _("start here"),
        default=False,
        help_text=_(
            "The test the home page suggests to whoever is not sure which to take; the first by "
            "position when none is marked."
        ),
    )
    summary = models.CharField(_("one-line description"), max_length=300, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    recall_period = models.CharField(
        _("recall period"),
        max_length=100,
        blank=True,
        help_text=_("For example: the last two weeks"),
    )
    copyright = models.CharField(_("copyright line"), max_length=300, blank=True)
    source = models.TextField(
        _("source of the wording"),
        blank=True,
        help_text=_("Where the questions and their translation come from."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Eligibility by age only orders the home page: nothing is hidden from anyone.
    min_age = models.PositiveSmallIntegerField(
        _("youngest age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "The youngest age the questionnaire is made for (GDS-15: 60; PHQ-A: 11). Empty: no "
            "lower limit. Someone who gives an age band it suits sees it suggested first; "
            "everyone still sees every questionnaire."
        ),
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("The oldest age the questionnaire is made for (PHQ-A: 17). Empty: no limit."),
    )
    loinc_panel = models.CharField(
        _("LOINC panel code"), max_length=20, blank=True, help_text=_("PHQ-9: 44249-1.")
    )
    loinc_total = models.CharField(
        _("LOINC total score code"),
        max_length=20,
        blank=True,
        help_text=_("PHQ-9: 44261-6; GAD-7: 70274-6."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        from screening.models.versions import forget_live_states  # versions stand on these

        super().save(*args, **kwargs)
        # Its texts are part of what the API serves for the live version.
        forget_live_states()
        transaction.on_commit(forget_live_states)

    def clean(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError(
                {"max_age": _("The oldest age must not be below the youngest age.")}
            )

    @property
    def plain_name(self) -> str:
        """The name villagers choose by: the plain one, or the title where none was written."""
        return self.plain_title or self.title

    @property
    def has_age_limit(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def suits(self, age_band: str) -> bool:
        """Whether this questionnaire's ages meet ``age_band``'s (as ``suited_to``)."""
        youngest, oldest = AGE_RANGES[AgeBand(age_band)]
        if self.max_age is not None and self.max_age < youngest:
            return False
        return not (self.min_age is not None and oldest is not None and self.min_age > oldest)

    def takers_are_minors(self, age_band: str | None) -> bool:
        """Whether someone taking this questionnaire with ``age_band`` is under 18: by the band
        they gave, or, with none, by the questionnaire when it is made for under-18s only (the
        PHQ-A): they get the lines for young people (12355) too."""
        if age_band:
            return is_minor(age_band)
        return self.max_age is not None and self.max_age < MINOR_UNTIL

    def is_made_for(self, age_band: str) -> bool:
        """Suited to ``age_band`` and made for an age group: suggested for that age."""
        return self.has_age_limit and self.suits(age_band)

    def current_version(self) -> "QuestionnaireVersion | None":
        """The newest published version: the one new submissions answer."""
        return self.versions.published().order_by("-number").first()
