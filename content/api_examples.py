"""Example bodies for the API documentation (drf-spectacular): articles and sessions."""

SESSION = {
    "title": "县医院心理科专家在线答疑",
    "host": "县人民医院心理科医生",
    "platform": "微信视频号",
    "starts_at": "2026-12-01T19:00:00+08:00",
    "ends_at": "2026-12-01T21:00:00+08:00",
    "join_url": "https://www.example.org/live/county-hospital",
    "join_phone": "",
    "join_tel": "",
    "description": "每周二晚上，在微信视频号直播间留言提问，医生现场解答。",
    "kind": "expert_hours",
    "ics_url": "https://xinqiao.example.org/sessions/expert_hours/1.ics",
}

# An article as a result lists it, and whole, as the articles endpoint gives it.
ARTICLE_ITEM = {
    "slug": "sleep-well",
    "title": "睡个好觉的五个小方法",
    "summary": "固定时间起床、白天晒太阳、睡前少看手机……简单的习惯能改善睡眠。",
    "url": "https://xinqiao.example.org/articles/sleep-well/",
    "video_url": "",
    "cover_url": "",
}
ARTICLE = ARTICLE_ITEM | {
    "body": "1. 每天固定时间起床，周末也一样。\n2. 白天多到户外晒晒太阳、活动身体。",
    "topics": ["sleep"],
    "published_at": "2026-11-01T08:00:00+08:00",
}
