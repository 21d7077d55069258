"""What a questionnaire version is made of: questions, options, score bands and item rules.

Each belongs to one version and is frozen once that version is published.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from screening import scoring
from screening.models.tiers import STEP_NAMES, Tier
from screening.models.versions import QuestionnaireVersion, refuse_if_published


class VersionPart(models.Model):
    """A row that belongs to a version and is frozen once that version is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            self._check_editable(lock=True)
            self._check_stored_editable(lock=True)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            self._check_editable(lock=True)
            return super().delete(*args, **kwargs)

    def clean(self) -> None:
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
    class Kind(models.TextChoices):
        CHOICE = scoring.CHOICE, _("Choice of options")
        YES_NO = scoring.YES_NO, _("Yes or no")
        TEXT = scoring.TEXT, _("Free text")

    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("version"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable code, such as phq9_1."))
    text = models.TextField(_("text"))
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.CHOICE,
        help_text=_(
            "Yes or no: exactly two options, “yes” first and “no” second, each with its score; "
            "shown side by side as two big buttons. Free text: optional, no options, no score; "
            "what people write is read for crisis language and shown only to clinicians and the "
            "crisis team."
        ),
    )
    max_length = models.PositiveSmallIntegerField(
        _("longest answer (characters)"),
        null=True,
        blank=True,
        help_text=_("Free text only, for example 500."),
    )
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
    reverse_scored = models.BooleanField(
        _("reverse-scored"),
        default=False,
        help_text=_(
            "The first answer option scores highest (EPDS item 3); on a yes-or-no question, "
            "“no” scores more than “yes” (GDS-15 item 1). Publishing checks that scores fall "
            "from the first option to the last, and rise where this is not ticked; on a "
            "yes-or-no question, that “yes” scores more where this is not ticked."
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

    def save(self, *args, **kwargs) -> None:
        self._check_rules_stay_in_version()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._check_rules_stay_in_version()

    @property
    def is_text(self) -> bool:
        return self.kind == self.Kind.TEXT

    @property
    def is_yes_no(self) -> bool:
        return self.kind == self.Kind.YES_NO

    def _check_rules_stay_in_version(self) -> None:
        # A rule or step-up uses a question of its own version: moving the question would take
        # it away.
        if not self.pk:
            return
        for part in (ItemRule, StepUp):
            if (
                part.objects.filter(question_id=self.pk)
                .exclude(version_id=self.version_id)
                .exists()
            ):
                raise part.question_moved_error(self)


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


class UsesQuestion(VersionPart):
    """A version part that uses one of its version's questions (``question``)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.question_id:
            self._check_same_version()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # Without a version (a form on an unsaved version) there is nothing to compare yet;
        # save() checks again.
        if self.question_id and self.version_id:
            self._check_same_version()

    def _check_same_version(self) -> None:
        # Fresh from the database: the question's row is what the scoring table will read.
        stored = Question.objects.filter(pk=self.question_id).values_list("version_id", flat=True)
        if stored.first() != self.version_id:
            raise ValidationError(
                {"question": self.other_version_message()}, code="question_of_another_version"
            )

    def other_version_message(self) -> str:
        raise NotImplementedError

    @classmethod
    def question_moved_error(cls, question: Question) -> ValidationError:
        """Why ``question``, used by such a part of its version, cannot move to another."""
        raise NotImplementedError


class ItemRule(UsesQuestion):
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

    def other_version_message(self) -> str:
        return _(
            "Rule “{code}” uses question “{question}” of another version; a rule can only use a "
            "question of its own version."
        ).format(code=self.code, question=self.question.code)

    @classmethod
    def question_moved_error(cls, question: Question) -> ValidationError:
        return ValidationError(
            {
                "version": _(
                    "Question “{code}” is used by an item rule of its version and cannot "
                    "move to another version. Delete the rule first."
                ).format(code=question.code)
            },
            code="question_has_rules",
        )


class StepUp(UsesQuestion):
    """One question a step-up carries: the rows of a version sharing a ``code`` are one step-up
    (scoring.StepUpDef). When their answers add up to ``min_sum``, the result leads on to the
    ``target`` questionnaire, each row's answer already given as its ``carries_to`` question.
    """

    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="step_ups",
        verbose_name=_("version"),
    )
    code = models.SlugField(
        _("step-up code"),
        max_length=40,
        help_text=_("Rows with the same code are one step-up, for example: depression."),
    )
    target = models.ForeignKey(
        "screening.Questionnaire",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leads on to"),
        help_text=_("The fuller questionnaire, for example PHQ-9."),
    )
    min_sum = models.PositiveSmallIntegerField(
        _("when the carried answers add up to at least"),
        default=3,
        help_text=_("The same on every row of the step-up."),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question carried")
    )
    carries_to = models.SlugField(
        _("as the target's question"),
        max_length=40,
        help_text=_("The code of the same question in the target, for example phq9_1."),
    )

    class Meta:
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code", "question"], name="unique_step_up_question"
            )
        ]
        verbose_name = _("step-up")
        verbose_name_plural = _("step-ups (a fuller questionnaire next)")

    def __str__(self) -> str:
        return f"{self.code}: {self.question.code} → {self.carries_to}"

    def other_version_message(self) -> str:
        return _("A step-up can only carry a question of its own version.")

    @classmethod
    def question_moved_error(cls, question: Question) -> ValidationError:
        return ValidationError(
            {
                "version": _(
                    "Question “{code}” is carried over by a step-up of its version and cannot "
                    "move to another version. Delete the step-up first."
                ).format(code=question.code)
            },
            code="question_has_step_ups",
        )
