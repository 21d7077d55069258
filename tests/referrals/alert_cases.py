"""A crisis case opened without the API, and its alerts as the alert tests read them."""

from datetime import datetime

from config.national import CHINA_TIME
from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

PHONE = "13912345678"
EMAILS = {"CRISIS_TEAM_EMAILS": ["crisis@example.org"]}
# A Wednesday afternoon, China time: the ladder does not depend on the day.
START = datetime(2026, 3, 4, 15, 0, tzinfo=CHINA_TIME)


def crisis_submission() -> Submission:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    return Submission.create_from_answers(version=version, answers=answers, language="zh-hans")


def open_case() -> ReferralCase:
    case, created = request_callback(submission=crisis_submission(), phone=PHONE)
    assert created
    return case


def ladder(case: ReferralCase) -> list[tuple[str, str, str]]:
    return [(a.step, a.channel, a.status) for a in case.alerts.order_by("created_at", "channel")]
