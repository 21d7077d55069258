"""Questionnaire versions in and out, in our own JSON format.

The format carries every translation and the whole scoring table, so a version exported from one
installation imports as a draft into another. The FHIR export, for other health systems, is
``screening.fhir_export``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from screening.models import (
    ItemRule,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoreBand,
    StepUp,
    in_site_language,
    next_version_number,
)

FORMAT = "questionnaire-version/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _texts(obj, field: str) -> dict[str, str]:
    return {lang: getattr(obj, build_localized_fieldname(field, lang)) or "" for lang in LANGUAGES}


def _localized(field: str, texts) -> dict[str, str]:
    if isinstance(texts, str):
        texts = {LANGUAGES[0]: texts}
    return {build_localized_fieldname(field, lang): texts.get(lang) or "" for lang in LANGUAGES} | {
        field: texts.get(LANGUAGES[0]) or ""
    }


def export_version(version: QuestionnaireVersion) -> dict:
    """A version as plain JSON-ready data, every language included."""
    q = version.questionnaire
    return {
        "format": FORMAT,
        "questionnaire": {
            "slug": q.slug,
            "title": _texts(q, "title"),
            "summary": _texts(q, "summary"),
            "instructions": _texts(q, "instructions"),
            "recall_period": _texts(q, "recall_period"),
            "copyright": q.copyright,
            "source": q.source,
            "loinc_panel": q.loinc_panel,
            "loinc_total": q.loinc_total,
            "min_age": q.min_age,
            "max_age": q.max_age,
        },
        "version": {"number": version.number, "note": version.note},
        "questions": [
            {
                "code": question.code,
                "text": _texts(question, "text"),
                "kind": question.kind,
                "max_length": question.max_length,
                "scored": question.scored,
                "required": question.required,
                "safety_item": question.safety_item,
                "reverse_scored": question.reverse_scored,
                "loinc_code": question.loinc_code,
                "options": [
                    {"value": o.value, "label": _texts(o, "label")} for o in question.options.all()
                ],
            }
            for question in version.questions.all()
        ],
        "bands": [
            {
                "code": b.code,
                "min_score": b.min_score,
                "max_score": b.max_score,
                "tier": b.tier,
                "label": _texts(b, "label"),
                "meaning": _texts(b, "meaning"),
            }
            for b in version.bands.all()
        ],
        "rules": [
            {
                "code": r.code,
                "question": r.question.code,
                "min_value": r.min_value,
                "crisis": r.crisis,
                "description": _texts(r, "description"),
            }
            for r in version.rules.all()
        ],
        "step_ups": [
            {
                "code": s.code,
                "target": s.target.slug,
                "min_sum": s.min_sum,
                "question": s.question.code,
                "carries_to": s.carries_to,
            }
            for s in version.step_ups.all()
        ],
    }


def import_version(data: dict) -> QuestionnaireVersion:
    """Create a draft version from exported JSON (and the questionnaire, if it is new).

    Raises ValidationError naming what is wrong; nothing is written then. The draft still has to
    be published, which checks the scoring table.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(
            _("Not a questionnaire version export (format must be %(format)s).")
            % {"format": repr(FORMAT)}
        )
    if _holds_nul(data):
        raise ValidationError(_("A text in the file holds a NUL character (\\u0000)."))
    try:
        with transaction.atomic():
            return _import(data)
    # ArithmeticError: should a number such as 1e400 (read as infinity) reach an integer field
    # the checks above do not cover, it is a malformed file too.
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        raise ValidationError(
            _("The file is incomplete or malformed: %(error)s") % {"error": repr(error)}
        ) from None
    except DatabaseError:
        # A value the model checks let through but the database refuses (a number too large
        # for its column, say); the checks above name the usual faults.
        raise ValidationError(_("The file holds a value the database cannot store.")) from None


