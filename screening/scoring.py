"""Pure, table-driven scoring of a questionnaire.

Plain data in, a result out: no ORM, no request. The definition is built from a published
questionnaire version (see ``QuestionnaireVersion.definition()``) and is the whole truth about
how that version is scored, so an old submission re-scores exactly as it did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Only gettext: problems are shown to clinicians in admin, in their language.
from django.utils.translation import gettext as _

from referrals import crisis_language

TIERS = ("mild", "moderate", "severe")
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
SEVERE = "severe"
CHOICE = "choice"
TEXT = "text"
# Two options, "yes" first and "no" second, each with its score; scored as any choice.
YES_NO = "yes_no"
# Fired when a free-text answer holds crisis language (referrals.crisis_language): a crisis
# whatever the score, as PHQ-9 item 9 above 0 is.
CRISIS_LANGUAGE_RULE = crisis_language.RULE_CODE
LONGEST_TEXT = 2000


@dataclass(frozen=True)
class QuestionDef:
    code: str
    values: tuple[int, ...]
    scored: bool = True
    required: bool = True
    # A self-harm question (PHQ-9 item 9): any answer above its lowest must be a crisis.
    safety: bool = False
    # Free text: no options, no score; read for crisis language instead. Yes/no: a choice of
    # exactly two options.
    kind: str = CHOICE
    max_length: int | None = None

    @property
    def is_text(self) -> bool:
        return self.kind == TEXT

    @property
    def is_yes_no(self) -> bool:
        return self.kind == YES_NO


@dataclass(frozen=True)
class BandDef:
    code: str
    min_score: int
    max_score: int
    tier: str


@dataclass(frozen=True)
class RuleDef:
    """An item rule: ``question_code`` answered with ``min_value`` or more fires it."""

    code: str
    question_code: str
    min_value: int
    crisis: bool = True


@dataclass(frozen=True)
class StepUpDef:
    """A step-up to a fuller questionnaire: when the answers to the carried questions add up to
    ``min_sum`` or more, the result leads on to ``target`` (a questionnaire's slug), and each
    ``(code, target_code)`` in ``carries`` carries that answer over, so it is not asked again.
    PHQ-4's items 3 and 4 (PHQ-2) summing to 3 lead on to PHQ-9 with its items 1 and 2 answered.
    """

    code: str
    target: str
    min_sum: int
    carries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Definition:
    questions: tuple[QuestionDef, ...]
    bands: tuple[BandDef, ...]
    rules: tuple[RuleDef, ...] = ()
    step_ups: tuple[StepUpDef, ...] = ()

    @property
    def max_score(self) -> int:
        return sum(max(q.values) for q in self.questions if q.scored and q.values)

    def question(self, code: str) -> QuestionDef | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def never_carried(self) -> frozenset[str]:
        """The codes no step-up may carry an answer into: the self-harm questions and every
        question a crisis rule reads. A carried answer is not asked again, so PHQ-9 item 9
        would be filled in from the quick check instead of being asked."""
        return frozenset(q.code for q in self.questions if q.safety) | frozenset(
            rule.question_code for rule in self.rules if rule.crisis
        )


@dataclass(frozen=True)
class Result:
    total: int
    max_score: int
    band_code: str
    tier: str
    crisis: bool
    triggered_rules: tuple[str, ...] = field(default_factory=tuple)
    answers: Mapping[str, int | str] = field(default_factory=dict)
    # Codes of the step-ups the answers fire (StepUpDef), in the definition's order.
    step_ups: tuple[str, ...] = field(default_factory=tuple)


class InvalidAnswers(ValueError):
    """Answers that do not fit the definition; ``errors`` maps each offending key to a reason code.

    Reason codes: ``required`` (no answer), ``unknown_question``, ``not_integer``
    (strings, floats, booleans and null are refused), ``invalid_choice`` (not an option value);
    for free text, ``not_text`` and ``too_long``.
    ``crisis`` is true when the answers that are valid already fire a crisis rule: someone who
    answered item 9 but skipped another question must be shown the crisis help all the same.
    """

    def __init__(self, errors: dict[str, str], crisis: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.crisis = crisis


class InvalidDefinition(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def clean_answers(
    definition: Definition,
    answers: Mapping[str, object],
    lexicon: tuple[crisis_language.Entry, ...] = (),
) -> dict[str, int | str]:
    """Return the answers as ``{code: int}`` (free text: ``{code: str}``) or raise
    InvalidAnswers naming every bad key; ``lexicon`` reads free text for crisis language, so
    that a refused sheet still brings the crisis help."""
    errors: dict[str, str] = {}
    cleaned: dict[str, int | str] = {}
    # Refused answers whose meaning is plain ("2" for 2), for the crisis check alone.
    plain: dict[str, int] = {}
    # A safety question answered with something unreadable that is not plainly its lowest value.
    unreadable_risk = False
    for key in answers:
        if definition.question(key) is None:
            errors[key] = "unknown_question"
    for question in definition.questions:
        if question.code not in answers:
            if question.required:
                errors[question.code] = "required"
            continue
        value = answers[question.code]
        if question.is_text:
            if isinstance(value, str) and crisis_language.detect(value, lexicon):
                unreadable_risk = True  # too long or not, what was written is read
            problem = _text_problem(question, value)
            if problem:
                errors[question.code] = problem
            elif isinstance(value, str) and value.strip():
                cleaned[question.code] = value.strip()
            continue
        # bool is a subclass of int in Python; True must not count as 1.
        if isinstance(value, bool) or not isinstance(value, int):
            if value is None and not question.required:
                continue
            errors[question.code] = "not_integer"
            meant = plain_meaning(value)
            if meant in question.values:
                plain[question.code] = meant
            elif question.safety and may_signal_risk(question, value):
                unreadable_risk = True
        elif value not in question.values:
            errors[question.code] = "invalid_choice"
            unreadable_risk |= question.safety and may_signal_risk(question, value)
        else:
            cleaned[question.code] = value
    if errors:
        evident = plain | cleaned
        crisis = unreadable_risk or is_crisis(definition, fired_rules(definition, evident))
        raise InvalidAnswers(errors, crisis=crisis)
    return cleaned


def _text_problem(question: QuestionDef, value: object) -> str | None:
    if value is None or value == "" or (isinstance(value, str) and not value.strip()):
        return "required" if question.required else None
    if not isinstance(value, str):
        return "not_text"
    if len(value.strip()) > (question.max_length or LONGEST_TEXT):
        return "too_long"
    return None


def may_signal_risk(question: QuestionDef, value: object) -> bool:
    """Whether a refused answer to a safety question may mean risk: anything but its lowest
    value or nothing (4, 99, true, "yes", "是", 1.5, [1]). Err towards help: the help comes
    with the refusal. Several answers (a form field sent twice) signal risk if any one does.
    """
    if value is None or value == "":
        return False
    if isinstance(value, list | tuple):
        return any(may_signal_risk(question, item) for item in value)
    meant = value if type(value) is int else plain_meaning(value)
    return meant != min(question.values, default=0)


def plain_meaning(value: object) -> int | None:
    """The whole number a refused answer plainly means ("2", " 2", "２", 2.0), else None.

    Such an answer is still refused (the API takes integers), but a self-harm answer written
    that way must still bring the crisis help with the refusal.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        # Full-width digits, as Chinese keyboards type them; not "²" or "②", which isdigit()
        # also takes.
        text = value.strip().translate(FULL_WIDTH_DIGITS)
        if text.isascii() and text.isdigit() and len(text) <= 3:
            return int(text)
    return None


def fired_rules(definition: Definition, cleaned: Mapping[str, int | str]) -> tuple[str, ...]:
    """Codes of the rules that ``cleaned`` (valid answers, possibly not all of them) fires."""
    return tuple(
        rule.code
        for rule in definition.rules
        if type(cleaned.get(rule.question_code)) is int
        and cleaned[rule.question_code] >= rule.min_value
    )


def language_findings(
    definition: Definition,
    cleaned: Mapping[str, int | str],
    lexicon: tuple[crisis_language.Entry, ...],
) -> dict[str, crisis_language.Finding]:
    """The first crisis language in each free-text answer, by question code."""
    findings = {}
    for question in definition.questions:
        text = cleaned.get(question.code)
        if question.is_text and isinstance(text, str):
            finding = crisis_language.detect(text, lexicon)
            if finding is not None:
                findings[question.code] = finding
    return findings


def fired_step_ups(definition: Definition, cleaned: Mapping[str, int | str]) -> tuple[str, ...]:
    """Codes of the step-ups whose carried answers in ``cleaned`` add up to their minimum."""
    return tuple(
        step_up.code
        for step_up in definition.step_ups
        if step_up.carries
        and sum(value for code, _to in step_up.carries if type(value := cleaned.get(code)) is int)
        >= step_up.min_sum
    )


def carried_answers(
    step_up: StepUpDef, answers: Mapping[str, object], target: Definition
) -> dict[str, int]:
    """The answers ``step_up`` carries over to the ``target`` questionnaire's definition, by the
    target's question codes: only to a choice question it has, and only a value among its
    options (a target edited since must never be handed an answer it does not offer), and
    never to a question it must ask itself (``Definition.never_carried``), whatever was
    published: its live version may have made a carried question a self-harm one since."""
    carried = {}
    never = target.never_carried
    for code, target_code in step_up.carries:
        value = answers.get(code)
        question = target.question(target_code)
        if (
            target_code not in never
            and question is not None
            and not question.is_text
            and type(value) is int
            and value in question.values
        ):
            carried[target_code] = value
    return carried


def is_crisis(definition: Definition, fired: tuple[str, ...]) -> bool:
    return any(rule.crisis for rule in definition.rules if rule.code in fired)


def band_for(definition: Definition, total: int) -> BandDef:
    for band in definition.bands:
        if band.min_score <= total <= band.max_score:
            return band
    raise InvalidDefinition([_("no band covers the total {total}").format(total=total)])


def score_answers(
    definition: Definition,
    answers: Mapping[str, object],
    lexicon: tuple[crisis_language.Entry, ...] = (),
) -> Result:
    """Score answers against a definition: total, band, tier, crisis flag and fired rules.

    A crisis rule forces tier ``severe`` whatever the total: PHQ-9 item 9 above 0 is a crisis.
    So does crisis language in a free-text answer (read with ``lexicon``): it fires the
    built-in rule ``crisis_language``.
    """
    cleaned = clean_answers(definition, answers, lexicon)
    total = sum(
        value
        for q in definition.questions
        if q.scored and type(value := cleaned.get(q.code, 0)) is int
    )
    band = band_for(definition, total)
    fired = fired_rules(definition, cleaned)
    crisis = is_crisis(definition, fired)
    if language_findings(definition, cleaned, lexicon):
        fired, crisis = (*fired, CRISIS_LANGUAGE_RULE), True
    return Result(
        total=total,
        max_score=definition.max_score,
        band_code=band.code,
        tier=SEVERE if crisis else band.tier,
        crisis=crisis,
        triggered_rules=fired,
        answers=cleaned,
        step_ups=fired_step_ups(definition, cleaned),
    )
