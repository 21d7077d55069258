"""Step-ups in the pure scoring table: which fire, what they carry, what stops publishing."""

import pytest
from django.utils import translation

from screening import definition_checks, scoring

VALUES = (0, 1, 2, 3)
ANXIETY = scoring.StepUpDef(
    code="anxiety", target="gad-7", min_sum=3, carries=(("q1", "gad7_1"), ("q2", "gad7_2"))
)
DEPRESSION = scoring.StepUpDef(
    code="depression", target="phq-9", min_sum=3, carries=(("q3", "phq9_1"), ("q4", "phq9_2"))
)
QUICK = scoring.Definition(
    questions=tuple(scoring.QuestionDef(code=f"q{i}", values=VALUES) for i in range(1, 5)),
    bands=(scoring.BandDef("all", 0, 12, "mild"),),
    step_ups=(ANXIETY, DEPRESSION),
)
PHQ9 = scoring.Definition(
    questions=(
        scoring.QuestionDef(code="phq9_1", values=VALUES),
        scoring.QuestionDef(code="phq9_2", values=(0, 1, 2)),
        scoring.QuestionDef(code="phq9_more", values=(), kind=scoring.TEXT, required=False),
    ),
    bands=(scoring.BandDef("all", 0, 5, "mild"),),
)


@pytest.fixture(autouse=True)
def _english_problems():
    with translation.override("en"):
        yield


def sheet(q1=0, q2=0, q3=0, q4=0) -> dict[str, int]:
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}


@pytest.mark.parametrize(
    ("answers", "fired"),
    [
        (sheet(), ()),
        (sheet(1, 1, 1, 1), ()),
        (sheet(2, 0, 0, 2), ()),  # 2 in each part: neither reaches 3
        (sheet(2, 1), ("anxiety",)),
        (sheet(0, 0, 3, 0), ("depression",)),
        (sheet(3, 3, 1, 2), ("anxiety", "depression")),
    ],
)
def test_a_step_up_fires_when_its_questions_add_up_to_the_minimum(answers, fired):
    assert scoring.score_answers(QUICK, answers).step_ups == fired


def test_every_sheet_fires_exactly_the_step_ups_whose_part_reaches_the_minimum():
    for a in VALUES:
        for b in VALUES:
            result = scoring.score_answers(QUICK, sheet(a, b, b, a))
            expected = ("anxiety", "depression") if a + b >= 3 else ()
            assert result.step_ups == expected


def test_a_definition_without_step_ups_fires_none():
    assert scoring.score_answers(PHQ9, {"phq9_1": 3, "phq9_2": 2}).step_ups == ()


def test_the_answers_are_carried_by_the_target_codes():
    carried = scoring.carried_answers(DEPRESSION, sheet(q3=2, q4=1), PHQ9)
    assert carried == {"phq9_1": 2, "phq9_2": 1}


def test_only_a_value_the_target_offers_is_carried():
    # phq9_2 offers 0..2 here: a 3 is left for the person to answer.
    assert scoring.carried_answers(DEPRESSION, sheet(q3=3, q4=3), PHQ9) == {"phq9_1": 3}


def test_nothing_is_carried_to_a_question_the_target_lacks_or_to_free_text():
    step_up = scoring.StepUpDef("x", "phq-9", 1, (("q1", "phq9_9"), ("q2", "phq9_more")))
    assert scoring.carried_answers(step_up, sheet(1, 1), PHQ9) == {}


def test_a_missing_or_unreadable_answer_is_not_carried():
    assert scoring.carried_answers(DEPRESSION, {"q3": "2", "q4": True}, PHQ9) == {}


def test_a_sound_step_up_passes_the_publish_checks():
    assert definition_checks.definition_problems(QUICK) == []


@pytest.mark.parametrize(
    ("step_up", "problem"),
    [
        (
            scoring.StepUpDef("x", "phq-9", 3, (("nope", "phq9_1"),)),
            "Step-up “x” carries “nope”, which is no choice question of this version.",
        ),
        (
            scoring.StepUpDef("x", "phq-9", 0, (("q1", "phq9_1"), ("q2", "phq9_2"))),
            "Step-up “x” needs a minimum sum above 0 and at most 6, what its questions can add "
            "up to.",
        ),
        (
            scoring.StepUpDef("x", "phq-9", 7, (("q1", "phq9_1"), ("q2", "phq9_2"))),
            "Step-up “x” needs a minimum sum above 0 and at most 6, what its questions can add "
            "up to.",
        ),
        (
            scoring.StepUpDef("x", "phq-9", 3, (("q1", "phq9_1"), ("q1", "phq9_2"))),
            "Step-up “x” carries a question more than once, or two questions to the same "
            "question of its target.",
        ),
        (
            scoring.StepUpDef("x", "phq-9", 3, (("q1", "phq9_1"), ("q2", "phq9_1"))),
            "Step-up “x” carries a question more than once, or two questions to the same "
            "question of its target.",
        ),
    ],
)
def test_a_step_up_that_cannot_work_stops_publishing(step_up, problem):
    definition = scoring.Definition(QUICK.questions, QUICK.bands, step_ups=(step_up,))
    assert definition_checks.definition_problems(definition) == [problem]


def test_two_step_ups_may_not_share_a_code():
    definition = scoring.Definition(QUICK.questions, QUICK.bands, step_ups=(ANXIETY, ANXIETY))
    assert definition_checks.definition_problems(definition) == [
        "Step-up code “anxiety” is used more than once."
    ]
