"""The crisis-language detector's shared rules, read with the shipped lexicon (no database)."""

from importlib import import_module

import pytest

from referrals.crisis_language import Entry, detect, find_all
from referrals.typed_text import normalise

SHIPPED = [
    Entry(phrase, category)
    for category, phrase, _, _ in (
        *import_module("referrals.migrations.0012_shipped_crisis_lexicon").SHIPPED_LEXICON,
        *import_module("referrals.migrations.0020_phrases_across_clauses").LEXICON_ACROSS_CLAUSES,
        *import_module("referrals.migrations.0022_harm_to_others_and_english_phrases").LEXICON,
    )
]


def flagged(text):
    return detect(text, SHIPPED) is not None


@pytest.mark.parametrize(
    "text",
    [
        "不想活了",
        "活着没意思",
        "想一了百了",
        "遗书写好了",
        "永别了",
        "想割腕",
        "想跳楼",
        "安眠药攒了很多",
        "想喝农药",
        "我已经把农药准备好了",
    ],
)
def test_it_finds_ideation_plans_means_and_farewells(text):
    assert flagged(text)


@pytest.mark.parametrize(
    "text", ["明天去镇上买农药打虫", "今天去地里打农药", "喷农药要戴口罩", "孩子误喝了农药"]
)
def test_it_tells_farming_from_drinking_pesticide(text):
    assert not flagged(text)


@pytest.mark.parametrize(
    "text",
    ["我不想死", "从来没想过自杀", "我不会伤害自己", "别想不开", "I don't want to die"],
)
def test_it_reads_negation_and_denial(text):
    assert not flagged(text)


def test_negation_reaches_only_the_words_before_the_phrase():
    assert flagged("不知道为什么就是想死")
    assert flagged("我不想死，但活着太累了")


@pytest.mark.parametrize(
    "text", ["笑死我了", "累死了", "热死了", "气死我了", "吓死人", "想死你们了", "跳楼价大甩卖"]
)
def test_it_leaves_hyperbole_alone(text):
    assert not flagged(text)


@pytest.mark.parametrize(
    "text",
    ["我朋友说她想自杀，我该怎么办", "怎么帮助想自杀的朋友", "他说他要跳楼", "我妈总说不想活了"],
)
def test_it_leaves_questions_about_someone_else_alone(text):
    assert not flagged(text)


def test_someone_named_as_an_object_does_not_make_it_about_them():
    assert flagged("被老公打，想死的心都有了")
    assert flagged("我给孩子写了遗书")


@pytest.mark.parametrize(
    "text", ["我想杀了他然后自杀", "我要弄死他，然后自杀", "我想抱着孩子跳河", "杀了他我也不活了"]
)
def test_someone_killed_or_taken_along_is_not_who_the_clause_is_about(text):
    assert flagged(text)


@pytest.mark.parametrize("text", ["有没有想过自杀？有", "我是不是想死了", "想不想死，我也不知道"])
def test_a_question_x_not_x_asks_and_does_not_deny(text):
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    ["我想和孩子一起死", "带着孩子一起走", "大不了跟他同归于尽", "我想杀了他然后自杀"],
)
def test_taking_others_along_is_harm_to_others(text):
    assert detect(text, SHIPPED).category == "harm_others"


def test_taking_others_along_is_found_whoever_says_it():
    # The children are in danger, whoever writes it.
    assert flagged("我老公喝了酒就说要带着孩子一起死")
    assert not flagged("我老公喝了酒就说要喝农药吓我")


@pytest.mark.parametrize(
    "text", ["带着孩子一起走亲戚", "手机和电脑一起死机了", "我不会带着孩子一起走"]
)
def test_walking_together_and_a_frozen_phone_are_not_taking_others_along(text):
    assert not flagged(text)


