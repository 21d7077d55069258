"""The national lines as the code knows them, for when the data cannot be relied on.

12356 stands in on a crisis result when the data has no active 12356 (referrals.models), and
both lines are what every error page and 503 shows when the database cannot be read at all
(config.outage). One place, so that the number a person in crisis is given never differs
between the two. The texts are translated (locale/); fixtures/referrals_hotlines.json holds the
same lines for the database.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

# China's one time zone: statistics count its days, sheets print its times, whatever
# settings.TIME_ZONE a deployment sets.
CHINA_TIME = ZoneInfo("Asia/Shanghai")

NATIONAL_LINE = "12356"
NATIONAL_LINE_NAME = _("National psychological assistance hotline")
NATIONAL_LINE_OPERATOR = _("National Health Commission")
NATIONAL_LINE_HOURS = _("At least 18 hours a day, 24 hours in many places; anonymous")
NATIONAL_LINE_VERIFIED = date(2026, 11, 24)

# Shown without the database (outages, error pages): 12356 first, then a 24-hour line.
NATIONAL_HOTLINES = [
    {
        "name": NATIONAL_LINE_NAME,
        "number": NATIONAL_LINE,
        "tel": f"tel:{NATIONAL_LINE}",
        "hours": NATIONAL_LINE_HOURS,
    },
    {
        "name": _("Hope 24 hotline"),
        "number": "400-161-9995",
        "tel": "tel:4001619995",
        "hours": _("24 hours"),
    },
]


def national_hotlines() -> list[dict]:
    """The national lines in the active language, from the code, not the database."""
    return [{k: str(v) for k, v in h.items()} for h in NATIONAL_HOTLINES]
