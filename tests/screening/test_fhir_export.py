"""A questionnaire version exported as a FHIR R4 Questionnaire, with its codes and weights."""

import json

import pytest
from django.utils import translation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from screening import interchange
from screening.fhir_export import fhir_questionnaire
from screening.models import QuestionnaireVersion
from tests.screening.version_admin import CHANGELIST, phq9_v1

pytestmark = pytest.mark.django_db


def test_fhir_export_is_a_valid_r4_questionnaire_with_item_weights(admin_client, questionnaires):
    response = admin_client.get(f"{CHANGELIST}{phq9_v1().pk}/fhir.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = json.loads(response.content)
    FhirQuestionnaire.model_validate(resource)  # raises on any structural error
    assert resource["resourceType"] == "Questionnaire"
    assert resource["status"] == "active"
    assert resource["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    items = {item["linkId"]: item for item in resource["item"]}
    assert list(items)[:10] == [f"phq9_{i}" for i in range(1, 11)]
    nearly_every_day = items["phq9_1"]["answerOption"][3]
    assert nearly_every_day["valueCoding"] == {
        "system": "http://loinc.org",
        "code": "LA6571-9",
        "display": "Nearly every day",
    }
    assert nearly_every_day["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 3}
    ]
    codes = [option["valueCoding"]["code"] for option in items["phq9_9"]["answerOption"]]
    assert codes == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    assert items["phq9_10"]["answerOption"][3]["valueCoding"] == {
        "code": "3",
        "display": "Extremely difficult",
    }, "the difficulty question's answers are not the frequency scale"
    assert items["phq9_9"]["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    assert items["total_score"]["code"] == [{"system": "http://loinc.org", "code": "44261-6"}]
    expression = items["total_score"]["extension"][0]["valueExpression"]["expression"]
    assert "phq9_9" in expression and "phq9_10" not in expression


def test_gad7_fhir_export_carries_its_total_code(questionnaires):
    version = QuestionnaireVersion.objects.current_for("gad-7")
    resource = fhir_questionnaire(version, "https://example.org")
    FhirQuestionnaire.model_validate(resource)
    assert resource["item"][-1]["code"][0]["code"] == "70274-6"
    assert "code" not in resource


def test_fhir_answers_keep_the_chinese_label_as_a_translation(questionnaires):
    with translation.override("zh-hans"):
        resource = fhir_questionnaire(phq9_v1(), "https://example.org")
    coding = resource["item"][0]["answerOption"][1]["valueCoding"]
    assert (coding["code"], coding["display"]) == ("LA6569-3", "Several days")
    translated = coding["_display"]["extension"][0]
    assert translated["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert translated["extension"] == [
        {"url": "lang", "valueCode": "zh-hans"},
        {"url": "content", "valueString": "好几天"},
    ]
    FhirQuestionnaire.model_validate(resource)


def test_fhir_answers_of_a_questionnaire_without_loinc_codes_are_their_scores(questionnaires):
    data = interchange.export_version(phq9_v1())
    data["questionnaire"] |= {"slug": "mood-check", "loinc_panel": "", "loinc_total": ""}
    version = interchange.import_version(data)
    with translation.override("en"):
        resource = fhir_questionnaire(version, "https://example.org")
    assert resource["item"][0]["answerOption"][0]["valueCoding"] == {
        "code": "0",
        "display": "Not at all",
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_fhir_export_validates_against_fhir_r4(questionnaires, language):
    # fhirclient's models are generated from FHIR 4.0.1 (R4); fhir.resources 8 has only R4B/R5.
    r4 = pytest.importorskip("fhirclient.models.questionnaire", reason="needs fhirclient (R4)")
    with translation.override(language):
        for slug in ("phq-9", "gad-7"):
            version = QuestionnaireVersion.objects.current_for(slug)
            resource = fhir_questionnaire(version, "https://example.org")
            # strict: raises on a wrong type, a missing required element or an unknown one.
            r4.Questionnaire(resource, strict=True)
    with pytest.raises(Exception, match="Superfluous entry"):
        r4.Questionnaire({**resource, "answerOption": []}, strict=True)
