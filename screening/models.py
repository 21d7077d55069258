import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from config.caching import forget_recent_reads, recent
from referrals.regions import is_region_code
from screening import scoring


def in_site_language(message, **values) -> str:
    """``message`` (lazy) in the site's main language, for text stored once and shown as written
    to every staff member: version notes, admin history entries."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


# LOINC's code for PHQ-9 item 9, "thoughts that you would be better off dead, or of hurting
# yourself": any answer above 0 is a crisis.
SELF_HARM_LOINC = "44260-8"


class Tier(models.TextChoices):
    MILD = "mild", _("Mild: self-help information")
    MODERATE = "moderate", _("Moderate: talk to an expert")
    SEVERE = "severe", _("Severe: crisis referral")


# What each tier asks the person to do, without the tier's severity word: a "Minimal" band's
# result must not read "Next step: Mild", nor a "Moderately severe" one "Severe".
NEXT_STEPS = {
    Tier.MILD: _("Self-help: read and try the ideas below"),
    Tier.MODERATE: _("Talk to an expert: see the sessions below"),
    Tier.SEVERE: _("Get help today: call a hotline below"),
}


# The same, named for a scoring key (the blank questionnaire's), where nothing is "below".
STEP_NAMES = {
    Tier.MILD: _("Self-help information"),
    Tier.MODERATE: _("Talk to an expert"),
    Tier.SEVERE: _("Crisis referral: hotlines and a call-back"),
}


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


class QuestionnaireQuerySet(models.QuerySet):
    def published(self):
        """Questionnaires with at least one published version."""
        return self.filter(
            Exists(QuestionnaireVersion.objects.published().filter(questionnaire=OuterRef("pk")))
        )

    def with_current_version(self):
        """Published questionnaires annotated with their current version's number and size."""
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


