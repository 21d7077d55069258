"""Questionnaire versions in and out: our own JSON format, and HL7 FHIR R4 Questionnaire.

The JSON format carries every translation and the whole scoring table, so a version exported from
one installation imports as a draft into another. FHIR export lets other health systems use the
instruments: items by code (``linkId``), answer scores in the ``itemWeight`` extension.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
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
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
LOINC = "http://loinc.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
# Our own extension (under the site's address): which questionnaire a step-up leads on to, and
# which answers it carries.
STEP_UP_PATH = "/fhir/StructureDefinition/step-up"
# LOINC answers of the PHQ-9 and GAD-7 items (answer list LL358-3), by score and English label.
FREQUENCY_ANSWERS = {
    (0, "Not at all"): "LA6568-5",
    (1, "Several days"): "LA6569-3",
    (2, "More than half the days"): "LA6570-1",
    (3, "Nearly every day"): "LA6571-9",
}
# LOINC's answers of a yes-or-no question (answer list LL361-7), in its options' order.
YES_NO_ANSWERS = (("LA33-6", "Yes"), ("LA32-8", "No"))


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


def _answer_coding(option: Option, loinc_answer: tuple[str, str] | None) -> dict:
    """The option as a Coding: its LOINC answer (code, display) where one is known, else its
    score as the code.

    A LOINC code carries LOINC's own English display; the label in the active language, if it
    differs, goes in the standard translation extension.
    """
    if loinc_answer is None:
        return {"code": str(option.value), "display": option.label}
    code, display = loinc_answer
    coding = {"system": LOINC, "code": code, "display": display}
    if option.label != display:
        language = translation.get_language() or settings.LANGUAGE_CODE
        coding["_display"] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": translation.to_language(language)},
                        {"url": "content", "valueString": option.label},
                    ],
                }
            ]
        }
    return coding


def _loinc_answers(question: Question, *, frequency: bool) -> list[tuple[str, str] | None]:
    """The LOINC answer of each of the question's options, None where there is none: "Yes" and
    "No" for a yes-or-no question, the PHQ-9 and GAD-7 frequencies (``frequency``) by score and
    English label."""
    options = list(question.options.all())
    if question.is_yes_no and len(options) == 2:
        return list(YES_NO_ANSWERS)
    if not frequency:
        return [None] * len(options)
    found = ((FREQUENCY_ANSWERS.get((o.value, o.label_en)), o.label_en) for o in options)
    return [(code, display) if code else None for code, display in found]


def _step_up_items(version: QuestionnaireVersion, base_url: str) -> list[dict]:
    """A display item per step-up, shown when its questions add up to its minimum, naming the
    questionnaire it leads on to and the answers it carries over.

    Plain ``enableWhen`` compares one answer with a value and cannot add two up (PHQ-4's
    ``phq4_3 + phq4_4 >= 3``), so the condition is the SDC ``enableWhenExpression``, in FHIRPath
    over the answers' weights like the total. FHIR has no element for "go on to this
    questionnaire with these answers", hence our own extension, by canonical and linkIds.
    """
    items = []
    for step_up in version.step_up_definitions():
        target = Questionnaire.objects.get(slug=step_up.target)
        live = target.current_version()
        canonical = f"{base_url.rstrip('/')}/fhir/Questionnaire/{target.slug}"
        if live is not None:
            canonical = f"{canonical}-v{live.number}"
        total = " + ".join(
            f"%resource.item.where(linkId='{code}').answer.value.weight()"
            for code, _to in step_up.carries
        )
        carried = [
            {
                "url": "carries",
                "extension": [
                    {"url": "linkId", "valueString": code},
                    {"url": "targetLinkId", "valueString": target_code},
                ],
            }
            for code, target_code in step_up.carries
        ]
        items.append(
            {
                "linkId": f"step_up_{step_up.code}",
                "text": _("A fuller check next: %(title)s") % {"title": target.title},
                "type": "display",
                "extension": [
                    {
                        "url": ENABLE_WHEN_EXPRESSION,
                        "valueExpression": {
                            "language": "text/fhirpath",
                            "expression": f"({total}) >= {step_up.min_sum}",
                        },
                    },
                    {
                        "url": base_url.rstrip("/") + STEP_UP_PATH,
                        "extension": [
                            {"url": "target", "valueCanonical": canonical},
                            {"url": "minSum", "valueInteger": step_up.min_sum},
                            *carried,
                        ],
                    },
                ],
            }
        )
    return items


def fhir_questionnaire(version: QuestionnaireVersion, base_url: str) -> dict:
    """The version as an HL7 FHIR R4 Questionnaire resource (in the active language)."""
    q = version.questionnaire
    resource_id = f"{q.slug}-v{version.number}"
    items = []
    for question in version.questions.all():
        if question.is_text:
            # The person's own words: a text item, at most max_length characters.
            items.append(
                {
                    "linkId": question.code,
                    "text": question.text,
                    "type": "text",
                    "required": question.required,
                    "maxLength": question.max_length,
                }
            )
            continue
        # A yes-or-no question too is a choice, not a FHIR boolean: a boolean item has no
        # answerOption to carry an itemWeight, and which answer scores differs from question to
        # question (GDS-15 item 1 scores "no", item 2 "yes"). Its options are coded with
        # LOINC's Yes and No, so that a reader still knows which is which.
        answers = _loinc_answers(question, frequency=bool(q.loinc_panel or q.loinc_total))
        item = {
            "linkId": question.code,
            "text": question.text,
            "type": "choice",
            "required": question.required,
            "answerOption": [
                {
                    "valueCoding": _answer_coding(option, answer),
                    "extension": [{"url": ITEM_WEIGHT, "valueDecimal": option.value}],
                }
                for option, answer in zip(question.options.all(), answers, strict=True)
            ],
        }
        if question.loinc_code:
            item["code"] = [{"system": LOINC, "code": question.loinc_code}]
        items.append(item)
    scored = [question.code for question in version.questions.all() if question.scored]
    total = {
        "linkId": "total_score",
        "text": _("Total score"),
        "type": "integer",
        "readOnly": True,
        "extension": [
            {
                "url": CALCULATED,
                "valueExpression": {
                    "language": "text/fhirpath",
                    "expression": " + ".join(
                        f"%resource.item.where(linkId='{code}').answer.value.weight()"
                        for code in scored
                    ),
                },
            }
        ],
    }
    if q.loinc_total:
        total["code"] = [{"system": LOINC, "code": q.loinc_total}]
    items.append(total)
    items += _step_up_items(version, base_url)
    resource = {
        "resourceType": "Questionnaire",
        "id": resource_id,
        "url": f"{base_url.rstrip('/')}/fhir/Questionnaire/{resource_id}",
        "version": str(version.number),
        "name": q.slug.replace("-", "").upper(),
        "title": q.title,
        "status": "active" if version.is_published else "draft",
        "subjectType": ["Patient"],
        "description": q.instructions,
        "copyright": q.copyright,
        "item": items,
    }
    if version.published_at:
        resource["date"] = version.published_at.isoformat()
    if q.loinc_panel:
        resource["code"] = [{"system": LOINC, "code": q.loinc_panel}]
    if q.has_age_limit:
        resource["useContext"] = [age_context(q.min_age, q.max_age)]
    return resource


def age_context(youngest: int | None, oldest: int | None) -> dict:
    """FHIR's usage context "age": the ages a questionnaire is made for, in years (UCUM ``a``)."""
    ages = {
        end: {"value": age, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}
        for end, age in (("low", youngest), ("high", oldest))
        if age is not None
    }
    return {
        "code": {
            "system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
            "code": "age",
        },
        "valueRange": ages,
    }
