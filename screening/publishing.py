"""Publishing a questionnaire version: what stops a draft, going live, and new drafts.

A published version is immutable (screening.models.parts.VersionPart refuses edits); a change is
a new draft copied from it, checked by ``problems`` and made live by ``publish``. The model's
methods of the same names are thin wrappers over these.
"""

from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from screening import definition_checks
from screening.models import (
    SELF_HARM_LOINC,
    PublishedVersionError,
    Questionnaire,
    QuestionnaireVersion,
    forget_live_states,
    in_site_language,
    next_version_number,
)


def problems(version: QuestionnaireVersion) -> list[str]:
    """Everything that stops ``version`` from being published, as sentences for clinicians."""
    problems = (
        definition_checks.definition_problems(version.definition())
        + untranslated(version)
        + score_direction_problems(version)
    )
    for rule in version.rules.all():
        # The scoring table names questions by code, so a rule on another version's question
        # with the same code would pass it; that question can vanish with its version.
        if rule.question.version_id != version.pk:
            problems.append(rule.other_version_message())
    for question in version.questions.all():
        # Whatever the questionnaire (a new one, an import), PHQ-9 item 9 is a self-harm
        # question; marked as one, the scoring checks ask for its crisis rule.
        if question.loinc_code.strip() == SELF_HARM_LOINC and not question.safety_item:
            problems.append(
                _(
                    "Question “{code}” has the LOINC code {loinc} of PHQ-9 item 9 (thoughts of "
                    "self-harm): mark it as a self-harm question, required, with a crisis rule."
                ).format(code=question.code, loinc=SELF_HARM_LOINC)
            )
    problems += step_up_problems(version)
    live = version.questionnaire.current_version()
    if live is not None and live.pk != version.pk:
        # A new version may not quietly drop the self-harm question of the live one.
        kept = {q.code for q in version.questions.all() if q.safety_item}
        for question in live.questions.all():
            if question.safety_item and question.code not in kept:
                problems.append(
                    _(
                        "Question “{code}” is the self-harm question of the live version; "
                        "keep it and keep it marked as a self-harm question."
                    ).format(code=question.code)
                )
    return problems


def step_up_problems(version: QuestionnaireVersion) -> list[str]:
    """What the scoring table cannot see of the version's step-ups: each one's rows agree on
    target and minimum, carry questions of this version, to questions the target's live version
    has (an answer carried to a question it lacks would be lost) but never to one it must ask
    itself (its self-harm question, or one its crisis rules read), and lead elsewhere."""
    problems = []
    rows_by_code: dict[str, list] = {}
    for row in version.step_ups.all():
        rows_by_code.setdefault(row.code, []).append(row)
    for code, rows in rows_by_code.items():
        if len({(row.target_id, row.min_sum) for row in rows}) > 1:
            problems.append(
                _(
                    "The rows of step-up “{code}” must all lead on to the same questionnaire "
                    "with the same minimum sum."
                ).format(code=code)
            )
        if any(row.question.version_id != version.pk for row in rows):
            problems.append(
                _("Step-up “{code}” carries a question of another version.").format(code=code)
            )
        target = rows[0].target
        if target.pk == version.questionnaire_id:
            problems.append(
                _("Step-up “{code}” leads back to this same questionnaire.").format(code=code)
            )
            continue
        live = target.current_version()
        if live is None:
            problems.append(
                _("Step-up “{code}” leads on to “{target}”, which has no live version.").format(
                    code=code, target=target.title
                )
            )
            continue
        problems += definition_checks.carried_into_asked_problems(
            code, [row.carries_to for row in rows], live.definition(), target.title
        )
        codes = {q.code for q in live.questions.all() if not q.is_text}
        for row in rows:
            if row.carries_to not in codes:
                problems.append(
                    _(
                        "Step-up “{code}” carries to “{question}”, which is no choice question "
                        "of the live version of “{target}”."
                    ).format(code=code, question=row.carries_to, target=target.title)
                )
    return problems


