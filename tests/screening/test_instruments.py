"""The shipped GDS-15, EPDS, PHQ-A and PHQ-4 score as their authors published them.

Every expectation here is written from the published scoring (REFERENCE.md: Sheikh & Yesavage
1986 for the GDS-15, Cox, Holden & Sagovsky 1987 for the EPDS, Johnson et al. 2002 for the PHQ-A,
Kroenke et al. 2009 for the PHQ-4), not read from the fixture: an answer is the option a person
picks (by its place on the sheet), and the engine must turn it into the published points, total,
band and tier.
"""

import pytest

from screening.models import QuestionnaireVersion, Submission
from screening.scoring import InvalidAnswers
from tests.screening.pdf_sheets import get_pdf, page_count

pytestmark = pytest.mark.django_db

# GDS-15: one point for "no" to these items, for "yes" to the other ten.
GDS_POINT_ON_NO = {1, 5, 7, 11, 13}
# Published bands: 0–4 normal, 5–8 mild, 9–11 moderate, 12–15 severe.
GDS_BANDS = [(0, 4, "normal", "mild"), (5, 8, "mild", "mild"), (9, 11, "moderate", "moderate")]
GDS_BANDS += [(12, 15, "severe", "severe")]
# EPDS: items 1, 2 and 4 score 0–3 from the top option down; items 3 and 5–10 score 3–0.
EPDS_TOP_DOWN = {1, 2, 4}
# ≥ 10 possible depression, ≥ 13 probable; the tiers this service gives them.
EPDS_BANDS = [(0, 9, "low", "mild"), (10, 12, "possible", "moderate")]
EPDS_BANDS += [(13, 30, "probable", "severe")]


def live(slug):
    return QuestionnaireVersion.objects.current_for(slug)


def picked(version, positions: dict[str, int]) -> dict[str, int]:
    """The answers of someone who picked, for each question code, the option at that place
    (0 the first on the sheet), as the page posts them: that option's score value."""
    answers = {}
    for question in version.questions.prefetch_related("options"):
        if question.code in positions:
            options = list(question.options.all())
            answers[question.code] = options[positions[question.code]].value
    return answers


def gds_sheet(yes: set[int]) -> dict[str, int]:
    """A GDS-15 sheet answered "yes" to the items in ``yes`` and "no" to the rest."""
    # Yes-or-no questions: "yes" comes first, "no" second, for every item.
    return {f"gds15_{i}": YES if i in yes else NO for i in range(1, 16)}


YES, NO = 0, 1  # the places of the answers of a yes-or-no question


def gds_points(yes: set[int]) -> int:
    """The published GDS-15 total of that sheet."""
    return sum(1 for i in range(1, 16) if (i in GDS_POINT_ON_NO) != (i in yes))


def band_of(bands, total):
    return next((code, tier) for lo, hi, code, tier in bands if lo <= total <= hi)


SOME = {"epds_1": 2, "epds_2": 2, "epds_3": 1, "epds_8": 1, "epds_9": 2}


def epds_well() -> dict[str, int]:
    """The places of the lowest-scoring answer to each EPDS item."""
    return {f"epds_{i}": 0 if i in EPDS_TOP_DOWN else 3 for i in range(1, 11)}


def test_the_shipped_instruments_pass_their_publish_checks(more_questionnaires):
    for slug in ("gds-15", "epds", "phq-a", "phq-4"):
        assert live(slug).problems() == [], slug


@pytest.mark.parametrize(
    ("yes", "total", "band", "tier"),
    [
        (set(), 5, "mild", "mild"),  # "no" throughout: the five reversed items score
        (set(range(1, 16)), 10, "moderate", "moderate"),  # "yes" throughout
        (GDS_POINT_ON_NO, 0, "normal", "mild"),  # content and well
        (set(range(1, 16)) - GDS_POINT_ON_NO, 15, "severe", "severe"),  # every point
        ({1, 2, 3, 4, 5, 7, 11, 13}, 3, "normal", "mild"),
        ({2, 3, 4, 6, 8}, 10, "moderate", "moderate"),
        ({2, 3, 4, 6, 8, 9, 10}, 12, "severe", "severe"),
    ],
    ids=["all no", "all yes", "none", "all", "three", "ten", "twelve"],
)
def test_gds15_reference_sheets(more_questionnaires, yes, total, band, tier):
    version = live("gds-15")
    submission = Submission.create_from_answers(
        version=version, answers=picked(version, gds_sheet(yes)), language="zh-hans"
    )
    assert submission.total_score == gds_points(yes) == total
    assert (submission.band.code, submission.tier) == (band, tier)
    assert submission.max_score == 15
    assert not submission.crisis