@pytest.mark.parametrize(
    "text",
    ["自杀？没有", "想过自杀吗？没有。", "有没有轻生的念头？没有啊", "suicidal thoughts? never"],
)
def test_a_question_answered_with_a_bare_no_is_a_denial(text):
    assert not flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "自杀？有时候想",
        "自杀？没有，只是偶尔想想",
        "自杀？不敢",
        "自杀？没有人会在乎",
        "想自杀有用吗？没有",
    ],
)
def test_anything_but_a_bare_no_keeps_the_question_a_finding(text):
    assert flagged(text)


def test_a_parent_reporting_a_childs_self_harm_is_flagged():
    # A decision (see the evaluation set): the crisis team must see a child harming themselves.
    assert flagged("我女儿在手上划，说是自残，怎么办")
    assert not flagged("女儿手上有划痕，说是猫抓的")


def test_farewells_are_found_though_addressed_to_others():
    assert flagged("你们别找我了")
    assert flagged("妈，下辈子见")


@pytest.mark.parametrize(
    "text",
    ["我想紫砂", "想zs", "我要 ZS 了", "想去世界另一边", "我想ｚｓ", "想自鲨"],
)
def test_it_reads_online_evasions(text):
    assert flagged(text)


def test_evasions_keep_their_everyday_meaning():
    assert not flagged("买了个紫砂壶")
    assert not flagged("jzs 团队")
    assert not flagged("去世界的另一边旅游是我的梦想")
    assert flagged("我要去世界的另一边了，别找我")


@pytest.mark.parametrize(
    "text",
    ["我已經把農藥準備好了", "活著沒意思", "不 想 活 了", "自.杀", "想自*杀", "z s 了算了"],
)
def test_it_reads_traditional_full_width_and_spaced_out_characters(text):
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "I feel suicidal",
        "ｉ ｗａｎｔ ｔｏ ｄｉｅ",
        "I don't want to live anymore",
        "I've been cutting myself again",
        "I wish I was dead",
        "I want to drink pesticide",
    ],
)
def test_it_reads_english(text):
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    ["I'm not going to end it all", "I would never take my own life", "my mother wants to die"],
)
def test_it_reads_english_negation_and_someone_else(text):
    assert not flagged(text)


def test_a_phrase_that_names_the_writer_is_about_them():
    assert flagged("they would be better off without me")
    assert flagged("我妈说没有我他们会过得更好")


def test_a_finding_points_at_the_words_as_written():
    text = "最近很累。我已經把農藥 準備好了"
    finding = detect(text, SHIPPED)
    assert finding.category == "means"
    assert text[finding.start : finding.end] == finding.text == "農藥 準備好"


def test_findings_come_in_reading_order():
    findings = find_all("遗书写好了，想喝农药", SHIPPED)
    assert [f.text for f in findings] == ["遗书", "喝农药"]


def test_normalising_keeps_clause_breaks_and_words():
    assert normalise("不 想 活，ＯＫ").text == "不想活,ok"
    assert normalise("I want  to").text == "i want to"


def test_empty_text_finds_nothing():
    assert detect("", SHIPPED) is None


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        # The means in one clause, the act in the next.
        ("家里还有一瓶敌敌畏，我想喝了", True),
        ("农药买回来了，今晚就喝", True),
        # Whoever the last clause names does the act; a denial before the act takes it back.
        ("我哥买了敌敌畏，我想喝了", True),
        ("我哥买了敌敌畏，他说想喝", False),
        ("农药买回来了，我不会喝的", False),
        # A drink or a meal after the day's spraying; a new sentence is no longer the phrase.
        ("农药打完了，喝口水歇歇", False),
        ("老鼠药放好了，吃饭吧", False),
        ("农药打完了。喝吧", False),
    ],
)
def test_a_sentence_gap_joins_the_means_and_the_act_over_a_comma(text, risk):
    assert flagged(text) is risk


def test_a_phrase_covered_where_it_first_starts_is_still_found_further_on():
    # "喝水" covers the first 喝; the 喝 of 喝农药 is risk all the same.
    assert flagged("喝水的时候想喝农药")
    lexicon = [Entry("想死", "ideation")]
    # Denied at its first place, meant at its second.
    assert [f.text for f in find_all("我不想死，可是又想死", lexicon)] == ["想死"]
