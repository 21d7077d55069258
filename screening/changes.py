"""What a version changes against another: its bands, rules, questions and their options.

Shown to a clinician before publishing a draft, against the live version it would replace.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from modeltranslation.translator import translator

from screening.models import ItemRule, QuestionnaireVersion

# Not part of what a villager is shown or scored by: where the row belongs, and when it was saved.
NOT_COMPARED = {"id", "version", "updated_at"}


@dataclass(frozen=True)
class Change:
    part: str  # "Band “moderate”"
    what: str  # a field's name, or "added" / "removed"
    before: str
    after: str


def version_changes(
    before: QuestionnaireVersion | None, after: QuestionnaireVersion
) -> list[Change]:
    """Every difference of ``after`` from ``before`` (all of it added when there is none)."""
    changes = compare(
        _("Band “{code}”"),
        {b.code: b for b in before.bands.all()} if before else {},
        {b.code: b for b in after.bands.all()},
    )
    changes += compare(
        _("Rule “{code}”"),
        {r.code: r for r in before.rules.all()} if before else {},
        {r.code: r for r in after.rules.all()},
    )
    old_questions = {q.code: q for q in before.questions.all()} if before else {}
    for question in after.questions.all():
        old = old_questions.get(question.code)
        changes += compare(_("Question “{code}”"), {question.code: old} if old else {},
                           {question.code: question})  # fmt: skip
        changes += compare_options(question.code, old, question)
    for code, old in old_questions.items():
        if not any(q.code == code for q in after.questions.all()):
            changes += compare(_("Question “{code}”"), {code: old}, {})
    return changes


def compare_options(code: str, before, after) -> list[Change]:
    """The options of question ``code``, matched by place (a changed score is a change)."""
    old = {o.position: o for o in before.options.all()} if before else {}
    new = {o.position: o for o in after.options.all()}
    changes = []
    for position in sorted(old.keys() | new.keys()):
        option = new.get(position) or old[position]
        name = _("Question “{code}”, option {value}").format(code=code, value=option.value)
        changes += compare(
            name,
            {position: old[position]} if position in old else {},
            {position: new[position]} if position in new else {},
            named=False,
        )
    return changes


def compare(name: str, before: dict, after: dict, *, named: bool = True) -> list[Change]:
    """Parts matched by key: added, removed, and each compared field that differs."""
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        part = name.format(code=key) if named else name
        old, new = before.get(key), after.get(key)
        if old is None:
            changes.append(Change(part, _("added"), "", summary(new)))
        elif new is None:
            changes.append(Change(part, _("removed"), summary(old), ""))
        else:
            for field in compared_fields(type(new)):
                was, now = shown(old, field), shown(new, field)
                if was != now:
                    changes.append(Change(part, str(field.verbose_name), was, now))
    return changes


def compared_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a clinician changes, each language of a translated text on its own."""
    translated = translator.get_options_for_model(model).fields
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in NOT_COMPARED
        and field.name not in translated
        # A rule's question is its own setting; an option is compared within its question.
        and (not field.is_relation or model is ItemRule)
    ]


def shown(part: models.Model, field: models.Field) -> str:
    """A field's value as the clinician reads it."""
    value = getattr(part, field.name)
    if field.name == "question":
        return value.code
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)


def summary(part: models.Model) -> str:
    return "; ".join(
        f"{field.verbose_name}: {value}"
        for field in compared_fields(type(part))
        if (value := shown(part, field))
    )