@pytest.mark.parametrize("item", range(1, 16))
def test_gds15_each_item_scores_its_published_answer(more_questionnaires, item):
    version = live("gds-15")
    content = GDS_POINT_ON_NO  # the sheet that scores 0
    flipped = content ^ {item}
    assert version.score(picked(version, gds_sheet(content))).total == 0
    result = version.score(picked(version, gds_sheet(flipped)))
    assert result.total == 1
    answer = "no" if item in GDS_POINT_ON_NO else "yes"
    label = version.questions.get(code=f"gds15_{item}").options.get(value=1).label_en
    assert label.lower() == answer


@pytest.mark.parametrize("total", range(16))
def test_gds15_every_total_falls_in_its_published_band(more_questionnaires, total):
    version = live("gds-15")
    # Take points one item at a time, in item order, from the sheet that scores 0.
    flipped = set(range(1, total + 1))
    yes = GDS_POINT_ON_NO ^ flipped
    assert gds_points(yes) == total
    result = version.score(picked(version, gds_sheet(yes)))
    assert (result.total, (result.band_code, result.tier)) == (total, band_of(GDS_BANDS, total))


@pytest.mark.parametrize(
    ("positions", "total", "band", "tier", "crisis"),
    [
        ({}, 0, "low", "mild", False),
        # The first option throughout: 0 on items 1, 2, 4; 3 on the seven others (item 10 too).
        ({f"epds_{i}": 0 for i in range(1, 11)}, 21, "probable", "severe", True),
        # The last option throughout: 3 on items 1, 2, 4; 0 on the others.
        ({f"epds_{i}": 3 for i in range(1, 11)}, 9, "low", "mild", False),
        # The second option throughout: 1 on items 1, 2, 4; 2 on the others, item 10 "sometimes".
        ({f"epds_{i}": 1 for i in range(1, 11)}, 17, "probable", "severe", True),
        # Laughing and looking forward "definitely less", blaming oneself sometimes, sad quite
        # often, crying only occasionally; then a little more, step by step.
        (SOME, 9, "low", "mild", False),
        (SOME | {"epds_9": 1}, 10, "possible", "moderate", False),
        (SOME | {"epds_1": 3, "epds_9": 1}, 11, "possible", "moderate", False),
        (
            SOME | {"epds_1": 3, "epds_2": 3, "epds_3": 0, "epds_9": 1},
            13,
            "probable",
            "severe",
            False,
        ),
        # Nothing else, but "hardly ever" to the thought of harming oneself: a crisis, and a
        # crisis is the severe tier whatever the band.
        ({"epds_10": 2}, 1, "low", "severe", True),
    ],
    ids=["well", "first", "last", "second", "9", "10", "11", "13", "item 10 hardly ever"],
)
def test_epds_reference_sheets(more_questionnaires, positions, total, band, tier, crisis):
    version = live("epds")
    submission = Submission.create_from_answers(
        version=version,
        answers=picked(version, epds_well() | positions),
        language="zh-hans",
    )
    assert submission.total_score == total
    assert (submission.band.code, submission.tier) == (band, tier)
    assert submission.crisis is crisis
    assert ("self_harm" in submission.triggered_rules) is crisis
    assert submission.max_score == 30


@pytest.mark.parametrize("item", range(1, 11))
def test_epds_each_item_scores_its_published_direction(more_questionnaires, item):
    version = live("epds")
    for place in range(4):
        points = place if item in EPDS_TOP_DOWN else 3 - place
        result = version.score(picked(version, epds_well() | {f"epds_{item}": place}))
        assert result.total == points, f"item {item}, option {place + 1}"


