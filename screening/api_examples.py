"""Example bodies for the API documentation (drf-spectacular): questionnaires and results.

Written out by hand, as a front-end developer reads them; tests/test_api_contract.py checks
them against what the API really answers.
"""

from drf_spectacular.utils import OpenApiExample

from content.api_examples import ARTICLE_ITEM, SESSION
from referrals.api_examples import HOTLINE_12356, HOTLINE_HOPE24, LOCAL_SERVICE_ANDING

PHQ9_OPTIONS = [
    {"value": 0, "label": "完全不会"},
    {"value": 1, "label": "好几天"},
    {"value": 2, "label": "一半以上的天数"},
    {"value": 3, "label": "几乎每天"},
]
PHQ9_REF = {"slug": "phq-9", "title": "PHQ-9 抑郁筛查", "version": 1}
RESULT_LINKS = {
    "result_url": "https://xinqiao.example.org/r/TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/",
    "pdf_url": "https://xinqiao.example.org/r/TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/pdf/",
}
MILD_RESULT = {
    "token": "TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw",
    "questionnaire": PHQ9_REF,
    "answers": {f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 1, 1, 0, 0, 0), 1)},
    "total_score": 6,
    "max_score": 27,
    "band": {
        "code": "mild",
        "label": "轻度",
        "meaning": "您的回答显示，最近两周有一些情绪低落方面的困扰。这只是一次自我筛查，不是诊断。"
        "下面的科普文章和视频可以帮您了解、照顾自己的情绪；如果情况持续或加重，请找医生聊一聊。",
    },
    "tier": "mild",
    "crisis": False,
    "triggered_rules": [],
    "recommendation": {
        "kind": "content",
        "message": "Short articles and videos on looking after your mood and sleep.",
        "items": [ARTICLE_ITEM],
    },
    "hotlines": [HOTLINE_12356, HOTLINE_HOPE24],
    **RESULT_LINKS,
    "language": "zh-hans",
    "channel": None,
    "age_band": "",
    "created_at": "2026-11-25T10:34:46.565087+08:00",
    "next": [],
    "follows": None,
}
# Messages from the code are shown in their source text; the API translates them.
CRISIS_SAFETY = (
    "If you are thinking about ending your life or hurting yourself, or you are in danger right "
    "now: call 110 or 120 now, or the psychological assistance hotline 12356. Stay with someone "
    "you trust. You are not alone."
)
CRISIS_RESULT = MILD_RESULT | {
    "answers": {f"phq9_{i}": v for i, v in enumerate((0, 0, 0, 0, 0, 0, 0, 0, 1), 1)},
    "total_score": 1,
    "band": {
        "code": "minimal",
        "label": "极轻微或无",
        # In a crisis the meaning speaks of getting help now, never of the low band's words.
        "meaning": "One of your answers is a sign that you may need help now, whatever the total "
        "score. Please talk to someone today: call one of the hotlines, or ask for a call back. "
        "This is a screen, not a diagnosis.",
    },
    "tier": "severe",
    "crisis": True,
    "triggered_rules": ["self_harm"],
    "recommendation": {
        "kind": "referral",
        "crisis": True,
        "safety_message": CRISIS_SAFETY,
        "message": CRISIS_SAFETY + "\n\nYour answers show you are going through a very hard time. "
        "Please talk to someone today: call one of the hotlines below (12356 is anonymous), or "
        "leave your number and the crisis team will call you back.",
        "hotlines": [HOTLINE_12356, HOTLINE_HOPE24],
        # No poster's channel, so no region: no services near the person are known.
        "local_services": [],
        "callback_url": "https://xinqiao.example.org/api/v1/submissions/"
        "TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/callback/",
        "sms_confirmation_offered": True,
        "guardian_consent_needed": False,
        "items": [],
    },
}
MODERATE_RESULT = MILD_RESULT | {
    "answers": {f"phq9_{i}": v for i, v in enumerate((2, 2, 2, 2, 2, 1, 0, 0, 0), 1)},
    "total_score": 11,
    "band": {
        "code": "moderate",
        "label": "中度",
        "meaning": "您的回答显示，最近两周情绪低落方面的困扰比较明显，值得认真对待。"
        "这只是一次自我筛查，不是诊断。建议您参加下面的专家直播或咨询时段，和专业人员谈一谈。",
    },
    "tier": "moderate",
    "recommendation": {
        "kind": "schedule",
        "message": "Talk it over with a professional: join one of these expert livestreams or "
        "consultation hours. You can add them to your phone's calendar.",
        "sessions": [
            SESSION,
        ],
        # From the region of the poster the person came through (channel).
        "local_services": [LOCAL_SERVICE_ANDING],
        "items": MILD_RESULT["recommendation"]["items"][:1],
    },
    "channel": "demo-gansu",
}
# PHQ-4's depression part (items 3 and 4) adds up to 3: it leads on to PHQ-9, items 1 and 2
# answered.
QUICK_CHECK_RESULT = MILD_RESULT | {
    "token": "Qk4xW2sTbumseSaCs5-UeBgZ-6-nirwA",
    "questionnaire": {"slug": "phq-4", "title": "PHQ-4 焦虑和抑郁快速筛查", "version": 1},
    "answers": {"phq4_1": 1, "phq4_2": 0, "phq4_3": 2, "phq4_4": 1},
    "total_score": 4,
    "max_score": 12,
    "band": {
        "code": "mild",
        "label": "轻度",
        "meaning": "您的回答显示，最近两周有一些紧张担忧和情绪低落方面的困扰。这只是一次自我筛查，"
        "不是诊断。下面的科普文章和视频可以帮您了解、照顾自己的情绪；如果情况持续或加重，请找医生聊一聊。",
    },
    "result_url": "https://xinqiao.example.org/r/Qk4xW2sTbumseSaCs5-UeBgZ-6-nirwA/",
    "pdf_url": "https://xinqiao.example.org/r/Qk4xW2sTbumseSaCs5-UeBgZ-6-nirwA/pdf/",
    "next": [
        {
            "questionnaire": "phq-9",
            "url": "https://xinqiao.example.org/api/v1/questionnaires/phq-9/",
            "carried_answers": {"phq9_1": 2, "phq9_2": 1},
        }
    ],
}
# The PHQ-9 taken next: items 1 and 2 came from the quick check.
FOLLOWING_RESULT = MILD_RESULT | {"follows": QUICK_CHECK_RESULT["token"]}
RESULT_EXAMPLES = [
    OpenApiExample("Mild result (kind content)", value=MILD_RESULT, response_only=True),
    OpenApiExample("Moderate result (kind schedule)", value=MODERATE_RESULT, response_only=True),
    OpenApiExample(
        "Crisis: PHQ-9 item 9 above 0 (kind referral)", value=CRISIS_RESULT, response_only=True
    ),
    OpenApiExample(
        "Quick check leading on to PHQ-9 (next)", value=QUICK_CHECK_RESULT, response_only=True
    ),
    OpenApiExample(
        "PHQ-9 taken after the quick check (follows)", value=FOLLOWING_RESULT, response_only=True
    ),
]
CALLBACK_RESPONSE = {
    "status": "new",
    "created": True,
    "message": "Thank you. The crisis team will call you back within about 30 minutes. If you are "
    "in danger now, call 110 or 120, or the hotline 12356.",
    "sms_confirmation": False,
}
