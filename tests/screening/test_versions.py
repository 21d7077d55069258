"""Published versions are immutable; drafts publish only when their scoring table is sound."""

import re
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from screening import interchange
from screening.models import (
    ItemRule,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoreBand,
    Submission,
)
from screening.models import versions as live

pytestmark = pytest.mark.django_db


def phq9():
    return QuestionnaireVersion.objects.current_for("phq-9")


@pytest.mark.parametrize(
    "change",
    [
        lambda v: v.questions.first().save(),
        lambda v: Option.objects.filter(question__version=v).first().save(),
        lambda v: v.bands.first().save(),
        lambda v: v.rules.first().save(),
        lambda v: v.save(),
        lambda v: v.questions.first().delete(),
        lambda v: v.bands.first().delete(),
        lambda v: v.delete(),
        lambda v: Question.objects.create(version=v, code="new", text="x"),
        lambda v: ScoreBand.objects.create(
            version=v, code="x", min_score=0, max_score=1, label="x", tier="mild"
        ),
        lambda v: Option.objects.create(question=v.questions.first(), value=9, label="x"),
        lambda v: Option.objects.filter(question__version=v).first().delete(),
        lambda v: ItemRule.objects.create(
            version=v, code="x", question=v.questions.first(), min_value=3
        ),
        lambda v: v.rules.first().delete(),
    ],
    ids=[
        "edit question",
        "edit option",
        "edit band",
        "edit rule",
        "edit version",
        "delete question",
        "delete band",
        "delete version",
        "add question",
        "add band",
        "add option",
        "delete option",
        "add rule",
        "delete rule",
    ],
)
def test_a_published_version_refuses_every_change(questionnaires, change):
    version = phq9()
    with pytest.raises(ValidationError) as refused:
        change(version)
    assert refused.value.code == "published"
    assert Question.objects.filter(version=version).count() == 11
    assert Option.objects.filter(question__version=version).count() == 4 * 10
    assert ItemRule.objects.filter(version=version).count() == 1


def draft_of(version: QuestionnaireVersion, number: int) -> QuestionnaireVersion:
    """A plain copy of a version as a draft (admin's "new draft" does this in issue 6)."""
    draft = QuestionnaireVersion.objects.create(questionnaire=version.questionnaire, number=number)
    for q in version.questions.all():
        copy = Question.objects.create(
            version=draft,
            position=q.position,
            code=q.code,
            text=q.text,
            kind=q.kind,
            max_length=q.max_length,
            scored=q.scored,
            required=q.required,
            safety_item=q.safety_item,
        )
        for o in q.options.all():
            Option.objects.create(question=copy, position=o.position, value=o.value, label=o.label)
    for b in version.bands.all():
        ScoreBand.objects.create(
            version=draft,
            code=b.code,
            min_score=b.min_score,
            max_score=b.max_score,
            label=b.label,
            tier=b.tier,
        )
    for r in version.rules.all():
        ItemRule.objects.create(
            version=draft,
            code=r.code,
            question=draft.questions.get(code=r.question.code),
            min_value=r.min_value,
            crisis=r.crisis,
        )
    return draft


def test_a_draft_is_editable_and_publishing_makes_it_current(questionnaires):
    draft = draft_of(phq9(), 2)
    # Lower the moderate cut-off to 8, as validated for rural elderly.
    draft.bands.filter(code="mild").update(max_score=7)
    band = draft.bands.get(code="moderate")
    band.min_score = 8
    band.save()
    assert phq9().number == 1, "a draft is not live"

    draft.publish()

    current = phq9()
    assert current.number == 2
    result = current.score({f"phq9_{i}": v for i, v in enumerate([3, 3, 2, 0, 0, 0, 0, 0, 0], 1)})
    assert result.tier == "moderate"