@pytest.mark.parametrize("total", range(31))
def test_epds_every_total_falls_in_its_published_band(more_questionnaires, total):
    version = live("epds")
    # Items 1–9 only, the worst answer item by item, the remainder on the next item.
    positions = epds_well()
    left = total
    for i in range(1, 10):
        points = min(left, 3)
        left -= points
        positions[f"epds_{i}"] = points if i in EPDS_TOP_DOWN else 3 - points
    if left:  # 28–30 need item 10 as well
        positions["epds_10"] = 3 - left
    result = version.score(picked(version, positions))
    assert (result.total, (result.band_code, result.tier)) == (total, band_of(EPDS_BANDS, total))
    assert result.crisis is (left > 0)


@pytest.mark.parametrize(("place", "crisis"), [(0, True), (1, True), (2, True), (3, False)])
def test_epds_item10_above_never_is_a_crisis_whatever_the_total(more_questionnaires, place, crisis):
    version = live("epds")
    result = version.score(picked(version, epds_well() | {"epds_10": place}))
    assert result.crisis is crisis
    assert result.total == 3 - place
    assert result.tier == ("severe" if crisis else "mild")


@pytest.mark.parametrize("slug", ["gds-15", "epds", "phq-a", "phq-4"])
def test_the_self_tests_open_in_both_languages(more_questionnaires, client, slug):
    version = live(slug)
    first = version.questions.first()
    chinese = client.get(f"/q/{slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get(f"/q/{slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 200
    assert first.text_zh_hans in chinese.content.decode()
    assert first.text_en in english.content.decode()


# PHQ-4: GAD-2 then PHQ-2, 0–3 each; 0–2 normal, 3–5 mild, 6–8 moderate, 9–12 severe.
PHQ4_BANDS = [(0, 2, "normal", "mild"), (3, 5, "mild", "mild"), (6, 8, "moderate", "moderate")]
PHQ4_BANDS += [(9, 12, "severe", "severe")]
# PHQ-A: the PHQ-9's bands on items 1–9; items 10–13 are not scored.
PHQ9_BANDS = [(0, 4, "minimal", "mild"), (5, 9, "mild", "mild"), (10, 14, "moderate", "moderate")]
PHQ9_BANDS += [(15, 19, "moderately_severe", "severe"), (20, 27, "severe", "severe")]


def test_phq4_asks_the_gad2_first_then_the_phq2(more_questionnaires):
    texts = [q.text_en for q in live("phq-4").questions.all() if not q.is_text]
    assert texts == [
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
    ]


@pytest.mark.parametrize(
    ("places", "total"),
    [
        ((0, 0, 0, 0), 0),
        ((1, 1, 0, 0), 2),
        ((1, 1, 1, 0), 3),
        ((2, 2, 1, 0), 5),
        ((2, 2, 1, 1), 6),
        ((3, 3, 2, 0), 8),
        ((0, 3, 3, 3), 9),
        ((3, 3, 3, 3), 12),
    ],
)
def test_phq4_reference_sheets(more_questionnaires, places, total):
    version = live("phq-4")
    positions = {f"phq4_{i}": place for i, place in enumerate(places, 1)}
    submission = Submission.create_from_answers(
        version=version, answers=picked(version, positions), language="zh-hans"
    )
    assert submission.total_score == total
    assert (submission.band.code, submission.tier) == band_of(PHQ4_BANDS, total)
    assert submission.max_score == 12
    assert not submission.crisis


@pytest.mark.parametrize("total", range(13))
def test_phq4_every_total_falls_in_its_published_band(more_questionnaires, total):
    version = live("phq-4")
    positions = {f"phq4_{i}": max(0, min(3, total - 3 * (i - 1))) for i in range(1, 5)}
    result = version.score(picked(version, positions))
    assert (result.total, (result.band_code, result.tier)) == (total, band_of(PHQ4_BANDS, total))


def phqa_sheet(items: list[int], *, past_year=0, difficulty=0, thoughts=0, attempt=0):
    """A PHQ-A sheet: the places picked on items 1–9, then the four unscored questions (for
    the yes-or-no items 10, 12 and 13: 0 "no", 1 "yes")."""
    positions = {f"phqa_{i}": place for i, place in enumerate(items, 1)}
    return positions | {
        "phqa_10": YES if past_year else NO,
        "phqa_11": difficulty,
        "phqa_12": YES if thoughts else NO,
        "phqa_13": YES if attempt else NO,
    }


@pytest.mark.parametrize(
    ("items", "extra", "total", "crisis"),
    [
        ([0] * 9, {}, 0, False),
        ([1] * 8 + [0], {}, 8, False),
        ([2, 2, 1, 1, 1, 1, 1, 1, 0], {}, 10, False),
        ([2] * 7 + [1, 0], {}, 15, False),
        ([3] * 8 + [0], {}, 24, False),
        ([3] * 9, {}, 27, True),
        # The past year and how hard things have been are asked, not scored.
        ([1] * 4 + [0] * 5, {"past_year": 1, "difficulty": 3}, 4, False),
        # Any answer above "not at all" to item 9: a crisis at the lowest total.
        ([0] * 8 + [1], {}, 1, True),
        # Serious thoughts of ending one's life in the past month, or an attempt ever.
        ([0] * 9, {"thoughts": 1}, 0, True),
        ([0] * 9, {"attempt": 1}, 0, True),
    ],
    ids=["none", "8", "10", "15", "24", "27", "unscored", "item 9", "item 12", "item 13"],
)
def test_phqa_reference_sheets(more_questionnaires, items, extra, total, crisis):
    version = live("phq-a")
    submission = Submission.create_from_answers(
        version=version, answers=picked(version, phqa_sheet(items, **extra)), language="zh-hans"
    )
    band, tier = band_of(PHQ9_BANDS, total)
    assert submission.total_score == total
    assert submission.band.code == band
    assert submission.tier == ("severe" if crisis else tier)
    assert submission.crisis is crisis
    assert submission.max_score == 27


def test_phqa_safety_questions_must_be_answered(more_questionnaires):
    version = live("phq-a")
    answers = picked(version, phqa_sheet([0] * 9))
    for code in ("phqa_9", "phqa_12", "phqa_13"):
        with pytest.raises(InvalidAnswers) as refused:
            version.score({k: v for k, v in answers.items() if k != code})
        assert refused.value.errors == {code: "required"}


@pytest.mark.parametrize(
    ("slug", "sheet"),
    [
        ("epds", lambda v: picked(v, epds_well() | {"epds_10": 2})),
        ("phq-a", lambda v: picked(v, phqa_sheet([0] * 9, thoughts=1))),
        ("phq-a", lambda v: picked(v, phqa_sheet([0] * 9, attempt=1))),
    ],
    ids=["epds item 10 hardly ever", "phq-a item 12 yes", "phq-a item 13 yes"],
)
def test_a_crisis_answer_on_the_form_leads_with_the_hotlines(client, demo_data, slug, sheet):
    form = {code: str(value) for code, value in sheet(live(slug)).items()}
    page = client.post(f"/q/{slug}/", form, follow=True).content.decode()
    main = page.split('<main id="main">')[1]
    assert main.index('class="crisis"') < main.index('class="result"')
    crisis = main.split('class="crisis"')[1].split("</section>")[0]
    assert 'href="tel:12356"' in crisis
    assert Submission.objects.get().crisis


@pytest.mark.parametrize(
    ("slug", "sheet"),
    [
        ("gds-15", lambda v: picked(v, gds_sheet(set(range(1, 16)) - GDS_POINT_ON_NO))),
        ("epds", lambda v: picked(v, {f"epds_{i}": 0 for i in range(1, 11)})),
        ("phq-a", lambda v: picked(v, phqa_sheet([3] * 9, thoughts=1, attempt=1))),
        ("phq-4", lambda v: picked(v, {f"phq4_{i}": 3 for i in range(1, 5)})),
    ],
)
def test_a_result_sheet_prints_on_one_page(client, demo_data, tmp_path, slug, sheet):
    form = {code: str(value) for code, value in sheet(live(slug)).items()}
    client.post(f"/q/{slug}/", form)
    token = Submission.objects.get().token
    assert page_count(tmp_path, get_pdf(client, f"/r/{token}/pdf/").content) == 1
