"""The crisis-language lexicon the crisis team and clinicians edit in admin.

Each phrase carries the sentences it must match and must not match; a change that gets any
phrase's examples wrong, its own or another's, is refused (see ``CrisisPhrase.clean``).
The detection itself is ``referrals.crisis_language``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from config.caching import recent
from referrals import crisis_language


class CrisisPhraseQuerySet(models.QuerySet):
    def active(self) -> "CrisisPhraseQuerySet":
        return self.filter(active=True)


class CrisisPhrase(models.Model):
    class Category(models.TextChoices):
        IDEATION = crisis_language.IDEATION, _("Wish to die")
        PLAN = crisis_language.PLAN, _("Plan or preparation")
        MEANS = crisis_language.MEANS, _("Means (pesticide, pills, heights)")
        SELF_HARM = crisis_language.SELF_HARM, _("Self-harm")
        FAREWELL = crisis_language.FAREWELL, _("Farewell")
        HARM_TO_OTHERS = (
            crisis_language.HARM_TO_OTHERS,
            _("Harm to others (murder-suicide, taking children along)"),
        )
        NOT_RISK = crisis_language.NOT_RISK, _("Everyday phrase, not risk")

    phrase = models.CharField(
        _("phrase"),
        max_length=60,
        unique=True,
        help_text=_(
            "Words as people write them; “…” stands for up to 6 characters of the same clause "
            "(喝…农药), “……” for up to 12 of the same sentence, over commas (敌敌畏……喝). "
            "Traditional characters, full-width letters and spaces are read alike."
        ),
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    must_match = models.TextField(
        _("examples that must match"),
        help_text=_(
            "One sentence a line. For an everyday phrase: sentences it keeps from being read "
            "as risk."
        ),
    )
    must_not_match = models.TextField(
        _("examples that must not match"),
        blank=True,
        help_text=_("One sentence a line: denials, everyday uses, someone else."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = CrisisPhraseQuerySet.as_manager()

    class Meta:
        ordering = ["category", "phrase"]
        verbose_name = _("crisis phrase")
        verbose_name_plural = _("crisis phrases")

    def __str__(self) -> str:
        return self.phrase

    @property
    def entry(self) -> crisis_language.Entry:
        return crisis_language.Entry(self.phrase, self.category)

    def examples(self) -> crisis_language.Examples:
        return crisis_language.Examples(
            self.entry, lines(self.must_match), lines(self.must_not_match)
        )

    def clean(self) -> None:
        super().clean()
        if not self.phrase or not self.category:
            return  # the field errors say so
        try:
            crisis_language.compiled(self.phrase)
        except ValueError:
            raise ValidationError({"phrase": _("Write some words, not only “…”.")}) from None
        errors = {}
        if not lines(self.must_match):
            errors["must_match"] = _("Give at least one sentence this phrase must match.")
        if self.category != self.Category.NOT_RISK and not lines(self.must_not_match):
            errors["must_not_match"] = _(
                "Give at least one sentence this phrase must not match: a denial, an everyday "
                "use, or someone else."
            )
        if errors:
            raise ValidationError(errors)
        self._check_examples()

    def _check_examples(self) -> None:
        others = list(CrisisPhrase.objects.active().exclude(pk=self.pk))
        lexicon = [p.entry for p in others] + ([self.entry] if self.active else [])
        own = crisis_language.example_problems(self.examples(), lexicon) if self.active else []
        if own:
            raise ValidationError(own)
        broken = [
            other.phrase
            for other in others
            if crisis_language.example_problems(other.examples(), lexicon)
        ]
        if broken:
            raise ValidationError(
                _(
                    "With this change the examples of other phrases no longer hold: {phrases}. "
                    "Check their examples, or make this phrase narrower."
                ).format(phrases="、".join(broken))
            )


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@recent("referrals.CrisisPhrase")
def crisis_lexicon() -> tuple[crisis_language.Entry, ...]:
    """The active lexicon, as every submission and call-back note is read with it."""
    return tuple(p.entry for p in CrisisPhrase.objects.active())


def find_crisis_language(text: str) -> crisis_language.Finding | None:
    """The first crisis language in ``text`` by the active lexicon, or None."""
    return crisis_language.detect(text, crisis_lexicon())
