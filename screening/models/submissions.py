"""Submissions: one person's scored answers and the result they were shown."""

import json
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.ages import AgeBand, age_group_of
from config.caching import forget_recent_reads
from config.kept_connections import fetch_one_prepared
from screening import scoring
from screening.models.channels import Channel
from screening.models.parts import ScoreBand
from screening.models.questionnaires import Questionnaire
from screening.models.tiers import NEXT_STEPS, Tier
from screening.models.versions import QuestionnaireVersion, cached_version


def new_token() -> str:
    # 24 random bytes = 192 bits, URL-safe base64 (32 characters).
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class StepUpOffer:
    """A fuller questionnaire a result leads on to, with the answers already given for it."""

    code: str
    version: QuestionnaireVersion  # the target's live version
    carried: dict[str, int]

    @property
    def questionnaire(self) -> Questionnaire:
        return self.version.questionnaire

    @property
    def remaining(self) -> int:
        """How many of the target's questions are still to answer."""
        return sum(1 for q in self.version.questions.all() if q.code not in self.carried)


class SubmissionQuerySet(models.QuerySet):
    def for_display(self) -> "SubmissionQuerySet":
        return self.select_related(
            "version__questionnaire", "band", "channel", "follows__version__questionnaire"
        )


# One plain query, written out: compiling it with the ORM took longer than running it, on the
# page every villager opens (see Submission.objects.kind_of).
KIND_OF_SQL = """
    SELECT s.token, s.total_score, s.version_id, s.band_id, s.tier, s.crisis,
        s.age_band, s.triggered_rules, s.answers, s.step_ups,
        s.follows_id IS NOT NULL
            OR EXISTS (SELECT 1 FROM screening_submission f WHERE f.follows_id = s.id),
        c.region
    FROM screening_submission s LEFT JOIN screening_channel c ON c.id = s.channel_id
    WHERE s.token = %s
"""


def result_kind_of(
    version_id, band_id, tier, crisis, age_band, triggered_rules, answers, step_ups, linked, region
) -> tuple:
    """(version id, band id, tier, crisis, age group, crisis language fired, wrote something,
    step-ups fired, linked, region): what a result shows alike with every other of its kind.
    Whether the person wrote something (the page offers to print it), never what; of the age
    band, only the group that changes what is shown (``config.ages.AgeGroup``: the youth line, a
    guardian's consent). ``linked``: the result follows another or was followed by one, whose
    addresses are the person's own, so its page is never shared (screening.result_page)."""
    language_fired = scoring.CRISIS_LANGUAGE_RULE in triggered_rules
    wrote = any(isinstance(value, str) and value for value in answers.values())
    return (
        version_id,
        band_id,
        tier,
        bool(crisis),
        age_group_of(age_band),
        language_fired,
        wrote,
        tuple(step_ups),
        bool(linked),
        region or "",
    )


def is_linked_kind(kind: tuple) -> bool:
    """Whether results of ``kind`` (``result_kind_of``) link to other results of the person."""
    return kind[8]