class Questionnaire(models.Model):
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_(
            "In the self-test's addresses and the printed forms' QR codes: it cannot be changed "
            "once saved."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its texts are part of what the API serves for the live version.
        forget_live_states()
        transaction.on_commit(forget_live_states)

    def current_version(self) -> "QuestionnaireVersion | None":
        """The newest published version: the one new submissions answer."""
        return self.versions.published().order_by("-number").first()


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_definition(self):
        """Everything needed to display and score a version, in a fixed number of queries."""
        return self.select_related("questionnaire").prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related("options")),
            "bands",
            Prefetch("rules", queryset=ItemRule.objects.select_related("question")),
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

    def current_state(self, slug: str) -> "tuple[int, datetime, datetime] | None":
        """(id, published_at, questionnaire updated_at) of the live version of ``slug``."""
        versions = self.published().filter(questionnaire__slug=slug).order_by("-number")
        return versions.cache_keys().first()

    def cache_keys(self):
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
        return f"{self.questionnaire.slug} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            # Locked and read again: a save racing publish() waits for it, and is then refused
            # instead of writing back the draft's empty published_at over the publication.
            refuse_if_published(self.pk, lock=True)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
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
        )

    def problems(self) -> list[str]:
        problems = scoring.definition_problems(self.definition()) + self.untranslated()
        for rule in self.rules.all():
            # The scoring table names questions by code, so a rule on another version's question
            # with the same code would pass it; that question can vanish with its version.
            if rule.question.version_id != self.pk:
                problems.append(rule.other_version_message())
        for question in self.questions.all():
            # Whatever the questionnaire (a new one, an import), PHQ-9 item 9 is a self-harm
            # question; marked as one, the scoring checks ask for its crisis rule.
            if question.loinc_code.strip() == SELF_HARM_LOINC and not question.safety_item:
                problems.append(
                    _(
                        "Question “{code}” has the LOINC code {loinc} of PHQ-9 item 9 (thoughts of "
                        "self-harm): mark it as a self-harm question, required, with a crisis rule."
                    ).format(code=question.code, loinc=SELF_HARM_LOINC)
                )
        live = self.questionnaire.current_version()
        if live is not None and live.pk != self.pk:
            # A new version may not quietly drop the self-harm question of the live one.
            kept = {q.code for q in self.questions.all() if q.safety_item}
            for question in live.questions.all():
                if question.safety_item and question.code not in kept:
                    problems.append(
                        _(
                            "Question “{code}” is the self-harm question of the live version; "
                            "keep it and keep it marked as a self-harm question."
                        ).format(code=question.code)
                    )
        return problems

    def untranslated(self) -> list[str]:
        """What has no Simplified Chinese text where it needs one (an import in English only):
        a Chinese reader would be shown the English instead."""
        parts = [(_("The questionnaire"), self.questionnaire)]
        for question in self.questions.all():
            parts.append((_("Question “{code}”").format(code=question.code), question))
            for option in question.options.all():
                name = _("Question “{code}”, option {value}")
                parts.append((name.format(code=question.code, value=option.value), option))
        parts += [(_("Band “{code}”").format(code=band.code), band) for band in self.bands.all()]
        parts += [(_("Rule “{code}”").format(code=rule.code), rule) for rule in self.rules.all()]
        missing = []
        for name, part in parts:
            for field in translator.get_options_for_model(type(part)).fields:
                original = part._meta.get_field(field)
                texts = {
                    language: (getattr(part, build_localized_fieldname(field, language)) or "")
                    for language, _name in settings.LANGUAGES
                }
                # A field that may stay empty is missing only where another language has it.
                needed = not original.blank or any(t.strip() for t in texts.values())
                if needed and not texts["zh-hans"].strip():
                    missing.append(
                        _("{name}: the Chinese “{field}” is empty.").format(
                            name=name, field=original.verbose_name
                        )
                    )
        return missing

    def publish(self) -> None:
        """Validate the draft and make it the live version; ValidationError lists why not."""
        with transaction.atomic():
            # Lock the row so two clinicians publishing at once cannot both succeed half-way.
            locked = QuestionnaireVersion.objects.select_for_update().get(pk=self.pk)
            if locked.is_published:
                raise PublishedVersionError()
            # The newest published version is the live one, so an older draft would never go live.
            Questionnaire.objects.select_for_update().get(pk=self.questionnaire_id)
            live = self.questionnaire.current_version()
            if live is not None and live.number > self.number:
                raise ValidationError(
                    _(
                        "Version %(number)s is older than the live version %(live)s and would "
                        "never be used. Make a new draft from the live version and publish that."
                    ),
                    code="older_than_live",
                    params={"number": self.number, "live": live.number},
                )
            if live is not None and self.built_on() not in (None, live):
                # Another draft went live meanwhile; this one, made before it, lacks its changes.
                raise ValidationError(
                    _(
                        "Version %(live)s went live after this draft was made, so publishing it "
                        "would undo the changes of version %(live)s. Make a new draft from the "
                        "live version %(live)s and make your changes there."
                    ),
                    code="live_changed",
                    params={"live": live.number},
                )
            problems = self.problems()
            if problems:
                raise ValidationError(problems, code="invalid_definition")
            now = timezone.now()
            QuestionnaireVersion.objects.filter(pk=self.pk).update(published_at=now)
            self.published_at = now
            forget_live_states()
            transaction.on_commit(forget_live_states)

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
        return scoring.score_answers(self._cached_definition, answers)

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

    def band(self, code: str) -> "ScoreBand | None":
        return next((b for b in self.bands.all() if b.code == code), None)

    def new_draft(self, note: str = "") -> "QuestionnaireVersion":
        """A new unpublished version copied whole from this one, ready to edit."""
        with transaction.atomic():
            # Lock the questionnaire so two drafts made at once get different numbers.
            Questionnaire.objects.select_for_update().get(pk=self.questionnaire_id)
            number = next_version_number(self.questionnaire)
            current = self.questionnaire.current_version()
            source_published = QuestionnaireVersion.objects.filter(pk=self.pk).published().exists()
            draft = QuestionnaireVersion.objects.create(
                questionnaire=self.questionnaire,
                number=number,
                note=note or in_site_language(_("Copy of version %(number)s"), number=self.number),
                # A copy of a draft builds on that draft (and holds its changes); a copy of a
                # published version builds on the live one, as the clinician sees it now.
                replaces=current if source_published else self,
            )
            copies = {}
            for question in self.questions.prefetch_related("options"):
                copies[question.pk] = copy_row(question, version=draft)
                for option in question.options.all():
                    copy_row(option, question=copies[question.pk])
            for band in self.bands.all():
                copy_row(band, version=draft)
            for rule in self.rules.all():
                copy_row(rule, version=draft, question=copies[rule.question_id])
        return draft


