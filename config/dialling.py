"""Tap-to-call links (``tel:``) from numbers as editors write them."""

import re

from django.utils.translation import gettext_lazy as _

from config.logs import fold

# A number as people write it: digits in groups with spaces, hyphens, dashes or dots between
# them, an area or country code in brackets ("+86 (10) 8295 1332", "(0931)8412345",
# "0931—8412345", "400.161.9995"), then perhaps an extension: "010-82951332 转 2",
# "0571 1234567，分机 8", "ext. 12". Full-width forms are folded first.
NUMBER = r"\+?\s*(?:\(\s*\d+\s*\)\s*)?\d+(?:[\s\-\u2013\u2014./]{1,3}\d+|\s*\(\s*\d+\s*\)\s*\d+)*"
EXTENSION = r"\s*[,;]?\s*(?:转|分机|ext\.?|x)\s*(?P<extension>\d+)"
DIALLABLE = re.compile(rf"\s*(?P<number>{NUMBER})(?:{EXTENSION})?\s*", re.IGNORECASE)


def tel_uri(written: str) -> str:
    """``written`` as a tap-to-call link, or "" when it starts with no number.

    Digits only (and a leading +), so that the phone dials what is shown; an extension follows
    a comma, which phones dial after a pause: "010-82951332 转 2" is tel:01082951332,2. Without
    the comma the extension would be dialled as part of the number. Text after the number is
    left out (``is_dialable`` refuses it where editors type numbers).
    """
    found = DIALLABLE.match(fold(written))
    if not found:
        return ""
    digits = re.sub(r"[^\d+]", "", found["number"])
    return f"tel:{digits},{found['extension']}" if found["extension"] else f"tel:{digits}"


def is_dialable(written: str) -> bool:
    """Whether ``written`` is a number (and extension) and nothing else: notes after a number,
    "12356 24小时", would be dialled as part of it."""
    return DIALLABLE.fullmatch(fold(written)) is not None


DIALLABLE_ONLY = _(
    "Enter only the number as it is dialled, such as 12356, 400-161-9995 or 010-82951332 转 2 "
    "(an extension after 转); hours and notes have their own fields."
)
