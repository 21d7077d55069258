"""Questionnaire versions as HL7 FHIR R4 Questionnaire resources, for other health systems.

Items by code (``linkId``), answer scores in the ``itemWeight`` extension, the total as an SDC
calculated expression, step-ups as SDC ``enableWhenExpression`` display items, and LOINC answer
codes where the instrument has them. Our own JSON format, which imports again, is
``screening.interchange``.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from screening.models import Option, Question, Questionnaire, QuestionnaireVersion

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