def copy_row(row: models.Model, **changes) -> models.Model:
    """Save a copy of ``row`` (every field, translations included) with some fields changed."""
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }
    for name, value in changes.items():
        values.pop(row._meta.get_field(name).attname, None)
        values[name] = value
    return type(row).objects.create(**values)


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


class VersionPart(models.Model):
    """A row that belongs to a version and is frozen once that version is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self._check_editable(lock=True)
            self._check_stored_editable(lock=True)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self._check_editable(lock=True)
            return super().delete(*args, **kwargs)

    def clean(self):
        # The same check as save(), so that forms show the message instead of failing on save.
        super().clean()
        self._check_editable()
        self._check_stored_editable()

    def _check_editable(self, *, lock: bool = False) -> None:
        version_id = self._version_id()
        if version_id:
            refuse_if_published(version_id, lock=lock)

    def _check_stored_editable(self, *, lock: bool = False) -> None:
        # Moving a row out of a published version is a change to that version too.
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None:
                stored._check_editable(lock=lock)

    def _version_id(self):
        return self.version_id


class Question(VersionPart):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable code, such as phq9_1."))
    text = models.TextField(_("text"))
    loinc_code = models.CharField(_("LOINC code"), max_length=20, blank=True)
    scored = models.BooleanField(_("counts towards the total"), default=True)
    required = models.BooleanField(_("answer required"), default=True)
    safety_item = models.BooleanField(
        _("self-harm question"),
        default=False,
        help_text=_(
            "Any answer above the lowest is a crisis, whatever the total (PHQ-9 item 9). "
            "A version is only published with a crisis rule on this question."
        ),
    )
    # The edit stamp admin forms check (config.forms); a database default too, for rows the
    # version still running during a deploy inserts.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_question_code")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self._check_rules_stay_in_version()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self._check_rules_stay_in_version()

    def _check_rules_stay_in_version(self) -> None:
        # A rule uses a question of its own version: moving the question would take it away.
        if (
            self.pk
            and ItemRule.objects.filter(question_id=self.pk)
            .exclude(version_id=self.version_id)
            .exists()
        ):
            raise ValidationError(
                {
                    "version": _(
                        "Question “{code}” is used by an item rule of its version and cannot "
                        "move to another version. Delete the rule first."
                    ).format(code=self.code)
                },
                code="question_has_rules",
            )


class Option(VersionPart):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    value = models.IntegerField(_("score value"))
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_option_value")
        ]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"

    def _version_id(self):
        return (
            Question.objects.filter(pk=self.question_id)
            .values_list("version_id", flat=True)
            .first()
        )


class ScoreBand(VersionPart):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="bands",
        verbose_name=_("version"),
    )
    code = models.SlugField(_("code"), max_length=40)
    min_score = models.PositiveSmallIntegerField(_("from score"))
    max_score = models.PositiveSmallIntegerField(_("to score (inclusive)"))
    label = models.CharField(_("label"), max_length=100)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    meaning = models.TextField(
        _("what it means"),
        blank=True,
        help_text=_("Plain words for the villager. A screen is not a diagnosis: never claim one."),
    )

    class Meta:
        ordering = ["min_score"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_band_code")]
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")

    def __str__(self) -> str:
        return f"{self.min_score}–{self.max_score} {self.label}"

    def step_name(self) -> str:
        """The next step this band's results are given, without the tier's severity word."""
        return str(STEP_NAMES[self.tier])


class ItemRule(VersionPart):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("version"),
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("For example: self_harm."))
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    min_value = models.IntegerField(_("fires at answer value of at least"))
    crisis = models.BooleanField(
        _("crisis"), default=True, help_text=_("A crisis result always leads with hotlines.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_rule_code")]
        verbose_name = _("item rule")
        verbose_name_plural = _("item rules")

    def __str__(self) -> str:
        return f"{self.question.code} ≥ {self.min_value} → {self.code}"

    def save(self, *args, **kwargs):
        if self.question_id:
            self._check_same_version()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Without a version (a form on an unsaved version) there is nothing to compare yet;
        # save() checks again.
        if self.question_id and self.version_id:
            self._check_same_version()

    def _check_same_version(self) -> None:
        # Fresh from the database: the question's row is what the scoring table will read.
        stored = Question.objects.filter(pk=self.question_id).values_list("version_id", flat=True)
        question_version = stored.first()
        if question_version != self.version_id:
            raise ValidationError(
                {"question": self.other_version_message()}, code="question_of_another_version"
            )

    def other_version_message(self) -> str:
        return _(
            "Rule “{code}” uses question “{question}” of another version; a rule can only use a "
            "question of its own version."
        ).format(code=self.code, question=self.question.code)


class Channel(models.Model):
    """Where people come from: a poster, a village, a campaign (QR code to /c/<code>/)."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("In the address of the posters' QR codes: it cannot be changed once saved."),
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        help_text=_("GB/T 2260 code of the province, city or county (2, 4 or 6 digits)."),
    )
    default_questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("default questionnaire"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self):
        # Results list the hotlines of the channel's region: a code that is no region's (a
        # name, full-width digits) would quietly leave the local lines off a crisis result.
        if self.region and not is_region_code(self.region):
            raise ValidationError(
                {
                    "region": _(
                        "Enter a GB/T 2260 region code of 2, 4 or 6 digits (such as 62, 6211 or "
                        "621102), or leave it empty: results then list the national lines only."
                    )
                }
            )


