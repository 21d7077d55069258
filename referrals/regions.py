"""Administrative regions: GB/T 2260 codes (province 2 digits, city 4, county 6)."""

import re

# A GB/T 2260 code as staff type it: province, city or county (2, 4 or 6 ASCII digits).
REGION_CODE = r"[0-9]{2}(?:[0-9]{2}){0,2}"


def is_region_code(code: str) -> bool:
    """Whether ``code`` is one of REGION_CODE's forms (full-width digits or a name are not)."""
    return re.fullmatch(REGION_CODE, code) is not None


def region_prefixes(code: str) -> list[str]:
    """The GB/T 2260 prefixes a region code belongs to, most local first.

    Accepts 2/4/6-digit forms and the padded 6-digit ones: "110108" → ["110108", "1101", "11"],
    "110100" → ["1101", "11"], "110000" → ["11"].
    """
    digits = re.sub(r"\D", "", code or "")[:6]
    while len(digits) > 2 and digits.endswith("00"):
        digits = digits[:-2]
    return [digits[:n] for n in (6, 4, 2) if len(digits) >= n]
