"""What phones type, written as the crisis lexicon is: simplified, half-width, lower case.

Traditional characters are converted (OpenCC), and what was typed between two Chinese
characters or two single letters to get past filters or for effect (不 想 活, 自.杀, z s) is
dropped. Each character kept remembers where it came from, so that a finding can point into
the text as written.
"""

import unicodedata
from dataclasses import dataclass

import opencc

# Typed between characters to get past filters or for effect: dropped between two characters.
SEPARATORS = set(' \t\r\u3000*-_~·•|/\\.`^+=#@"“”‘()[]{}<>')
_T2S = opencc.OpenCC("t2s")
# Traditional forms that are also simplified characters, so OpenCC keeps them: 活著 → 活着.
VARIANTS = str.maketrans("著", "着")


@dataclass(frozen=True)
class Normalised:
    text: str
    # For each character of ``text``, the index of the original character it came from.
    origin: tuple[int, ...]


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _is_separator(char: str) -> bool:
    if char == "\n":
        return False
    if char in SEPARATORS or char.isspace():
        return True
    # Zero-width characters, emoji and other symbols.
    return unicodedata.category(char) in ("Cf", "So", "Sk", "Sm")


def _simplified(text: str) -> str:
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase conversion changed the length: keep positions by converting one character at a
    # time (a character whose conversion is not one character is kept as typed).
    return "".join(c if len(s := _T2S.convert(c)) != 1 else s for c in text)


def normalise(text: str) -> Normalised:
    """The text as the lexicon is written: simplified, half-width, lower case, with what was
    typed between two Chinese characters (or two single letters, as in "z s") dropped."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            chars.append(part)
            origin.append(index)
    simplified = _simplified("".join(chars)).lower().replace("’", "'").translate(VARIANTS)
    kept_chars: list[str] = []
    kept_origin: list[int] = []
    i = 0
    while i < len(simplified):
        char = simplified[i]
        if not _is_separator(char):
            kept_chars.append(char)
            kept_origin.append(origin[i])
            i += 1
            continue
        j = i
        while j < len(simplified) and _is_separator(simplified[j]):
            j += 1
        before = kept_chars[-1] if kept_chars else ""
        after = simplified[j] if j < len(simplified) else ""
        if not (_joins(before, after) or _lone_letters(simplified, i, j)):
            kept_chars.append(" ")
            kept_origin.append(origin[i])
        i = j
    return Normalised("".join(kept_chars), tuple(kept_origin))


def _joins(before: str, after: str) -> bool:
    return bool(before) and bool(after) and is_cjk(before) and is_cjk(after)


def _lone_letters(text: str, start: int, end: int) -> bool:
    """Whether the separators at ``start:end`` stand between two single letters ("z s")."""

    def lone(index: int, step: int) -> bool:
        if not (0 <= index < len(text) and text[index].isascii() and text[index].isalpha()):
            return False
        neighbour = index + step
        return not (0 <= neighbour < len(text) and text[neighbour].isalpha())

    return lone(start - 1, -1) and lone(end, 1)