def score_direction_problems(version: QuestionnaireVersion) -> list[str]:
    """Questions whose option scores run the wrong way: a reverse-scored item (EPDS item 3) must
    score highest on its first option, any other item on its last. A reversed item typed in the
    usual order would quietly score someone's "never" as their worst answer.

    A yes-or-no question asks about a sign ("Do you often feel helpless?"), so "yes" (its first
    option) scores more, and where it is reverse-scored (GDS-15 item 1, "Are you basically
    satisfied with your life?") "no" does."""
    problems = []
    for question in version.questions.all():
        values = [option.value for option in question.options.all()]
        if len(values) < 2:
            continue
        steps = list(pairwise(values))
        falling = all(a > b for a, b in steps)
        rising = all(a < b for a, b in steps)
        if question.is_yes_no:
            # Exactly two options is a check of its own (screening.definition_checks).
            if len(values) != 2 or (rising if question.reverse_scored else falling):
                continue
            if question.reverse_scored:
                message = _(
                    "Question “{code}” is a reverse-scored yes-or-no question, so “no” (its "
                    "second option) must score more than “yes”, but they score {values}: check "
                    "the scores and the options' positions."
                )
            else:
                message = _(
                    "Question “{code}” is a yes-or-no question that is not reverse-scored, so "
                    "“yes” (its first option) must score more than “no”, but they score "
                    "{values}: check the scores and the options' positions, or mark the "
                    "question reverse-scored."
                )
        elif question.reverse_scored and not falling:
            message = _(
                "Question “{code}” is reverse-scored, so its scores must fall from the first "
                "option to the last, but they run {values}: check that they are not the wrong "
                "way round, and the options' positions."
            )
        elif not question.reverse_scored and not rising:
            message = _(
                "Question “{code}” is not reverse-scored, so its scores must rise from the first "
                "option to the last, but they run {values}: check the scores and the options' "
                "positions, or mark the question reverse-scored."
            )
        else:
            continue
        shown = ", ".join(str(value) for value in values)
        problems.append(message.format(code=question.code, values=shown))
    return problems


def untranslated(version: QuestionnaireVersion) -> list[str]:
    """What has no Simplified Chinese text where it needs one (an import in English only):
    a Chinese reader would be shown the English instead."""
    parts = [(_("The questionnaire"), version.questionnaire)]
    for question in version.questions.all():
        parts.append((_("Question “{code}”").format(code=question.code), question))
        for option in question.options.all():
            name = _("Question “{code}”, option {value}")
            parts.append((name.format(code=question.code, value=option.value), option))
    parts += [(_("Band “{code}”").format(code=band.code), band) for band in version.bands.all()]
    parts += [(_("Rule “{code}”").format(code=rule.code), rule) for rule in version.rules.all()]
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


def publish(version: QuestionnaireVersion) -> None:
    """Validate the draft and make it the live version; ValidationError lists why not."""
    with transaction.atomic():
        # Lock the row so two clinicians publishing at once cannot both succeed half-way.
        locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
        if locked.is_published:
            raise PublishedVersionError()
        # Which version is live is read under the questionnaire's lock.
        Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
        out_of_date = stale(version, version.questionnaire.current_version())
        if out_of_date is not None:
            raise out_of_date
        problems_found = problems(version)
        if problems_found:
            raise ValidationError(problems_found, code="invalid_definition")
        now = timezone.now()
        QuestionnaireVersion.objects.filter(pk=version.pk).update(published_at=now)
        version.published_at = now
        forget_live_states()
        transaction.on_commit(forget_live_states)


def stale(
    version: QuestionnaireVersion, live: QuestionnaireVersion | None
) -> ValidationError | None:
    """Why ``version`` may not replace the ``live`` one, whatever its content: it is older, or
    it was drafted before ``live`` went live and lacks its changes. None if neither."""
    if live is None:
        return None
    if live.number > version.number:
        # The newest published version is the live one, so an older draft would never go live.
        return ValidationError(
            _(
                "Version %(number)s is older than the live version %(live)s and would "
                "never be used. Make a new draft from the live version and publish that."
            ),
            code="older_than_live",
            params={"number": version.number, "live": live.number},
        )
    if version.built_on() not in (None, live):
        # Another draft went live meanwhile; this one, made before it, lacks its changes.
        return ValidationError(
            _(
                "Version %(live)s went live after this draft was made, so publishing it "
                "would undo the changes of version %(live)s. Make a new draft from the "
                "live version %(live)s and make your changes there."
            ),
            code="live_changed",
            params={"live": live.number},
        )
    return None


def new_draft(version: QuestionnaireVersion, note: str = "") -> QuestionnaireVersion:
    """A new unpublished version copied whole from this one, ready to edit."""
    with transaction.atomic():
        # Lock the questionnaire so two drafts made at once get different numbers.
        Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
        number = next_version_number(version.questionnaire)
        current = version.questionnaire.current_version()
        source_published = QuestionnaireVersion.objects.filter(pk=version.pk).published().exists()
        draft = QuestionnaireVersion.objects.create(
            questionnaire=version.questionnaire,
            number=number,
            note=note or in_site_language(_("Copy of version %(number)s"), number=version.number),
            # A copy of a draft builds on that draft (and holds its changes); a copy of a
            # published version builds on the live one, as the clinician sees it now.
            replaces=current if source_published else version,
        )
        copies = {}
        for question in version.questions.prefetch_related("options"):
            copies[question.pk] = copy_row(question, version=draft)
            for option in question.options.all():
                copy_row(option, question=copies[question.pk])
        for band in version.bands.all():
            copy_row(band, version=draft)
        for rule in version.rules.all():
            copy_row(rule, version=draft, question=copies[rule.question_id])
        for step_up in version.step_ups.all():
            copy_row(step_up, version=draft, question=copies[step_up.question_id])
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