class SubmissionManager(models.Manager.from_queryset(SubmissionQuerySet)):
    def kind_of(self, token: str) -> tuple | None:
        """(token, total score, *kind) of the submission behind ``token`` (None: there is none):
        the person's own values and their kind of result (``Submission.kind``), without the
        rows that every result of the kind shares, which are read once per kind."""
        row = fetch_one_prepared(KIND_OF_SQL, [token])
        if row is None:
            return None
        token, score, *kind, triggered_rules, answers, step_ups, linked, region = row
        if isinstance(answers, str):  # JSON columns come as text through a plain cursor
            triggered_rules, answers = json.loads(triggered_rules), json.loads(answers)
            step_ups = json.loads(step_ups)
        return (
            token,
            score,
            *result_kind_of(*kind, triggered_rules, answers, step_ups, linked, region),
        )


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
    # Optional, as the person gave it; not personal on its own, so kept as long as the row.
    age_band = models.CharField(
        _("age band"),
        max_length=8,
        choices=AgeBand.choices,
        blank=True,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    step_ups = models.JSONField(
        _("step-ups fired"),
        default=list,
        blank=True,
        help_text=_("Codes of the version's step-ups the answers fired: a fuller test next."),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name=_("follows"),
        help_text=_("The quick check this result stepped up from, its answers carried over."),
    )

    objects = SubmissionManager()

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
    def kind(self) -> tuple:
        """What this result shows alike with every other of its kind (``result_kind_of``; the
        tail of ``Submission.objects.kind_of()``'s row)."""
        region = self.channel.region if self.channel_id else ""
        return result_kind_of(
            self.version_id,
            self.band_id,
            self.tier,
            self.crisis,
            self.age_band,
            self.triggered_rules,
            self.answers,
            self.step_ups,
            self.is_linked,
            region,
        )

    @property
    def is_minor(self) -> bool:
        """Under 18 by the band given, or taking a questionnaire made for under-18s only
        (``Questionnaire.takers_are_minors``)."""
        return self.version.questionnaire.takers_are_minors(self.age_band)

    @property
    def age_group(self) -> str:
        """What the age band changes on the result (``config.ages.AgeGroup``)."""
        return age_group_of(self.age_band)

    @property
    def is_linked(self) -> bool:
        """Whether this result follows another or another follows it (step-ups)."""
        # Only a result that fired a step-up can be followed: most results ask nothing more.
        return self.follows_id is not None or (
            bool(self.step_ups) and self.pk is not None and self.followed_by.exists()
        )

    @property
    def choice_answers(self) -> dict[str, int]:
        """The answers without the person's own words, which only clinicians and the crisis
        team read: what a result shows back."""
        return {code: value for code, value in self.answers.items() if not isinstance(value, str)}

    @property
    def own_words(self) -> dict[str, str]:
        """The free-text answers, by question code."""
        return {code: value for code, value in self.answers.items() if isinstance(value, str)}

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
        age_band: str = "",
        follows: "Submission | None" = None,
    ) -> "Submission":
        """Score ``answers`` against ``version`` and store the result (raises InvalidAnswers).
        ``age_band``: an ``AgeBand`` value the person gave, or "" for none; ``follows``: the
        quick check it stepped up from."""
        submission = cls.scored(
            version=version, result=version.score(answers), language=language, channel=channel
        )
        submission.age_band = age_band or ""
        submission.follows = follows
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

    @classmethod
    def scored(
        cls,
        *,
        version: QuestionnaireVersion,
        result: scoring.Result,
        language: str,
        channel: Channel | None = None,
    ) -> "Submission":
        """An unsaved submission holding ``result``, ``version``'s scoring of someone's answers."""
        return cls(
            version=version,
            answers=dict(result.answers),
            total_score=result.total,
            max_score=result.max_score,
            band=version.band(result.band_code),
            tier=result.tier,
            crisis=result.crisis,
            triggered_rules=list(result.triggered_rules),
            step_ups=list(result.step_ups),
            language=language,
            channel=channel,
        )

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
        if self.crisis and scoring.CRISIS_LANGUAGE_RULE in self.triggered_rules:
            # The rule that fired is named, never the words themselves.
            return str(
                _(
                    "What you wrote is a sign that you may need help now, whatever the total "
                    "score. Please talk to someone today: call one of the hotlines, or ask for a "
                    "call back. This is a screen, not a diagnosis."
                )
            )
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

    def definition(self) -> scoring.Definition:
        """The scoring table of the version answered, from the process's copy of it."""
        version = self.version
        if version.is_published:
            version = cached_version(
                version.pk, version.published_at, version.questionnaire.updated_at
            )
        return version._cached_definition

    def step_up_offers(self) -> list[StepUpOffer]:
        """The fuller questionnaires this result leads on to (its fired step-ups whose target
        is live), each with the answers carried over to it."""
        if not self.step_ups:
            return []
        offers = []
        for step_up in self.definition().step_ups:
            if step_up.code not in self.step_ups:
                continue
            try:
                target = QuestionnaireVersion.objects.current_for(step_up.target)
            except QuestionnaireVersion.DoesNotExist:
                continue
            carried = scoring.carried_answers(step_up, self.answers, target._cached_definition)
            offers.append(StepUpOffer(step_up.code, target, carried))
        return offers

    def carried_to(self, version: QuestionnaireVersion) -> dict[str, int] | None:
        """The answers this result carries over to ``version`` (a questionnaire it stepped up
        to), by ``version``'s question codes; None when it leads on to no such step-up."""
        fired = [
            step_up
            for step_up in self.definition().step_ups
            if step_up.code in self.step_ups and step_up.target == version.questionnaire.slug
        ]
        if not fired:
            return None
        carried: dict[str, int] = {}
        for step_up in fired:
            carried |= scoring.carried_answers(step_up, self.answers, version._cached_definition)
        return carried

    def follow_ons(self) -> list["Submission"]:
        """The results that stepped up from this one, oldest first."""
        return list(
            self.followed_by.select_related("version__questionnaire").order_by("created_at")
        )

    def get_pdf_url(self) -> str:
        return reverse("result-pdf", args=[self.token])
