"""Questionnaires: what villagers choose from (plain names, the one to start with) and what
clinicians name them; their versions are in ``screening.models.versions``."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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

    @property
    def plain_name(self) -> str:
        """The name villagers choose by: the plain one, or the title where none was written."""
        return self.plain_title or self.title

    def current_version(self) -> "QuestionnaireVersion | None":
        """The newest published version: the one new submissions answer."""
        return self.versions.published().order_by("-number").first()
