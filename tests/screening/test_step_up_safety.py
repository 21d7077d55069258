"""A step-up never carries an answer into a question the target must ask itself: its self-harm
question or one a crisis rule reads. Refused at publishing, and skipped when carrying in case the
target's live version made a carried question one of those since."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from screening import definition_checks, scoring
from screening.models import ItemRule, Question, QuestionnaireVersion, StepUp, Submission
from tests.screening.test_step_up import quick_check

pytestmark = pytest.mark.django_db


def phq4() -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.with_definition().get(questionnaire__slug="phq-4", number=1)


def test_a_step_up_into_the_self_harm_question_stops_publishing(more_questionnaires):
    draft = phq4().new_draft()
    StepUp.objects.filter(version=draft, carries_to="phq9_2").update(carries_to="phq9_9")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    assert refused.value.messages == [
        "Step-up “depression” carries to “phq9_9”, the self-harm question of “PHQ-9 depression "
        "screen” or one its crisis rules read: that question must be asked there, not carried "
        "over."
    ]
    assert QuestionnaireVersion.objects.get(pk=draft.pk).published_at is None
    with translation.override("zh-hans"):
        (problem,) = QuestionnaireVersion.objects.get(pk=draft.pk).problems()
    assert "“depression”" in problem and "“phq9_9”" in problem and "必须在那里询问" in problem


QUESTIONS = (
    scoring.QuestionDef("low", (0, 1, 2, 3)),
    scoring.QuestionDef("hopeless", (0, 1, 2, 3)),
    scoring.QuestionDef("harm", (0, 1, 2, 3), safety=True),
)
TARGET = scoring.Definition(
    questions=QUESTIONS,
    bands=(),
    rules=(
        scoring.RuleDef("hopeless", "hopeless", 2, crisis=True),
        scoring.RuleDef("low_flag", "low", 3, crisis=False),
    ),
)


def test_the_pure_check_names_each_question_read_by_a_crisis_rule_or_self_harm():
    assert TARGET.never_carried == {"hopeless", "harm"}
    with translation.override("en"):
        found = definition_checks.carried_into_asked_problems(
            "mood", ["low", "hopeless", "harm"], TARGET, "Mood"
        )
    assert [p.split("”")[1] for p in found] == [" carries to “hopeless", " carries to “harm"]
    assert definition_checks.carried_into_asked_problems("mood", ["low"], TARGET, "Mood") == []


def test_carrying_skips_the_questions_the_target_must_ask():
    step_up = scoring.StepUpDef(
        "mood", "target", 3, (("a", "low"), ("b", "hopeless"), ("c", "harm"))
    )
    assert scoring.carried_answers(step_up, {"a": 1, "b": 2, "c": 3}, TARGET) == {"low": 1}


@pytest.fixture
def phq9_item1_made_a_crisis_question(more_questionnaires):
    """A PHQ-9 version published after PHQ-4's, whose item 1 (carried from the quick check)
    gained a crisis rule: PHQ-4's step-up was checked against the version before."""
    live = QuestionnaireVersion.objects.current_for("phq-9")
    draft = live.new_draft()
    item1 = Question.objects.get(version=draft, code="phq9_1")
    ItemRule.objects.create(version=draft, code="low_mood_crisis", question=item1, min_value=3)
    QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    return QuestionnaireVersion.objects.current_for("phq-9")


def test_a_target_changed_since_never_has_its_crisis_question_carried(
    client, demo_data, phq9_item1_made_a_crisis_question
):
    version = phq9_item1_made_a_crisis_question
    earlier = quick_check(client, 0, 0, 3, 1)
    assert earlier.carried_to(version) == {"phq9_2": 1}
    (offer,) = earlier.step_up_offers()
    assert offer.carried == {"phq9_2": 1}
    # The form asks item 1 again and does not take it from the quick check.
    page = client.get(f"/q/phq-9/?after={earlier.token}").content.decode()
    assert 'name="phq9_1" value="3"' in page and 'name="phq9_2" value="1"' not in page
    rest = {f"phq9_{i}": "0" for i in range(3, 11)}
    before = Submission.objects.count()
    response = client.post("/q/phq-9/", {**rest, "after": earlier.token})
    assert response.status_code == 400, "item 1 must be answered here"
    assert Submission.objects.count() == before
    response = client.post("/q/phq-9/", {**rest, "phq9_1": "3", "after": earlier.token})
    later = Submission.objects.get(token=response["Location"].split("/")[2])
    assert later.answers["phq9_1"] == 3 and later.answers["phq9_2"] == 1
    assert later.crisis and "low_mood_crisis" in later.triggered_rules
    # And the PHQ-4 step-up as published is now refused at its next publishing.
    draft = phq4().new_draft()
    with pytest.raises(ValidationError, match="phq9_1"):
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
