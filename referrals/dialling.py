"""Tap-to-call links (``tel:``) from numbers as editors write them."""

import re

from config.logs import fold

# A number with its usual separators, then perhaps an extension: "010-82951332 转 2",
# "0571 1234567 分机 8", "(0931)8412345 ext. 12". Brackets only around a leading area code, so
# that a note after the number, "(24小时)", is not dialled with it.
DIALLABLE = re.compile(
    r"\s*(?P<number>\+?\s*(?:\(\s*\d+\s*\)\s*)?\d[\d\s\-]*\d)"
    r"(?:\s*(?:转|分机|ext\.?|x)\s*(?P<extension>\d+))?",
    re.IGNORECASE,
)


def tel_uri(written: str) -> str:
    """``written`` as a tap-to-call link, or "" when it starts with no number.

    Digits only (and a leading +), full-width ones folded, so that the phone dials what is shown;
    an extension follows a comma, which phones dial after a pause: "010-82951332 转 2" is
    tel:01082951332,2. Without the comma the extension would be dialled as part of the number.
    """
    found = DIALLABLE.match(fold(written))
    if not found:
        return ""
    digits = re.sub(r"[^\d+]", "", found["number"])
    return f"tel:{digits},{found['extension']}" if found["extension"] else f"tel:{digits}"
