# Concepts of their own, in modules named for them (with the code that reads them); imported
# here so that Django loads their models with the app.
from referrals.crisis_phrases import CrisisPhrase  # noqa: E402
from referrals.local_services import LocalService  # noqa: E402
from referrals.models.alerts import Alert
from referrals.models.cases import (
    OVERDUE_AFTER,
    CaseNote,
    CaseQuerySet,
    ReferralCase,
    queue_order,
)
from referrals.models.hotlines import (
    Hotline,
    HotlineQuerySet,
    built_in_national_line,
    local_lines_first,
    national_line_first,
    with_national_line,
    youth_lines_after_national,
)
from referrals.models.phone_views import PhoneView
from referrals.models.roster import DutyException, DutyShift, Weekday, on_duty

__all__ = [
    "Alert",
    "OVERDUE_AFTER",
    "CaseNote",
    "CaseQuerySet",
    "CrisisPhrase",
    "DutyException",
    "DutyShift",
    "Hotline",
    "HotlineQuerySet",
    "LocalService",
    "PhoneView",
    "ReferralCase",
    "built_in_national_line",
    "local_lines_first",
    "national_line_first",
    "on_duty",
    "queue_order",
    "Weekday",
    "with_national_line",
    "youth_lines_after_national",
]
