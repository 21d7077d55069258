"""Questionnaire versions: drafts and published (frozen) versions, which one is live, and each
process's copy of it."""

import time
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.crisis_phrases import crisis_lexicon
from screening import scoring
from screening.models.questionnaires import Questionnaire

# LOINC's code for PHQ-9 item 9, "thoughts that you would be better off dead, or of hurting
# yourself": any answer above 0 is a crisis.
SELF_HARM_LOINC = "44260-8"


# The highest version number: drafts and imports number themselves one up from the last.
LAST_NUMBER = 9999


def next_version_number(questionnaire: "Questionnaire") -> int:
    """One up from the questionnaire's last version number; ValidationError past LAST_NUMBER."""
    last = questionnaire.versions.aggregate(last=Max("number"))["last"] or 0
    if last >= LAST_NUMBER:
        raise ValidationError(
            _("This questionnaire has reached the highest version number, %(last)s.")
            % {"last": LAST_NUMBER},
            code="last_number",
        )
    return last + 1


class PublishedVersionError(ValidationError):
    """Raised on any attempt to change a published (immutable) questionnaire version."""

    def __init__(self):
        super().__init__(
            _(
                "This version is published and cannot be changed. "
                "Create a new draft from it, edit the draft and publish that."
            ),
            code="published",
        )


class VersionQuerySet(models.QuerySet):
    def published(self) -> "VersionQuerySet":
        return self.filter(published_at__isnull=False)

    def with_definition(self) -> "VersionQuerySet":
        """Everything needed to display and score a version, in a fixed number of queries."""
        from screening.models.parts import ItemRule, Question, StepUp  # parts stand on versions

        return self.select_related("questionnaire").prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related("options")),
            "bands",
            Prefetch("rules", queryset=ItemRule.objects.select_related("question")),
            Prefetch("step_ups", queryset=StepUp.objects.select_related("question", "target")),
        )

    def with_successor(self) -> "VersionQuerySet":
        """Versions annotated with the published version that replaced them, if one did:
        ``replaced_by_number`` and ``replaced_at`` (None for the live version and drafts)."""
        later = (
            QuestionnaireVersion.objects.published()
            .filter(questionnaire=OuterRef("questionnaire"), number__gt=OuterRef("number"))
            .order_by("number")
        )
        return self.annotate(
            replaced_by_number=Subquery(later.values("number")[:1]),
            replaced_at=Subquery(later.values("published_at")[:1]),
        )

    def current_for(self, slug: str) -> "QuestionnaireVersion":
        """The current published version of the questionnaire ``slug`` (DoesNotExist if none).

        One small query finds which version is live; its definition comes from a per-process
        cache, since a published version never changes (see ``cached_version``).
        """
        state = live_state(slug)
        if state is None:
            raise QuestionnaireVersion.DoesNotExist(slug)
        return cached_version(*state)

    def published_for(self, slug: str, number: int) -> "QuestionnaireVersion":
        """Published version ``number`` of ``slug`` (DoesNotExist if none), from the cache.

        A person is scored against the version whose questions they were shown, even when a
        newer one went live while they were answering.
        """
        versions = self.published().filter(questionnaire__slug=slug, number=number)
        state = versions.cache_keys().first()
        if state is None:
            raise QuestionnaireVersion.DoesNotExist(f"{slug} v{number}")
        return cached_version(*state)

    def answered(
        self, current: "QuestionnaireVersion", number: int | None
    ) -> "QuestionnaireVersion":
        """The published version whose questions a person answered, the same rule for the form
        and the API: the one whose ``number`` the form or the app says it showed them, and the
        ``current`` one when it names none. DoesNotExist for a number never published: the
        sheet is refused rather than scored against questions the person may not have seen.
        """
        if number is None or number == current.number:
            return current
        return self.published_for(current.questionnaire.slug, number)

    def current_state(self, slug: str) -> "tuple[int, datetime, datetime] | None":
        """(id, published_at, questionnaire updated_at) of the live version of ``slug``."""
        versions = self.published().filter(questionnaire__slug=slug).order_by("-number")
        return versions.cache_keys().first()

    def cache_keys(self) -> "VersionQuerySet":
        """Rows as ``cached_version``'s arguments: (id, published_at, questionnaire updated_at)."""
        return self.values_list("pk", "published_at", "questionnaire__updated_at")


# How long a process trusts what it last read about which version of a questionnaire is live.
# Publishing or editing in this process forgets it at once; other processes follow within this
# time, serving the previous (still valid) version meanwhile. Saves a query on every request.
LIVE_STATE_SECONDS = 5.0
_live_states: dict[str, tuple[float, tuple]] = {}


def live_state(slug: str) -> "tuple[int, datetime, datetime] | None":
    """``QuestionnaireVersion.objects.current_state(slug)``, remembered for a few seconds."""
    now = time.monotonic()
    remembered = _live_states.get(slug)
    if remembered is not None and now - remembered[0] < LIVE_STATE_SECONDS:
        return remembered[1]
    state = QuestionnaireVersion.objects.current_state(slug)
    # Unknown slugs are not remembered: anyone can ask for any number of them.
    if state is not None:
        _live_states[slug] = (now, state)
    return state


# Published versions are immutable, so each process keeps the ones it has loaded, with their
# questions, options, bands and rules. The questionnaire's own texts (title, instructions) may be
# edited, so its edit time is part of the key. Small: a few versions per questionnaire.
_published_versions: dict[tuple, "QuestionnaireVersion"] = {}