def test_publishing_a_draft_with_a_band_gap_is_refused_and_changes_nothing(questionnaires):
    draft = draft_of(phq9(), 2)
    draft.bands.get(code="minimal").delete()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        draft.publish()
    assert "No band covers scores 0 to 4." in refused.value.messages
    draft.refresh_from_db()
    assert draft.published_at is None
    assert phq9().number == 1


def test_publishing_twice_is_refused(questionnaires):
    draft = draft_of(phq9(), 2)
    draft.publish()
    with pytest.raises(ValidationError):
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()


def test_old_submissions_keep_their_version_and_rescore_as_they_were(questionnaires):
    v1 = phq9()
    answers = {f"phq9_{i}": v for i, v in enumerate([3, 3, 2, 0, 0, 0, 0, 0, 0], 1)}
    old = Submission.create_from_answers(version=v1, answers=answers, language="zh-hans")
    assert old.tier == "mild"

    draft = draft_of(v1, 2)
    draft.bands.filter(code="mild").update(max_score=7)
    draft.bands.filter(code="moderate").update(min_score=8)
    draft.publish()
    new = Submission.create_from_answers(version=phq9(), answers=answers, language="zh-hans")

    old = Submission.objects.get(pk=old.pk)
    assert (old.version.number, old.tier, old.band.code) == (1, "mild", "mild")
    assert old.rescore().tier == "mild"
    assert (new.version.number, new.tier) == (2, "moderate")


def test_the_list_shows_only_questionnaires_with_a_published_version(questionnaires):
    Questionnaire.objects.create(slug="draft-only", title="Draft")
    slugs = list(Questionnaire.objects.with_current_version().values_list("slug", flat=True))
    assert slugs == ["phq-9", "gad-7"]


@pytest.mark.parametrize(
    "weaken",
    [
        lambda draft: draft.rules.get(code="self_harm").delete(),
        lambda draft: draft.rules.filter(code="self_harm").update(min_value=2),
        lambda draft: draft.rules.filter(code="self_harm").update(crisis=False),
        lambda draft: draft.questions.filter(code="phq9_9").update(safety_item=False),
        lambda draft: draft.questions.get(code="phq9_9").delete(),
    ],
    ids=["rule deleted", "rule raised to 2", "rule not a crisis", "flag removed", "item removed"],
)
def test_a_draft_that_weakens_the_self_harm_rule_is_refused(questionnaires, weaken):
    # PHQ-9 item 9 above 0 is a crisis whatever the total; no later version may lose that.
    draft = draft_of(phq9(), 2)
    weaken(draft)
    with pytest.raises(ValidationError) as refused:
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    assert any("phq9_9" in message for message in refused.value.messages)
    assert phq9().number == 1
    crisis = phq9().score({f"phq9_{i}": int(i == 9) for i in range(1, 10)})
    assert (crisis.crisis, crisis.tier) == (True, "severe")


def test_the_shipped_phq9_marks_item9_as_the_self_harm_question(questionnaires):
    assert list(phq9().questions.filter(safety_item=True).values_list("code", flat=True)) == [
        "phq9_9"
    ]


def renamed_first_question_live(questionnaires) -> QuestionnaireVersion:
    """Version 2 of PHQ-9 goes live with its first question under a new code."""
    draft = phq9().new_draft()
    Question.objects.filter(version=draft, code="phq9_1").update(code="phq9_1b")
    draft.publish()
    return draft


def phq9_post(values, **extra) -> dict:
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)} | extra


def test_a_form_is_scored_against_the_version_it_showed(client, questionnaires):
    shown = client.get("/q/phq-9/").content.decode()
    assert 'name="version" value="1"' in shown
    renamed_first_question_live(questionnaires)
    response = client.post("/q/phq-9/", phq9_post((0,) * 8 + (2,), version="1"))
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert (submission.version.number, submission.crisis) == (1, True)


