from referrals.models.cases import (
    NOTIFICATION_FIELDS,
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
    "NOTIFICATION_FIELDS",
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
