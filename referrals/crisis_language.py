"""Crisis language in what people write: pure, table-driven detection.

Text in, findings out: no ORM, no request. What counts as risk is the lexicon, data the crisis
team edits in admin (``referrals.models.CrisisPhrase``): risk phrases with their category, and
everyday phrases that look like risk and are not (笑死, 打农药, 紫砂壶), which cover what they
match. The rules here are what every entry shares:

- normalising what phones type (``referrals.typed_text``): full-width letters, traditional
  characters, letters spaced or dotted out between characters (不 想 活, 自.杀), upper case;
- negation and denial just before a phrase (我不想死, 从来没想过自杀, I don't want to die), or a
  bare no answering it as a question (自杀？没有);
- a clause about someone else (我朋友说她想自杀怎么办), except for farewells, which are
  addressed to others by nature, and taking others along (带着孩子一起走), which puts them in
  danger whoever says it.

Err towards help: anything not plainly negated, everyday or about someone else is a finding.
A trained model can come later as another source of findings; the lexicon stays the floor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Only gettext: problems are shown to the crisis team in admin, in their language.
from django.utils.translation import gettext as _

from referrals.typed_text import normalise

IDEATION = "ideation"
PLAN = "plan"
MEANS = "means"
SELF_HARM = "self_harm"
FAREWELL = "farewell"
HARM_TO_OTHERS = "harm_others"
NOT_RISK = "not_risk"
CATEGORIES = (IDEATION, PLAN, MEANS, SELF_HARM, FAREWELL, HARM_TO_OTHERS, NOT_RISK)
# Found whoever the clause is about: a farewell is addressed to others by nature; taking others
# along (带着孩子一起走) puts them in danger whoever says it (我老公说要带着孩子一起死).
ABOUT_OTHERS_BY_NATURE = (FAREWELL, HARM_TO_OTHERS)
# The rule a finding in someone's own words fires: a crisis, whatever their score.
RULE_CODE = "crisis_language"

# In a phrase, "…" (or "...") stands for a few characters of the same clause; "……" (or
# "......") for a few more, across commas but within the sentence: the means named in one clause
# and the act in the next (家里还有一瓶敌敌畏，我想喝了).
GAP = "…"
MAX_GAP = 6
SENTENCE_GAP = "……"
MAX_SENTENCE_GAP = 12

# Where a clause ends, after normalisation (NFKC makes "，！？；：" half-width); a sentence.
CLAUSE_ENDS = ",.!?;:。、\n"
SENTENCE_ENDS = ".!?。\n"
# A question on a phrase answered with a bare no that ends the text (自杀？没有, 想过自杀吗？没有,
# 有没有轻生的念头？没有): anything after the no may take it back (自杀？没有，只是偶尔想想).
ANSWERED_NO = re.compile(
    r"(?:的?(?:念头|想法|打算)| thoughts)?(?:吗|么|嘛|没有|没)? *\?+ *"
    r"(?:(?:从来|从)?没有?(?:想过|有过|过)?|不(?:想|会)?|no|never|nope|no never)"
    r"[啊呀哦噢喔]?[.!。\s]*\Z"
)
# Words between a negation and the phrase that keep it negated: 不(会)(再)(想)死, 没(有)(想过)自杀.
FILLERS = sorted(
    "曾经 打算 愿意 可能 真的 真 一定 想过 想要 准备 有过 有 想 过 会 "
    "要 去 再 曾 是 的 敢 也 都 还 就 这么 那么 这样 那样 轻易 随便 绝对".split(),
    key=len,
    reverse=True,
)
NEGATIONS = (
    "不",
    "没",
    "未",
    "别",
    "莫",
    "甭",
    "勿",
    "非",
    "无",
    "打消",
    "打消了",
    "放弃了",
    "怎么会",
)
A_NOT_A = re.compile(r"(.)[不没]\1")
EN_FILLERS = set(
    "want wanna to ever really thought think thinking about of going gonna would will i am be "
    "feel like have had been trying try actually".split()
)
EN_NEGATIONS = {"not", "never", "don't", "dont", "no", "won't", "wont", "didn't", "didnt", "isn't"}

# Who a clause is about: the last of these before the phrase decides (我妈: the mother).
SELF_WORDS = ("我", "俺", "咱", "本人", "老子")
OTHER_WORDS = (
    "你", "他", "她", "朋友", "同学", "同事", "邻居", "妈", "爸", "娘", "爹", "儿子", "女儿",
    "孩子", "娃", "老公", "老婆", "丈夫", "妻子", "媳妇", "婆婆", "公公", "奶奶", "爷爷", "姥姥",
    "姥爷", "外婆", "外公", "哥", "姐", "弟", "妹", "叔", "婶", "舅", "姨", "别人", "有人",
    "有个人", "病人", "学生", "家长",
)  # fmt: skip
# Words that hold a person word without being about a person (其他, 妈的), or about everyone.
NOT_PEOPLE = ("其他", "其它", "吉他", "他妈的", "妈的", "所有人", "没有人", "没人")
# Words before a person that make them the object, not who the clause is about: prepositions,
# and killing or taking someone along (我想杀了他然后自杀 is the writer's own death too).
OBJECT_MARKERS = (
    *"给跟和对让替为向把被帮陪",
    "杀", "杀了", "杀掉", "杀死", "弄死", "砍死", "毒死",
    "带", "带着", "带上", "抱着", "拉着", "拉上",
)  # fmt: skip
EN_SELF_WORDS = {"i", "i'm", "im", "me", "my", "myself"}
EN_OTHER_WORDS = set(
    "he she they his her friend mom dad mum mother father son daughter husband wife brother "
    "sister child kid boyfriend girlfriend neighbour neighbor someone somebody you".split()
)


@dataclass(frozen=True)
class Entry:
    """One line of the lexicon: a phrase (``…`` for a short gap) and its category."""

    phrase: str
    category: str

    @property
    def is_risk(self) -> bool:
        return self.category != NOT_RISK


@dataclass(frozen=True)
class Finding:
    """Risk found: where in the original text (``start``/``end``), what, and by which entry."""

    start: int
    end: int
    text: str
    category: str
    entry: str


def _gaps_marked(phrase: str) -> str:
    """``phrase`` with every way of typing a gap ("...", "⋯") written as "…"."""
    return phrase.replace("...", GAP).replace("⋯", GAP)


def _phrase_pattern(phrase: str) -> re.Pattern:
    phrase = _gaps_marked(phrase)
    gap = f"[^{re.escape(CLAUSE_ENDS)}]{{0,{MAX_GAP}}}?"
    sentence_gap = f"[^{re.escape(SENTENCE_ENDS)}]{{0,{MAX_SENTENCE_GAP}}}?"
    body = sentence_gap.join(
        clauses
        for stretch in phrase.split(SENTENCE_GAP)
        if (clauses := _clauses_pattern(stretch, gap))
    )
    if not body:
        raise ValueError("empty phrase")
    # English words match whole: "zs" is not the end of "jzs".
    if body[0].isascii() and body[0].isalnum():
        body = r"(?<![a-z0-9])" + body
    if body[-1].isascii() and body[-1].isalnum():
        body += r"(?![a-z0-9])"
    return re.compile(body)


def _clauses_pattern(stretch: str, gap: str) -> str:
    parts = [normalise(part).text.strip() for part in stretch.split(GAP)]
    return gap.join(re.escape(part) for part in parts if part)


@lru_cache(maxsize=4096)
def compiled(phrase: str) -> re.Pattern:
    """The phrase as a pattern over normalised text (raises ValueError for an empty phrase)."""
    return _phrase_pattern(phrase)


def find_all(text: str, lexicon: Iterable[Entry]) -> list[Finding]:
    """Every risk the lexicon finds in ``text``, in order, after the shared rules."""
    if not text:
        return []
    norm = normalise(text)
    entries = tuple(lexicon)
    covered = [
        match.span()
        for entry in entries
        if not entry.is_risk
        for match in compiled(entry.phrase).finditer(norm.text)
    ]
    findings = []
    for entry in entries:
        if not entry.is_risk:
            continue
        pattern, position = compiled(entry.phrase), 0
        while match := pattern.search(norm.text, position):
            start, end = match.span()
            if (
                any(start < c_end and c_start < end for c_start, c_end in covered)
                or _negated(norm.text, start)
                or ANSWERED_NO.match(norm.text, end)
                or ((act := _last_words(entry.phrase)) and _negated(norm.text, end - len(act)))
                or (
                    entry.category not in ABOUT_OTHERS_BY_NATURE
                    and _about_someone_else(norm.text, start, end)
                )
            ):
                # Not this one; a later start may still be risk (喝水的时候想喝农药).
                position = start + 1
                continue
            first, last = norm.origin[start], norm.origin[end - 1] + 1
            findings.append(Finding(first, last, text[first:last], entry.category, entry.phrase))
            position = end
    return sorted(findings, key=lambda f: (f.start, -f.end))


@lru_cache(maxsize=4096)
def _last_words(phrase: str) -> str:
    """A phrase's words after its last sentence gap (喝 in 敌敌畏……喝), as normalised: what is
    done, which a denial just before it takes back (敌敌畏还在，我不会喝); "" without a
    sentence gap (a denial before the phrase's start is checked anyway)."""
    phrase = _gaps_marked(phrase)
    if SENTENCE_GAP not in phrase:
        return ""
    return normalise(phrase.rsplit(SENTENCE_GAP, 1)[1].rsplit(GAP, 1)[-1]).text.strip()


def detect(text: str, lexicon: Iterable[Entry]) -> Finding | None:
    """The first risk found in ``text``, or None."""
    findings = find_all(text, lexicon)
    return findings[0] if findings else None


def matches(text: str, entry: Entry, lexicon: Iterable[Entry]) -> bool:
    """Whether ``entry`` matches in ``text`` read with ``lexicon``: a risk entry finds risk
    there; an everyday entry covers something and leaves no risk found."""
    if entry.is_risk:
        return any(f.entry == entry.phrase for f in find_all(text, lexicon))
    return bool(compiled(entry.phrase).search(normalise(text).text)) and not find_all(text, lexicon)


def _clause_before(text: str, start: int) -> str:
    begin = max(text.rfind(end, 0, start) for end in CLAUSE_ENDS) + 1
    return text[begin:start]


def _negated(text: str, start: int) -> bool:
    before = _clause_before(text, start).rstrip()
    if before and before[-1].isascii():
        return _negated_in_english(before)
    # A question "X not X" (有没有想过自杀, 想不想死) asks, it does not deny; the second X may
    # be the phrase's first character.
    before = A_NOT_A.sub(r"\1", before + text[start])[:-1]
    stripped = True
    while stripped:
        stripped = False
        for filler in FILLERS:
            if before.endswith(filler):
                before = before[: -len(filler)]
                stripped = True
                break
    # 要不 is "how about" (要不死了算了), not a negation.
    return before.endswith(NEGATIONS) and not before.endswith("要不")


def _negated_in_english(before: str) -> bool:
    words = re.findall(r"[a-z']+", before)
    while words and words[-1] in EN_FILLERS:
        words.pop()
    return bool(words) and (words[-1] in EN_NEGATIONS or words[-1].endswith("n't"))


def _about_someone_else(text: str, start: int, end: int) -> bool:
    """Whether the phrase at ``start:end`` is about someone else: it describes a person
    (想自杀的朋友), or the clause's last mention of a person before it is someone else."""
    after = text[end:]
    if after.startswith("的") and after[1:].startswith((*OTHER_WORDS, "人")):
        return True
    # A phrase over two clauses (敌敌畏……喝): whoever its last clause names does the act.
    inner = max(text.rfind(mark, start, end) for mark in CLAUSE_ENDS)
    if inner >= 0:
        last_self, last_other = _last_mentions(text[inner + 1 : end])
        if last_self >= 0 or last_other >= 0:
            return last_other > last_self
    # A phrase that names the writer (better off without me, 没有我…更好) is about them, whoever
    # the clause names before it (they would be better off without me).
    if _last_mentions(text[start:end])[0] >= 0:
        return False
    last_self, last_other = _last_mentions(_clause_before(text, start))
    return last_other > last_self


def _last_mentions(before: str) -> tuple[int, int]:
    """Where ``before`` last mentions the writer and someone else (-1: nowhere)."""
    for word in NOT_PEOPLE:
        before = before.replace(word, "_" * len(word))
    last_self = max((before.rfind(w) for w in SELF_WORDS), default=-1)
    last_other = max(
        (
            match.start()
            for word in OTHER_WORDS
            for match in re.finditer(re.escape(word), before)
            # An object (给孩子写了遗书, 被老公打, 杀了他) is not who the clause is about.
            if not before[: match.start()].endswith(OBJECT_MARKERS)
        ),
        default=-1,
    )
    for word in re.finditer(r"[a-z']+", before):
        if word.group() in EN_SELF_WORDS:
            last_self = max(last_self, word.start())
        elif word.group() in EN_OTHER_WORDS:
            last_other = max(last_other, word.start())
    return last_self, last_other


@dataclass(frozen=True)
class Examples:
    """An entry with the sentences it must match and must not match."""

    entry: Entry
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...] = ()


def example_problems(checked: Examples, lexicon: Iterable[Entry]) -> dict[str, list[str]]:
    """The examples of ``checked`` that the lexicon, read as a whole, gets wrong, by kind
    (``must_match``, ``must_not_match``); empty when all hold."""
    lexicon = tuple(lexicon)
    problems = {
        "must_match": [
            _("“{example}” must match, and does not.").format(example=example)
            for example in checked.must_match
            if not matches(example, checked.entry, lexicon)
        ],
        "must_not_match": [
            _("“{example}” must not match, and does.").format(example=example)
            for example in checked.must_not_match
            if matches(example, checked.entry, lexicon)
        ],
    }
    return {kind: found for kind, found in problems.items() if found}
