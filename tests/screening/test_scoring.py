"""The scoring engine against the published PHQ-9 and GAD-7 cut-offs, without the database."""

import dataclasses
import itertools

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from screening import definition_checks, scoring
from tests.screening.definitions import fixture_definition


@pytest.fixture(autouse=True)
def _english_problems():
    # Problems are translated for clinicians; these tests read the English source texts.
    with translation.override("en"):
        yield


PHQ9 = fixture_definition("phq-9")
GAD7 = fixture_definition("gad-7")

# Published cut-offs, written out independently of the fixture (Kroenke 2001; Spitzer 2006).
PHQ9_BANDS = [
    (0, 4, "minimal", "mild"),
    (5, 9, "mild", "mild"),
    (10, 14, "moderate", "moderate"),
    (15, 19, "moderately_severe", "severe"),
    (20, 27, "severe", "severe"),
]
GAD7_BANDS = [
    (0, 4, "minimal", "mild"),
    (5, 9, "mild", "mild"),
    (10, 14, "moderate", "moderate"),
    (15, 21, "severe", "severe"),
]


def expected_band(bands, total):
    return next((code, tier) for lo, hi, code, tier in bands if lo <= total <= hi)


def phq9_answers(total: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` with item 9 fixed, filling items 1..8 in order."""
    answers = {f"phq9_{i}": 0 for i in range(1, 10)}
    answers["phq9_9"] = item9
    remaining = total - item9
    for i in range(1, 9):
        answers[f"phq9_{i}"] = min(3, remaining)
        remaining -= answers[f"phq9_{i}"]
    assert remaining == 0, "total not reachable"
    return answers


def gad7_answers(total: int) -> dict[str, int]:
    answers = {}
    remaining = total
    for i in range(1, 8):
        answers[f"gad7_{i}"] = min(3, remaining)
        remaining -= answers[f"gad7_{i}"]
    return answers


def test_the_fixtures_pass_their_own_validation():
    assert definition_checks.definition_problems(PHQ9) == []
    assert definition_checks.definition_problems(GAD7) == []
    assert PHQ9.max_score == 27
    assert GAD7.max_score == 21


@pytest.mark.parametrize("lo, hi, band, tier", PHQ9_BANDS)
def test_phq9_every_band_boundary(lo, hi, band, tier):
    for total in (lo, hi):
        # Items 1-8 reach 24 at most; above that item 9 must carry the rest (and is a crisis).
        item9 = max(0, total - 24)
        result = scoring.score_answers(PHQ9, phq9_answers(total, item9=item9))
        assert (result.total, result.band_code, result.tier) == (total, band, tier)
        assert result.crisis is (item9 > 0)
        assert result.max_score == 27


@pytest.mark.parametrize("lo, hi, band, tier", GAD7_BANDS)
def test_gad7_every_band_boundary(lo, hi, band, tier):
    for total in (lo, hi):
        result = scoring.score_answers(GAD7, gad7_answers(total))
        assert (result.total, result.band_code, result.tier) == (total, band, tier)
        assert result.crisis is False
        assert result.max_score == 21


def test_gad7_exhaustively_every_combination_of_answers():
    for values in itertools.product(range(4), repeat=7):
        answers = {f"gad7_{i}": v for i, v in enumerate(values, 1)}
        result = scoring.score_answers(GAD7, answers)
        assert result.total == sum(values)
        assert (result.band_code, result.tier) == expected_band(GAD7_BANDS, sum(values))
        assert result.crisis is False


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_is_a_crisis_at_the_lowest_total(item9):
    result = scoring.score_answers(PHQ9, phq9_answers(item9, item9=item9))
    assert result.total == item9
    assert result.band_code == "minimal"
    assert result.crisis is True
    assert result.tier == "severe"
    assert result.triggered_rules == ("self_harm",)


def test_phq9_item9_zero_at_top_total_is_severe_but_not_crisis():
    result = scoring.score_answers(PHQ9, phq9_answers(24, item9=0))
    assert (result.band_code, result.tier, result.crisis) == ("severe", "severe", False)


@given(values=st.lists(st.integers(0, 3), min_size=9, max_size=9), difficulty=st.integers(0, 3))
def test_phq9_any_answers_match_the_published_scoring(values, difficulty):
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    answers["phq9_10"] = difficulty
    result = scoring.score_answers(PHQ9, answers)
    band, tier = expected_band(PHQ9_BANDS, sum(values))
    assert result.total == sum(values), "the difficulty question is never scored"
    assert result.band_code == band
    assert result.crisis is (values[8] >= 1)
    assert result.tier == ("severe" if values[8] >= 1 else tier)


def test_phq9_difficulty_question_is_optional_and_unscored():
    answers = phq9_answers(6)
    assert scoring.score_answers(PHQ9, answers).total == 6
    assert scoring.score_answers(PHQ9, {**answers, "phq9_10": 3}).total == 6
    assert scoring.score_answers(PHQ9, {**answers, "phq9_10": None}).total == 6


@pytest.mark.parametrize(
    "bad, code",
    [
        ("1", "not_integer"),
        (1.0, "not_integer"),
        (True, "not_integer"),
        (False, "not_integer"),
        (None, "not_integer"),
        ([1], "not_integer"),
        (4, "invalid_choice"),
        (-1, "invalid_choice"),
    ],
)
def test_invalid_values_are_named_by_question(bad, code):
    answers = {**phq9_answers(0), "phq9_3": bad}
    with pytest.raises(scoring.InvalidAnswers) as raised:
        scoring.score_answers(PHQ9, answers)
    assert raised.value.errors == {"phq9_3": code}


def test_missing_and_unknown_questions_are_all_reported_at_once():
    answers = phq9_answers(0)
    del answers["phq9_1"]
    del answers["phq9_9"]
    answers["phq9_99"] = 1
    with pytest.raises(scoring.InvalidAnswers) as raised:
        scoring.score_answers(PHQ9, answers)
    assert raised.value.errors == {
        "phq9_1": "required",
        "phq9_9": "required",
        "phq9_99": "unknown_question",
    }


@pytest.mark.parametrize(
    "item9, crisis",
    [(0, False), (1, True), (3, True), (None, False), ("", False), ("2", True), (" 1", True)]
    + [("0", False), (0.0, False), (" ０ ", False), ([0, "0"], False), ([], False)]
    + [(2.0, True), ("２", True), (" １ ", True)]
    # Anything else on a self-harm question may mean risk: err towards help.
    + [(4, True), (99, True), (-1, True), ("x", True), ("²", True), ("②", True), (2.5, True)]
    + [("１２", True), (True, True), (False, True), ("是", True), ([1], True), ([0, 2], True)]
    + [({"value": 0}, True)],
)
def test_invalid_answers_say_whether_they_may_show_a_crisis(item9, crisis):
    answers = {"phq9_9": item9, "phq9_2": 2}
    with pytest.raises(scoring.InvalidAnswers) as raised:
        scoring.score_answers(PHQ9, answers)
    assert "phq9_1" in raised.value.errors
    assert raised.value.crisis is crisis
    # A rule that is no crisis rule fires without making one, and only a self-harm question's
    # odd answers are read as risk.
    calm = dataclasses.replace(
        PHQ9,
        rules=tuple(dataclasses.replace(rule, crisis=False) for rule in PHQ9.rules),
        questions=tuple(dataclasses.replace(q, safety=False) for q in PHQ9.questions),
    )
    with pytest.raises(scoring.InvalidAnswers) as raised:
        scoring.score_answers(calm, answers)
    assert raised.value.crisis is False


def _definition(bands, values=(0, 1, 2, 3), n=2, rules=()):
    return scoring.Definition(
        questions=tuple(scoring.QuestionDef(code=f"q{i}", values=values) for i in range(n)),
        bands=tuple(scoring.BandDef(code, lo, hi, tier) for code, lo, hi, tier in bands),
        rules=tuple(rules),
    )


def test_bands_with_a_gap_are_refused():
    problems = definition_checks.definition_problems(
        _definition([("a", 0, 2, "mild"), ("b", 4, 6, "severe")])
    )
    assert any("3" in p and "No band covers" in p for p in problems), problems


def test_overlapping_bands_are_refused():
    problems = definition_checks.definition_problems(
        _definition([("a", 0, 3, "mild"), ("b", 3, 6, "severe")])
    )
    assert any("overlaps" in p for p in problems), problems


def test_bands_that_stop_short_of_the_maximum_are_refused():
    problems = definition_checks.definition_problems(_definition([("a", 0, 5, "mild")]))
    assert problems == ["No band covers scores 6 to 6."]


def test_bands_beyond_the_maximum_are_refused():
    problems = definition_checks.definition_problems(_definition([("a", 0, 9, "mild")]))
    assert any("beyond the maximum" in p for p in problems), problems


def test_bands_not_starting_at_zero_are_refused():
    problems = definition_checks.definition_problems(_definition([("a", 1, 6, "mild")]))
    assert problems == ["No band covers scores 0 to 0."]


def test_repeated_option_values_and_empty_questions_are_refused():
    definition = scoring.Definition(
        questions=(
            scoring.QuestionDef(code="q0", values=(0, 1, 1)),
            scoring.QuestionDef(code="q1", values=()),
        ),
        bands=(scoring.BandDef("a", 0, 1, "mild"),),
    )
    problems = definition_checks.definition_problems(definition)
    assert any("repeated option values" in p for p in problems)
    assert any("no options" in p for p in problems)


def test_rules_must_point_at_a_real_question_and_a_reachable_value():
    definition = _definition(
        [("a", 0, 6, "mild")],
        rules=[scoring.RuleDef("x", "nope", 1), scoring.RuleDef("y", "q0", 4)],
    )
    problems = definition_checks.definition_problems(definition)
    assert any("unknown question" in p for p in problems)
    assert any("never fire" in p for p in problems)


def test_a_lowered_cutoff_moves_the_tier():
    # Clinicians may lower the moderate cut-off to 8 for rural elderly (Liu et al. 2016).
    definition = _definition(
        [("low", 0, 7, "mild"), ("mid", 8, 14, "moderate"), ("high", 15, 27, "severe")],
        n=9,
    )
    assert definition_checks.definition_problems(definition) == []
    answers = {f"q{i}": v for i, v in enumerate([3, 3, 2, 0, 0, 0, 0, 0, 0])}
    assert scoring.score_answers(definition, answers).tier == "moderate"


def test_a_non_crisis_rule_fires_without_forcing_severe():
    definition = _definition(
        [("a", 0, 6, "mild")], rules=[scoring.RuleDef("watch", "q0", 2, crisis=False)]
    )
    result = scoring.score_answers(definition, {"q0": 2, "q1": 0})
    assert result.triggered_rules == ("watch",)
    assert (result.crisis, result.tier) == (False, "mild")


def test_a_self_harm_question_needs_a_crisis_rule_at_its_first_answer_above_zero():
    def with_rules(*rules):
        definition = _definition([("a", 0, 6, "mild")], rules=list(rules))
        questions = tuple(
            scoring.QuestionDef(q.code, q.values, safety=q.code == "q0")
            for q in definition.questions
        )
        return scoring.Definition(questions, definition.bands, definition.rules)

    assert (
        definition_checks.definition_problems(with_rules(scoring.RuleDef("self_harm", "q0", 1)))
        == []
    )
    for rules in [
        (),
        (scoring.RuleDef("late", "q0", 2),),
        (scoring.RuleDef("soft", "q0", 1, crisis=False),),
        (scoring.RuleDef("elsewhere", "q1", 1),),
    ]:
        problems = definition_checks.definition_problems(with_rules(*rules))
        assert any("Self-harm question “q0”" in p for p in problems), rules


def test_a_self_harm_question_must_be_required():
    # Skipping it would fire no rule, so the crisis would go unseen.
    optional = tuple(
        dataclasses.replace(q, required=False) if q.code == "phq9_9" else q for q in PHQ9.questions
    )
    definition = scoring.Definition(optional, PHQ9.bands, PHQ9.rules)
    assert definition_checks.definition_problems(definition) == [
        "Self-harm question “phq9_9” must be required."
    ]
    assert definition_checks.definition_problems(PHQ9) == []


def test_the_shipped_phq9_passes_the_self_harm_check_only_with_its_rule():
    assert PHQ9.question("phq9_9").safety
    without_rule = scoring.Definition(PHQ9.questions, PHQ9.bands, rules=())
    assert any("phq9_9" in p for p in definition_checks.definition_problems(without_rule))


def test_a_self_harm_question_needs_more_than_one_option():
    # One answer ("not at all") leaves nobody a way to report risk, and no rule could ever fire.
    questions = tuple(
        dataclasses.replace(q, values=(0,)) if q.code == "phq9_9" else q for q in PHQ9.questions
    )
    bands = tuple(
        dataclasses.replace(b, max_score=24) if b.code == "severe" else b for b in PHQ9.bands
    )
    definition = scoring.Definition(questions, bands, rules=())
    assert definition_checks.definition_problems(definition) == [
        "Self-harm question “phq9_9” needs at least two options: the lowest and an answer above "
        "it for its crisis rule."
    ]


def test_tiers_must_not_go_down_as_scores_rise():
    upside_down = _definition(
        [("low", 0, 2, "severe"), ("mid", 3, 4, "moderate"), ("high", 5, 6, "mild")]
    )
    assert definition_checks.definition_problems(upside_down) == [
        "Band “mid” has a lower tier than band “low” below it: tiers must not go down as scores "
        "rise (mild, then moderate, then severe).",
        "Band “high” has a lower tier than band “mid” below it: tiers must not go down as scores "
        "rise (mild, then moderate, then severe).",
    ]
    # Equal tiers side by side are fine, as in the shipped PHQ-9 (minimal and mild are both mild).
    level = _definition([("a", 0, 2, "mild"), ("b", 3, 4, "mild"), ("c", 5, 6, "severe")])
    assert definition_checks.definition_problems(level) == []


@pytest.mark.parametrize("min_value", [0, -1])
def test_a_rule_that_fires_on_every_answer_is_refused(min_value):
    # A crisis rule at or below "not at all" would make everyone a crisis.
    rules = tuple(dataclasses.replace(r, min_value=min_value) for r in PHQ9.rules)
    definition = scoring.Definition(PHQ9.questions, PHQ9.bands, rules)
    assert definition_checks.definition_problems(definition) == [
        "Rule “self_harm” fires on every answer to question “phq9_9”, even the lowest (0): it "
        "must start above the lowest answer."
    ]
