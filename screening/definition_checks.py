"""What stops a scoring definition from being published, in plain sentences for clinicians.

The checks read the same plain definition ``screening.scoring`` scores with (no ORM), so what
publishing refuses is exactly what scoring could not do right.
"""

from __future__ import annotations

from itertools import pairwise

# Only gettext: problems are shown to clinicians in admin, in their language.
from django.utils.translation import gettext as _

from screening.scoring import LONGEST_TEXT, TIERS, BandDef, Definition, QuestionDef


def definition_problems(definition: Definition) -> list[str]:
    """Everything that stops a definition from being published, as plain sentences.

    Bands must cover 0..max score with no gap and no overlap; every question needs options with
    unique values (a yes-or-no question exactly two); codes must be unique; rules must point at
    a question and a value that some answers reach and others do not.
    """
    problems: list[str] = []
    if not definition.questions:
        problems.append(_("The version has no questions."))
    codes = [q.code for q in definition.questions]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("Question code “{code}” is used more than once.").format(code=code))
    for q in definition.questions:
        if q.is_text:
            problems.extend(_text_question_problems(q))
        elif not q.values:
            problems.append(_("Question “{code}” has no options.").format(code=q.code))
        elif len(set(q.values)) != len(q.values):
            problems.append(_("Question “{code}” has repeated option values.").format(code=q.code))
        elif min(q.values) < 0:
            problems.append(_("Question “{code}” has a negative option value.").format(code=q.code))
        if q.is_yes_no and len(q.values) != 2:
            problems.append(
                _(
                    "Yes-or-no question “{code}” needs exactly two options, “yes” first and "
                    "“no” second; it has {count}."
                ).format(code=q.code, count=len(q.values))
            )

    band_codes = [b.code for b in definition.bands]
    for code in sorted({c for c in band_codes if band_codes.count(c) > 1}):
        problems.append(_("Band code “{code}” is used more than once.").format(code=code))
    for band in definition.bands:
        if band.min_score > band.max_score:
            problems.append(_("Band “{code}” starts after it ends.").format(code=band.code))
        if band.tier not in TIERS:
            problems.append(
                _("Band “{code}” has an unknown tier “{tier}”.").format(
                    code=band.code, tier=band.tier
                )
            )
    problems.extend(_coverage_problems(definition.bands, definition.max_score))
    problems.extend(_tier_order_problems(definition.bands))

    for rule in definition.rules:
        question = definition.question(rule.question_code)
        if question is None:
            problems.append(
                _("Rule “{code}” refers to unknown question “{question_code}”.").format(
                    code=rule.code, question_code=rule.question_code
                )
            )
        elif question.is_text:
            problems.append(
                _(
                    "Rule “{code}” uses free-text question “{question_code}”: free text is read "
                    "for crisis language instead."
                ).format(code=rule.code, question_code=rule.question_code)
            )
        elif question.values and rule.min_value > max(question.values):
            problems.append(
                _("Rule “{code}” can never fire: no option reaches {min_value}.").format(
                    code=rule.code, min_value=rule.min_value
                )
            )
        elif question.values and rule.min_value <= min(question.values):
            # Firing on "not at all" too would make every answer sheet a crisis.
            problems.append(
                _(
                    "Rule “{code}” fires on every answer to question “{question_code}”, even the "
                    "lowest ({lowest}): it must start above the lowest answer."
                ).format(
                    code=rule.code,
                    question_code=rule.question_code,
                    lowest=min(question.values),
                )
            )
    problems.extend(_safety_problems(definition))
    problems.extend(_step_up_problems(definition))
    return problems


def _step_up_problems(definition: Definition) -> list[str]:
    """A step-up carries choice questions of its own version, each once, to distinct questions
    of its target, and needs a minimum that some answers reach and others do not: one that every
    sheet reaches would send everyone on, one that none reaches nobody."""
    problems = []
    codes = [s.code for s in definition.step_ups]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_("Step-up code “{code}” is used more than once.").format(code=code))
    for step_up in definition.step_ups:
        questions = []
        for code, _target_code in step_up.carries:
            question = definition.question(code)
            if question is None or question.is_text or not question.values:
                problems.append(
                    _(
                        "Step-up “{code}” carries “{question_code}”, which is no choice question "
                        "of this version."
                    ).format(code=step_up.code, question_code=code)
                )
            else:
                questions.append(question)
        sources = [code for code, _to in step_up.carries]
        targets = [to for _code, to in step_up.carries]
        if len(set(sources)) != len(sources) or len(set(targets)) != len(targets):
            problems.append(
                _(
                    "Step-up “{code}” carries a question more than once, or two questions to "
                    "the same question of its target."
                ).format(code=step_up.code)
            )
        if not step_up.carries or len(questions) != len(step_up.carries):
            continue
        lowest = sum(min(q.values) for q in questions)
        highest = sum(max(q.values) for q in questions)
        if not lowest < step_up.min_sum <= highest:
            problems.append(
                _(
                    "Step-up “{code}” needs a minimum sum above {lowest} and at most {highest}, "
                    "what its questions can add up to."
                ).format(code=step_up.code, lowest=lowest, highest=highest)
            )
    return problems


