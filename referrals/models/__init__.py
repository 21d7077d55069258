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
    national_line_first,
    with_national_line,
)

__all__ = [
    "Alert",
    "OVERDUE_AFTER",
    "CaseNote",
    "CaseQuerySet",
    "Hotline",
    "HotlineQuerySet",
    "ReferralCase",
    "built_in_national_line",
    "national_line_first",
    "queue_order",
    "with_national_line",
]