def cached_version(pk: int, published_at: datetime, updated_at: datetime) -> "QuestionnaireVersion":
    """The published version ``pk`` with its definition prefetched, loaded once per process."""
    key = (pk, published_at, updated_at)
    version = _published_versions.get(key)
    if version is None:
        version = QuestionnaireVersion.objects.with_definition().get(pk=pk)
        # An edit of the questionnaire's texts makes a new key: drop the stale copy. Over a copy
        # of the keys (made at once): another thread may add a version meanwhile.
        for stale in [k for k in list(_published_versions) if k[0] == pk]:
            _published_versions.pop(stale, None)
        _published_versions[key] = version
    return version


def forget_live_states() -> None:
    """Make this process read again which versions are live (after publishing or an edit)."""
    _live_states.clear()


def forget_cached_versions() -> None:
    """Empty the per-process caches (tests that rewrite published rows behind the model's back)."""
    _published_versions.clear()
    forget_live_states()


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("questionnaire"),
    )
    # Drafts number themselves one up from the last: a number typed at the column's limit would
    # leave the next draft nowhere to go.
    number = models.PositiveIntegerField(
        _("version number"), validators=[MinValueValidator(1), MaxValueValidator(LAST_NUMBER)]
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # The edit stamp admin forms check (config.forms); a database default too, for rows the
    # version still running during a deploy inserts.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("builds on"),
        help_text=_(
            "What this draft was made from: the version that was live then, or the draft it was "
            "copied from."
        ),
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="unique_version_number"
            )
        ]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        # Clinicians know the questionnaire by its title; the slug is for addresses.
        return f"{self.questionnaire.title} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            # Locked and read again: a save racing publish() waits for it, and is then refused
            # instead of writing back the draft's empty published_at over the publication.
            refuse_if_published(self.pk, lock=True)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        if self.is_published:
            raise PublishedVersionError()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def definition(self) -> scoring.Definition:
        """The scoring table of this version (see screening.scoring)."""
        return scoring.Definition(
            questions=tuple(
                scoring.QuestionDef(
                    code=q.code,
                    values=tuple(o.value for o in q.options.all()),
                    scored=q.scored,
                    required=q.required,
                    safety=q.safety_item,
                    kind=q.kind,
                    max_length=q.max_length,
                )
                for q in self.questions.all()
            ),
            bands=tuple(
                scoring.BandDef(
                    code=b.code, min_score=b.min_score, max_score=b.max_score, tier=b.tier
                )
                for b in self.bands.all()
            ),
            rules=tuple(
                scoring.RuleDef(
                    code=r.code,
                    question_code=r.question.code,
                    min_value=r.min_value,
                    crisis=r.crisis,
                )
                for r in self.rules.all()
            ),
            step_ups=self.step_up_definitions(),
        )

    def step_up_definitions(self) -> tuple[scoring.StepUpDef, ...]:
        """The version's step-ups: its StepUp rows grouped by code, the first row's target and
        minimum standing for the group (publishing checks that the rows agree)."""
        groups: dict[str, list] = {}
        for row in self.step_ups.all():
            groups.setdefault(row.code, []).append(row)
        return tuple(
            scoring.StepUpDef(
                code=code,
                target=rows[0].target.slug,
                min_sum=rows[0].min_sum,
                carries=tuple((row.question.code, row.carries_to) for row in rows),
            )
            for code, rows in groups.items()
        )

    def problems(self) -> list[str]:
        """Everything that stops this version from being published (screening.publishing)."""
        from screening import publishing

        return publishing.problems(self)

    def publish(self) -> None:
        """Validate the draft and make it the live version; ValidationError lists why not."""
        from screening import publishing

        publishing.publish(self)

    def built_on(self) -> "QuestionnaireVersion | None":
        """The published version this draft's content started from, through the drafts it was
        copied from; None when that is not known (drafts made before it was recorded)."""
        seen = set()
        version = self.replaces
        while version is not None and not version.is_published and version.pk not in seen:
            seen.add(version.pk)
            version = version.replaces
        return version if version is not None and version.is_published else None

    def score(self, answers) -> scoring.Result:
        """Score ``answers``, reading free text with the active crisis-language lexicon."""
        definition = self._cached_definition
        # Read only for a sheet with words on it: most have none.
        words = isinstance(answers, Mapping) and any(
            q.is_text and isinstance(answers.get(q.code), str) for q in definition.questions
        )
        return scoring.score_answers(definition, answers, crisis_lexicon() if words else ())

    def shows_crisis(self, answers) -> bool:
        """Whether ``answers``, valid or not, complete or not, plainly show a crisis (item 9
        above 0): a sheet refused for any reason must still bring the crisis help then."""
        if not isinstance(answers, Mapping):
            return False
        try:
            return self.score(answers).crisis
        except scoring.InvalidAnswers as invalid:
            return invalid.crisis

    @cached_property
    def _cached_definition(self) -> scoring.Definition:
        return self.definition()

    def band(self, code: str) -> "models.Model | None":
        """The version's score band ``code`` (from the prefetched bands)."""
        return next((b for b in self.bands.all() if b.code == code), None)

    def new_draft(self, note: str = "") -> "QuestionnaireVersion":
        """A new unpublished version copied whole from this one, ready to edit."""
        from screening import publishing

        return publishing.new_draft(self, note)


def refuse_if_published(version_id: int, *, lock: bool = False) -> None:
    """Raise PublishedVersionError when the stored version is published.

    With ``lock`` (inside a transaction) the version's row is locked first: publish() validates
    under that lock, so an edit waits for it to finish and then sees the version published,
    instead of slipping in after the validation.
    """
    versions = QuestionnaireVersion.objects.filter(pk=version_id)
    if lock:
        versions = versions.select_for_update()
    if versions.values_list("published_at", flat=True).first() is not None:
        raise PublishedVersionError()