def carried_into_asked_problems(
    step_up_code: str, carries_to: list[str], target: Definition, target_title: str
) -> list[str]:
    """A step-up may not carry an answer into its target's self-harm question, nor into one a
    crisis rule reads: a carried answer is not asked again, so the target's item 9 would be
    filled in from the quick check instead of being asked (``Definition.never_carried``)."""
    never = target.never_carried
    return [
        _(
            "Step-up “{code}” carries to “{question}”, the self-harm question of “{target}” or "
            "one its crisis rules read: that question must be asked there, not carried over."
        ).format(code=step_up_code, question=code, target=target_title)
        for code in dict.fromkeys(carries_to)
        if code in never
    ]


def _text_question_problems(question: QuestionDef) -> list[str]:
    """Free text has no options and no score, is never required, and has a length limit."""
    problems = []
    if question.values:
        problems.append(
            _("Free-text question “{code}” must have no options.").format(code=question.code)
        )
    if question.scored or question.safety:
        problems.append(
            _(
                "Free-text question “{code}” cannot count towards the total or be a self-harm "
                "question."
            ).format(code=question.code)
        )
    if question.required:
        problems.append(
            _("Free-text question “{code}” must be optional.").format(code=question.code)
        )
    if not question.max_length or not 1 <= question.max_length <= LONGEST_TEXT:
        problems.append(
            _(
                "Free-text question “{code}” needs a longest answer between 1 and {most} "
                "characters."
            ).format(code=question.code, most=LONGEST_TEXT)
        )
    return problems


def _safety_problems(definition: Definition) -> list[str]:
    """A self-harm question must be required and needs a crisis rule firing on its first
    answer above the lowest.

    Risk rises with the answer, but any answer above "not at all" needs follow-up, so a rule that
    fires only at 2 or more (or a rule that is not a crisis) would silently miss people.
    """
    problems = []
    for question in definition.questions:
        if question.safety and not question.required:
            # A skipped answer fires no rule: the crisis would go unseen.
            problems.append(
                _("Self-harm question “{code}” must be required.").format(code=question.code)
            )
        if not question.safety:
            continue
        if len(set(question.values)) < 2:
            # With one answer nobody can report risk, and no crisis rule could ever fire.
            # (No options at all is reported already.)
            if question.values:
                problems.append(
                    _(
                        "Self-harm question “{code}” needs at least two options: the lowest and "
                        "an answer above it for its crisis rule."
                    ).format(code=question.code)
                )
            continue
        first_above_lowest = sorted(set(question.values))[1]
        if not any(
            rule.crisis
            and rule.question_code == question.code
            and rule.min_value <= first_above_lowest
            for rule in definition.rules
        ):
            problems.append(
                _(
                    "Self-harm question “{code}” needs a crisis rule that fires at answer value "
                    "{value} or less."
                ).format(code=question.code, value=first_above_lowest)
            )
    return problems


def _tier_order_problems(bands: tuple[BandDef, ...]) -> list[str]:
    """A higher score never means a lower tier: mild, then moderate, then severe."""
    problems = []
    known = sorted((b for b in bands if b.tier in TIERS), key=lambda b: (b.min_score, b.max_score))
    for below, band in pairwise(known):
        if TIERS.index(band.tier) < TIERS.index(below.tier):
            problems.append(
                _(
                    "Band “{code}” has a lower tier than band “{below}” below it: tiers must not "
                    "go down as scores rise (mild, then moderate, then severe)."
                ).format(code=band.code, below=below.code)
            )
    return problems


def _coverage_problems(bands: tuple[BandDef, ...], max_score: int) -> list[str]:
    if not bands:
        return [_("The version has no score bands.")]
    problems = []
    expected = 0
    for band in sorted(bands, key=lambda b: (b.min_score, b.max_score)):
        if band.min_score > expected:
            problems.append(
                _("No band covers scores {expected} to {until}.").format(
                    expected=expected, until=band.min_score - 1
                )
            )
        elif band.min_score < expected:
            problems.append(_("Band “{code}” overlaps the band before it.").format(code=band.code))
        expected = max(expected, band.max_score + 1)
    if expected <= max_score:
        problems.append(
            _("No band covers scores {expected} to {max_score}.").format(
                expected=expected, max_score=max_score
            )
        )
    elif expected > max_score + 1:
        problems.append(
            _("Bands reach {reached}, beyond the maximum score {max_score}.").format(
                reached=expected - 1, max_score=max_score
            )
        )
    return problems
