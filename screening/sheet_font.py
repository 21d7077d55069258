"""The printable sheets' own font: Noto Sans CJK SC cut down to the characters in common use.

A PDF embeds only the glyphs a sheet uses, but WeasyPrint keeps each glyph at its number in the
font, and Noto Sans CJK numbers its 65,000 glyphs with the Chinese characters last: every sheet
carried an empty table of all of them, over half of a 200 KB sheet, and cutting it cost 40 ms.
Cut down to GB 2312 (the 6,763 common characters, its symbols) with Latin and punctuation, the
same glyphs are numbered below 8,000. A character outside it (a rare name in a clinician's text)
is still printed, from the whole system font, which the sheets name next.

``manage.py sheet_font`` (run by ``make setup``) writes the font to ``settings.SHEET_FONT``;
without it the sheets fall back to the system font (``check`` warns).
"""

import subprocess
import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

FAMILY = "Xinqiao Sheet Sans"
SOURCE_FAMILY = "Noto Sans CJK SC"


def characters() -> set[int]:
    """GB 2312 (its symbols and both levels of characters), ASCII, Latin-1, general and CJK
    punctuation and full-width forms."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def system_font() -> tuple[str, int]:
    """The file and face index of the system's Noto Sans CJK SC (fonts-noto-cjk)."""
    found = subprocess.run(
        ["fc-match", "--format=%{file}:%{index}", SOURCE_FAMILY],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, _, index = found.rpartition(":")
    return path, int(index or 0)


def build(target: Path) -> None:
    """Write the sheets' font to ``target`` (a few seconds)."""
    path, index = system_font()
    font = TTFont(path, fontNumber=index)
    # Layout features would pull in thousands of vertical and alternate forms: sheets use none.
    options = subset.Options(layout_features=[], notdef_outline=True, hinting=False)
    options.drop_tables += ["GSUB", "GPOS", "vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    # A name of its own: fontconfig must never take it for the whole system font.
    postscript = FAMILY.replace(" ", "") + "-Regular"
    names = font["name"]
    names.names = [record for record in names.names if record.nameID not in (16, 17, 18, 21, 22)]
    own_names = ((1, FAMILY), (2, "Regular"), (3, postscript), (4, FAMILY), (6, postscript))
    for name_id, value in own_names:
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    font["CFF "].cff.fontNames = [postscript]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    font.save(partial)
    partial.replace(target)  # never a half-written font for a render running meanwhile


def path() -> Path:
    return Path(settings.SHEET_FONT)


@cache
def font_bytes(location: Path) -> bytes:
    return location.read_bytes()


def font_url() -> str:
    """The address the sheets' ``@font-face`` names; empty when the font was not built."""
    location = path()
    return location.as_uri() if location.is_file() else ""


class SheetFetcher(URLFetcher):
    """Lets a sheet load its font and ``data:`` addresses (its QR code), nothing else: no other
    file, no network."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"})

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        location = path()
        if url == location.as_uri():
            return URLFetcherResponse(url, body=font_bytes(location))
        return super().fetch(url, headers)


_local = threading.local()


def font_configuration() -> FontConfiguration:
    """This thread's fonts for WeasyPrint, kept between renders: a new one loads the system's
    font list again and registers the sheets' font anew, a quarter of a render's time."""
    if not hasattr(_local, "fonts"):
        _local.fonts = FontConfiguration()
    return _local.fonts
