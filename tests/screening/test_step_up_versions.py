"""Step-ups as version parts: scored from the fixture, copied into drafts, checked before
publishing, edited in admin, exported to JSON and FHIR and imported back."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from screening import interchange, scoring
from screening.fhir_export import fhir_questionnaire
from screening.models import PublishedVersionError, QuestionnaireVersion, StepUp

pytestmark = pytest.mark.django_db


def phq4() -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.with_definition().get(questionnaire__slug="phq-4", number=1)


def test_phq4_steps_up_to_gad7_and_phq9_as_published(more_questionnaires):
    # Kroenke 2009: each two-item part >= 3 suggests the full GAD-7 or PHQ-9.
    assert phq4().definition().step_ups == (
        scoring.StepUpDef("anxiety", "gad-7", 3, (("phq4_1", "gad7_1"), ("phq4_2", "gad7_2"))),
        scoring.StepUpDef("depression", "phq-9", 3, (("phq4_3", "phq9_1"), ("phq4_4", "phq9_2"))),
    )
    assert phq4().problems() == []


def test_a_published_step_up_is_frozen(more_questionnaires):
    row = StepUp.objects.filter(version=phq4()).first()
    row.min_sum = 2
    with pytest.raises(PublishedVersionError):
        row.save()


def test_a_new_draft_copies_the_step_ups(more_questionnaires):
    draft = phq4().new_draft()
    assert draft.definition().step_ups == phq4().definition().step_ups
    rows = StepUp.objects.filter(version=draft)
    assert {row.question.version_id for row in rows} == {draft.pk}


def test_a_step_up_to_a_question_the_target_lacks_stops_publishing(more_questionnaires):
    draft = phq4().new_draft()
    StepUp.objects.filter(version=draft, carries_to="phq9_2").update(carries_to="phq9_99")
    StepUp.objects.filter(version=draft, code="anxiety", carries_to="gad7_2").update(min_sum=4)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    assert refused.value.messages == [
        "The rows of step-up “anxiety” must all lead on to the same questionnaire with the same "
        "minimum sum.",
        "Step-up “depression” carries to “phq9_99”, which is no choice question of the live "
        "version of “PHQ-9 depression screen”.",
    ]


def test_a_step_up_cannot_carry_another_versions_question(more_questionnaires):
    draft = phq4().new_draft()
    other = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9").questions.first()
    row = StepUp(version=draft, code="x", target=other.version.questionnaire, question=other)
    with pytest.raises(ValidationError):
        row.save()


def test_the_json_export_carries_the_step_ups_and_imports_back(more_questionnaires):
    exported = interchange.export_version(phq4())
    assert exported["step_ups"][2] == {
        "code": "depression",
        "target": "phq-9",
        "min_sum": 3,
        "question": "phq4_3",
        "carries_to": "phq9_1",
    }
    draft = interchange.import_version(json.loads(json.dumps(exported)))
    assert draft.definition().step_ups == phq4().definition().step_ups
    draft.publish()


def test_an_import_leading_to_an_unknown_questionnaire_is_refused(more_questionnaires):
    exported = interchange.export_version(phq4())
    exported["step_ups"][0]["target"] = "no-such-test"
    with pytest.raises(ValidationError):
        interchange.import_version(exported)
    assert QuestionnaireVersion.objects.filter(questionnaire__slug="phq-4").count() == 1


def test_the_fhir_questionnaire_shows_each_step_up_when_its_part_reaches_3(more_questionnaires):
    with translation.override("en"):
        resource = fhir_questionnaire(phq4(), "https://example.org")
    step_ups = [item for item in resource["item"] if item["linkId"].startswith("step_up_")]
    assert [item["linkId"] for item in step_ups] == ["step_up_anxiety", "step_up_depression"]
    depression = step_ups[1]
    assert depression["type"] == "display"
    assert depression["text"] == "A fuller check next: PHQ-9 depression screen"
    condition, details = depression["extension"]
    assert condition["url"].endswith("sdc-questionnaire-enableWhenExpression")
    assert condition["valueExpression"]["expression"] == (
        "(%resource.item.where(linkId='phq4_3').answer.value.weight() + "
        "%resource.item.where(linkId='phq4_4').answer.value.weight()) >= 3"
    )
    assert details["url"] == "https://example.org/fhir/StructureDefinition/step-up"
    parts = details["extension"]
    assert parts[0] == {
        "url": "target",
        "valueCanonical": "https://example.org/fhir/Questionnaire/phq-9-v1",
    }
    assert parts[1] == {"url": "minSum", "valueInteger": 3}
    assert [[e["valueString"] for e in p["extension"]] for p in parts[2:]] == [
        ["phq4_3", "phq9_1"],
        ["phq4_4", "phq9_2"],
    ]


def test_a_clinician_edits_step_ups_on_the_draft_page(admin_client, more_questionnaires):
    draft = phq4().new_draft()
    page = admin_client.get(f"/admin/screening/questionnaireversion/{draft.pk}/change/")
    assert page.status_code == 200
    assert 'name="step_ups-TOTAL_FORMS" value="4"' in page.content.decode()


def test_a_carried_question_cannot_move_to_another_version(more_questionnaires):
    draft = phq4().new_draft()
    question = draft.questions.get(code="phq4_3")
    question.version = phq4().new_draft()
    with pytest.raises(ValidationError) as refused:
        question.save()
    assert "version" in refused.value.message_dict