@recent("screening.Channel")
def active_channel(code: str) -> Channel | None:
    """The active channel with ``code``; None when the code is unknown or retired.

    Every result from one poster looks its channel up; it is read once every few seconds.
    """
    return Channel.objects.filter(code=code, active=True).first()


def new_token() -> str:
    # 24 random bytes = 192 bits, URL-safe base64 (32 characters).
    return secrets.token_urlsafe(24)


class SubmissionQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("version__questionnaire", "band", "channel")


class Submission(models.Model):
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("questionnaire version"),
    )
    answers = models.JSONField(_("answers"))
    total_score = models.PositiveSmallIntegerField(_("total score"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    band = models.ForeignKey(ScoreBand, on_delete=models.PROTECT, verbose_name=_("band"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    crisis = models.BooleanField(_("crisis"), default=False)
    triggered_rules = models.JSONField(_("triggered rules"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("channel"),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["tier", "created_at"])]

    def __str__(self) -> str:
        return f"{self.version} {self.short_token}"

    # Not get_absolute_url: the admin's "view on site" address (/admin/r/…) would redirect any
    # staff login, whatever its permissions, to the result behind its secret token.
    def result_path(self) -> str:
        return reverse("result", args=[self.token])

    @property
    def short_token(self) -> str:
        return self.token[:8]

    @classmethod
    def create_from_answers(
        cls,
        *,
        version: QuestionnaireVersion,
        answers,
        language: str,
        channel: Channel | None = None,
    ) -> "Submission":
        """Score ``answers`` against ``version`` and store the result (raises InvalidAnswers)."""
        result = version.score(answers)
        submission = cls(
            version=version,
            answers=dict(result.answers),
            total_score=result.total,
            max_score=result.max_score,
            band=version.band(result.band_code),
            tier=result.tier,
            crisis=result.crisis,
            triggered_rules=list(result.triggered_rules),
            language=language,
            channel=channel,
        )
        try:
            submission.save(force_insert=True)
        except IntegrityError:
            # The channel may come from a few seconds' memory (config.caching) and have been
            # deleted meanwhile: a retired poster must never stop someone getting their result.
            # (Requests run in autocommit, so the failed insert leaves nothing to roll back.)
            if channel is None or Channel.objects.filter(pk=channel.pk).exists():
                raise
            forget_recent_reads()
            submission.channel = None
            submission.save(force_insert=True)
        return submission

    def next_step(self) -> str:
        """What to do next, in the person's words (a crisis: call now)."""
        if self.crisis:
            return str(_("Crisis: call a hotline now"))
        return str(NEXT_STEPS[self.tier])

    def meaning(self) -> str:
        """What the result means, in plain words for the person who took the test.

        A crisis outweighs the score band: "very little trouble" must never stand under a
        self-harm answer.
        """
        if self.crisis:
            return str(
                _(
                    "One of your answers is a sign that you may need help now, whatever the total "
                    "score. Please talk to someone today: call one of the hotlines, or ask for a "
                    "call back. This is a screen, not a diagnosis."
                )
            )
        return self.band.meaning

    def rescore(self) -> scoring.Result:
        """Score the stored answers again against the version they answered."""
        return self.version.score(self.answers)

    def get_pdf_url(self) -> str:
        return reverse("result-pdf", args=[self.token])