def test_the_api_scores_against_the_version_sent_and_names_an_unknown_one(api, questionnaires):
    renamed_first_question_live(questionnaires)
    url = "/api/v1/questionnaires/phq-9/submissions/"
    answers = phq9_post((0,) * 8 + (2,))
    kept = api.post(url, {"answers": answers, "version": 1}, format="json")
    assert kept.status_code == 201
    assert (kept.json()["questionnaire"]["version"], kept.json()["crisis"]) == (1, True)
    unknown = api.post(url, {"answers": answers, "version": 9}, format="json")
    assert unknown.status_code == 400
    # Named, and the self-harm answer brings the crisis help with the refusal.
    assert unknown.json()["version"] and unknown.json()["crisis"] is True
    # Without a version the live one scores, and its renamed question is named.
    current = api.post(url, {"answers": answers}, format="json")
    assert current.status_code == 400
    assert set(current.json()["answers"]) == {"phq9_1", "phq9_1b"}
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("number", ["9", "first", ["1", "1"]], ids=["unknown", "text", "twice"])
def test_the_form_refuses_a_version_as_the_api_does(client, questionnaires, number):
    # The same rule on both paths: an unknown version is refused, never scored against the
    # current questions (the form used to fall back to them without a word).
    numbers = number if isinstance(number, list) else [number]
    body = urlencode(list(phq9_post((0,) * 8 + (2,)).items()) + [("version", n) for n in numbers])
    response = client.post("/q/phq-9/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="changed"' in page
    # The answers come back on the current form, and the self-harm answer brings the help.
    assert re.search(r'name="phq9_9" value="2"[^>]*checked', page)
    assert 'class="crisis"' in page
    assert Submission.objects.count() == 0
    # Without the field the current version scores, as the API does.
    assert client.post("/q/phq-9/", phq9_post((0,) * 9)).status_code == 303


def test_a_returned_form_keeps_answers_beside_the_shared_questions_not_on_them(
    client, questionnaires
):
    # The questions are cached for the whole process: one person's answers must never stick
    # to them, or another person's form could come up with them ticked.
    response = client.post("/q/phq-9/", {"phq9_9": "3"})
    assert response.status_code == 400
    assert re.search(r'name="phq9_9" value="3"[^>]*checked', response.content.decode())
    for question in phq9().questions.all():
        assert "chosen" not in vars(question)
    fresh = client.get("/q/phq-9/").content.decode()
    assert not re.search(r"checked", fresh)


def test_unknown_slugs_are_not_remembered(api, questionnaires):
    for i in range(5):
        assert api.get(f"/api/v1/questionnaires/nope-{i}/").status_code == 404
    assert not [slug for slug in live._live_states if slug.startswith("nope-")]


def test_an_edited_questionnaire_replaces_its_cached_version(api, questionnaires):
    api.get("/api/v1/questionnaires/phq-9/")
    questionnaire = Questionnaire.objects.get(slug="phq-9")
    questionnaire.title = "情绪自测"
    questionnaire.save()
    api.get("/api/v1/questionnaires/phq-9/")
    version_id = phq9().pk
    assert len([key for key in live._published_versions if key[0] == version_id]) == 1


def test_a_new_questionnaire_with_phq9_item9_needs_its_self_harm_safeguard(questionnaires):
    # No live version to compare with: the LOINC code of item 9 alone asks for the safeguard.
    data = interchange.export_version(phq9())
    data["questionnaire"]["slug"] = "phq-9-elderly"
    data["rules"] = []
    for question in data["questions"]:
        question["safety_item"] = False
    draft = interchange.import_version(data)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        draft.publish()
    assert refused.value.messages == [
        "Question “phq9_9” has the LOINC code 44260-8 of PHQ-9 item 9 (thoughts of self-harm): "
        "mark it as a self-harm question, required, with a crisis rule."
    ]
    draft.questions.filter(code="phq9_9").update(safety_item=True)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    assert refused.value.messages == [
        "Self-harm question “phq9_9” needs a crisis rule that fires at answer value 1 or less."
    ]
    assert not QuestionnaireVersion.objects.filter(questionnaire__slug="phq-9-elderly").published()