def _import(data: dict) -> QuestionnaireVersion:
    head = data["questionnaire"]
    questionnaire = Questionnaire.objects.filter(slug=head["slug"]).first()
    if questionnaire is None:
        questionnaire = Questionnaire(slug=head["slug"])
        for field in ("title", "summary", "instructions", "recall_period"):
            for name, value in _localized(field, head.get(field, {})).items():
                setattr(questionnaire, name, value)
        for field in ("copyright", "source", "loinc_panel", "loinc_total"):
            setattr(questionnaire, field, head.get(field, ""))
        # Files exported before the age limits have none (full_clean checks what is given).
        questionnaire.min_age, questionnaire.max_age = head.get("min_age"), head.get("max_age")
        questionnaire.full_clean()
        questionnaire.save()
    number = next_version_number(questionnaire)
    note = data.get("version", {}).get("note", "")
    note = in_site_language(gettext_lazy("Imported: %(note)s"), note=note)
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=number,
        note=note[:300],
        replaces=questionnaire.current_version(),
    )
    questions = {}
    for position, item in enumerate(data["questions"], 1):
        question = Question(
            version=version,
            position=position,
            code=item["code"],
            kind=item.get("kind", Question.Kind.CHOICE),
            max_length=item.get("max_length"),
            scored=_flag(item, "scored", True, item["code"]),
            required=_flag(item, "required", True, item["code"]),
            safety_item=_flag(item, "safety_item", False, item["code"]),
            reverse_scored=_flag(item, "reverse_scored", False, item["code"]),
            loinc_code=item.get("loinc_code", ""),
            **_localized("text", item["text"]),
        )
        if question.code in questions:
            raise ValidationError(
                _("Question code %(code)s appears twice.") % {"code": repr(question.code)}
            )
        question.full_clean(exclude=["version"])
        question.save()
        questions[question.code] = question
        values = set()
        for o_position, option in enumerate(item["options"]):
            value = option["value"]
            if not _is_whole_number(value) or value in values:
                raise ValidationError(
                    _("Option values must be distinct integers (%(code)s).")
                    % {"code": item["code"]}
                )
            values.add(value)
            row = Option(
                question=question,
                position=o_position,
                value=value,
                **_localized("label", option["label"]),
            )
            row.full_clean(exclude=["question"])
            row.save()
    for band in data["bands"]:
        for field in ("min_score", "max_score"):
            if not _is_whole_number(band[field], SMALL_POSITIVE):
                raise ValidationError(
                    _("Band %(code)s: %(field)s must be a whole number.")
                    % {"code": repr(band["code"]), "field": field}
                )
        row = ScoreBand(
            version=version,
            code=band["code"],
            min_score=band["min_score"],
            max_score=band["max_score"],
            tier=band["tier"],
            **_localized("label", band["label"]),
            **_localized("meaning", band.get("meaning", {})),
        )
        row.full_clean(exclude=["version"])
        row.save()
    rule_codes = set()
    for rule in data.get("rules", []):
        if rule["question"] not in questions:
            raise ValidationError(
                _("Rule %(code)s refers to an unknown question.") % {"code": repr(rule["code"])}
            )
        if rule["code"] in rule_codes:
            raise ValidationError(
                _("Rule code %(code)s appears twice.") % {"code": repr(rule["code"])}
            )
        rule_codes.add(rule["code"])
        if not _is_whole_number(rule["min_value"]):
            raise ValidationError(
                _("Rule %(code)s: min_value must be a whole number.") % {"code": repr(rule["code"])}
            )
        row = ItemRule(
            version=version,
            code=rule["code"],
            question=questions[rule["question"]],
            min_value=rule["min_value"],
            crisis=_flag(rule, "crisis", True, rule["code"]),
            **_localized("description", rule.get("description", {})),
        )
        row.full_clean(exclude=["version", "question"])
        row.save()
    for step_up in data.get("step_ups", []):
        target = Questionnaire.objects.filter(slug=step_up["target"]).first()
        if step_up["question"] not in questions or target is None:
            raise ValidationError(
                _("Step-up %(code)s refers to an unknown question or questionnaire.")
                % {"code": repr(step_up["code"])}
            )
        if not _is_whole_number(step_up["min_sum"], SMALL_POSITIVE):
            raise ValidationError(
                _("Step-up %(code)s: min_sum must be a whole number.")
                % {"code": repr(step_up["code"])}
            )
        row = StepUp(
            version=version,
            code=step_up["code"],
            target=target,
            min_sum=step_up["min_sum"],
            question=questions[step_up["question"]],
            carries_to=step_up["carries_to"],
        )
        row.full_clean(exclude=["version", "question", "target"])
        row.save()
    return version


def _flag(item: dict, field: str, default: bool, code) -> bool:
    """A yes/no of the file, which must be a JSON true or false: the string "false" would be
    true to bool(), and a question meant to be unscored would change every total."""
    value = item.get(field, default)
    if not isinstance(value, bool):
        raise ValidationError(
            _("%(code)s: %(field)s must be true or false.") % {"code": repr(code), "field": field}
        )
    return value


# What the columns hold on every database (SQLite would store more, PostgreSQL refuse it).
INTEGER = range(-(2**31), 2**31)
SMALL_POSITIVE = range(2**15)


def _is_whole_number(value, fits: range = INTEGER) -> bool:
    # A score is a plain JSON integer: 4.9 would be cut to 4 and 1e400 is infinity; bool is a
    # subclass of int in Python, so true must not pass as 1.
    return isinstance(value, int) and not isinstance(value, bool) and value in fits


def _holds_nul(value) -> bool:
    """Whether any text in the file holds a NUL character, which PostgreSQL cannot store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
