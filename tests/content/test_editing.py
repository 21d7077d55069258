"""What content editors save in admin is something a villager can use: a way to join, sane dates,
links a phone opens, and errors an editor can read."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from content.models import Article, ExpertHours, HoursPause, Livestream
from tests.admin_forms import saved_from_both

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
WECHAT_LINK = (
    "https://mp.weixin.qq.com/s?__biz=MzA5" + "x" * 120 + "&mid=2650&idx=1&chksm=" + "a" * 60
)
HOURS = {
    "title_zh_hans": "县医院心理科答疑",
    "host_zh_hans": "县医院心理科",
    "description_zh_hans": "在微信搜索“县医院心理科”视频号",
    "weekday": "2",
    "start_time": "19:00",
    "end_time": "20:00",
    "join_url": "",
    "join_phone": "0931-1234567",
    "active": "on",
    # The pauses inline, empty.
    "pauses-TOTAL_FORMS": "0",
    "pauses-INITIAL_FORMS": "0",
}
LIVESTREAM = {
    "title_zh_hans": "冬季情绪健康直播",
    "host_zh_hans": "李医生",
    "starts_at_0": "2026-12-01",
    "starts_at_1": "20:00",
    "ends_at_0": "2026-12-01",
    "ends_at_1": "21:00",
    "join_url": "https://example.org/live/1",
    "published": "on",
}


def add(admin_client, model: str, form: dict):
    return admin_client.post(
        f"/admin/content/{model}/add/", form, HTTP_ACCEPT_LANGUAGE="en", follow=False
    )


def test_hours_with_neither_a_link_nor_a_phone_are_refused(admin_client, content):
    before = ExpertHours.objects.count()
    refused = add(admin_client, "experthours", HOURS | {"join_phone": ""})
    assert refused.status_code == 200
    assert "Give a join link or a phone number (or both)." in refused.content.decode()
    assert ExpertHours.objects.count() == before
    assert add(admin_client, "experthours", HOURS).status_code == 302


def test_a_join_phone_with_a_note_after_it_is_refused(admin_client, content):
    # Tapped on moderate results: a note after the number would be dialled with it.
    before = ExpertHours.objects.count()
    refused = add(admin_client, "experthours", HOURS | {"join_phone": "0931-1234567 周二晚上"})
    assert refused.status_code == 200
    assert "Enter only the number as it is dialled" in refused.content.decode()
    assert ExpertHours.objects.count() == before


def test_a_last_day_before_the_first_day_is_refused(admin_client, content):
    form = HOURS | {"valid_from": "2026-12-10", "valid_until": "2026-12-01"}
    refused = add(admin_client, "experthours", form)
    assert refused.status_code == 200
    assert "The last day cannot be before the first day." in refused.content.decode()


@pytest.mark.parametrize(
    "model,form,message",
    [
        (
            "experthours",
            HOURS | {"start_time": "22:00", "end_time": "00:30"},
            "The hours must end after they start, on the same day (at 23:59 at the latest).",
        ),
        (
            "livestream",
            LIVESTREAM | {"ends_at_1": "19:00"},
            "The livestream must end after it starts.",
        ),
    ],
)
def test_an_end_before_the_start_is_explained_in_words(admin_client, content, model, form, message):
    refused = add(admin_client, model, form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert message in page
    assert "_after_start" not in page, "not the constraint's name"


@pytest.mark.parametrize("field", ["join_url", "replay_url"])
def test_links_a_phone_cannot_open_are_refused(admin_client, content, field):
    for link in ("ftp://example.org/live", "javascript:alert(1)"):
        refused = add(admin_client, "livestream", LIVESTREAM | {field: link})
        assert refused.status_code == 200, link
    assert not Livestream.objects.filter(title_zh_hans="冬季情绪健康直播").exists()


def test_a_long_wechat_link_can_be_saved(admin_client, content):
    assert len(WECHAT_LINK) > 200
    assert (
        add(admin_client, "livestream", LIVESTREAM | {"join_url": WECHAT_LINK}).status_code == 302
    )
    assert Livestream.objects.get(title_zh_hans="冬季情绪健康直播").join_url == WECHAT_LINK
    article = Article.objects.first()
    article.video_url = WECHAT_LINK
    article.full_clean()
    article.save()


def test_a_moderate_result_says_how_to_join_each_session(api, client, questionnaires, hotlines):
    ExpertHours.objects.create(
        title="县医院心理科答疑",
        host="县医院心理科",
        platform="微信视频号",
        description="在微信搜索“县医院心理科”视频号",
        weekday=2,
        start_time="19:00",
        end_time="20:00",
        join_phone="0931-1234567 转 8",
    )
    moderate = {"answers": {f"phq9_{i}": v for i, v in enumerate((2, 2, 2, 2, 2, 0, 0, 0, 0), 1)}}
    with time_machine.travel(datetime(2026, 11, 24, 12, tzinfo=SHANGHAI), tick=False):
        body = api.post("/api/v1/questionnaires/phq-9/submissions/", moderate, format="json").json()
        page = client.get(f"/r/{body['token']}/").content.decode()
    session = body["recommendation"]["sessions"][0]
    assert session["description"] == "在微信搜索“县医院心理科”视频号"
    assert session["platform"] == "微信视频号"
    assert "在微信搜索“县医院心理科”视频号" in page and "微信视频号" in page
    # Tap to call: the number, a pause, then the extension; apps get the same link.
    assert '<a class="tap" href="tel:09311234567,8">0931-1234567 转 8</a>' in page
    assert session["join_tel"] == "tel:09311234567,8"


def test_a_link_typed_without_https_is_taken_as_https(admin_client, content):
    form = LIVESTREAM | {"join_url": "live.example.org/room/1"}
    assert add(admin_client, "livestream", form).status_code == 302
    saved = Livestream.objects.get(title_zh_hans="冬季情绪健康直播")
    assert saved.join_url == "https://live.example.org/room/1"


@pytest.mark.parametrize(
    "last_day,message",
    [
        ("2027-02-03", "The last day cannot be before the first day."),
        ("2072-02-17", "A pause lasts a year at most."),  # a typo for 2027
    ],
)
def test_a_pause_that_cannot_be_is_refused_and_nothing_is_saved(
    admin_client, content, last_day, message
):
    pause = {
        "pauses-TOTAL_FORMS": "1",
        "pauses-0-first_day": "2027-02-10",
        "pauses-0-last_day": last_day,
        "pauses-0-reason": "春节",
    }
    refused = add(admin_client, "experthours", HOURS | pause)
    assert refused.status_code == 200
    assert message in refused.content.decode()
    assert not ExpertHours.objects.filter(title_zh_hans=HOURS["title_zh_hans"]).exists()
    assert not HoursPause.objects.exists()


def test_a_content_editor_pauses_the_hours_for_spring_festival(client, content, staff_groups):
    from django.contrib.auth.models import Group

    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    hours = ExpertHours.objects.get(pk=1)
    page = client.get(f"/admin/content/experthours/{hours.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "pauses-TOTAL_FORMS" in page.content.decode(), "the editor sees the pauses inline"
    form = {
        field.html_name: value
        for field, value in ((bound, bound.value()) for bound in page.context["adminform"].form)
        if value is not None
    }
    form |= {
        "pauses-TOTAL_FORMS": "1",
        "pauses-INITIAL_FORMS": "0",
        "pauses-0-first_day": "2027-02-10",
        "pauses-0-last_day": "2027-02-17",
        "pauses-0-reason": "春节",
    }
    saved = client.post(f"/admin/content/experthours/{hours.pk}/change/", form)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    pause = hours.pauses.get()
    assert (pause.first_day.isoformat(), pause.last_day.isoformat()) == ("2027-02-10", "2027-02-17")


ARTICLE = {
    "title_zh_hans": "睡不好怎么办",
    "slug": "sleep",
    "summary_zh_hans": "几个小办法。",
    "body_zh_hans": "早睡早起。",
    "suits_mild": "on",
    "position": "1",
    "published": "on",
}


@pytest.mark.parametrize(
    "model, form",
    [
        ("livestream", LIVESTREAM | {"starts_at_0": "0001-01-01", "starts_at_1": "00:00"}),
        ("livestream", LIVESTREAM | {"ends_at_0": "0001-01-01"}),
        ("article", ARTICLE | {"published_at_0": "0001-01-01", "published_at_1": "00:00"}),
    ],
    ids=["livestream start", "livestream end", "article date"],
)
def test_a_date_in_year_one_is_refused_not_stored_to_break_every_list(
    admin_client, content, model, form
):
    # Stored in UTC, 0001-01-01 00:00 in Shanghai is before year 1: no list could read it back.
    model_class = {"livestream": Livestream, "article": Article}[model]
    before = model_class.objects.count()
    refused = add(admin_client, model, form)
    assert refused.status_code == 200
    assert "Enter a date in the year 2000 or later." in refused.content.decode()
    assert model_class.objects.count() == before
    assert admin_client.get(f"/admin/content/{model}/").status_code == 200


def test_an_article_saved_from_an_older_page_is_refused(admin_client, client, content):
    article = Article.objects.filter(published=True).first()
    url = f"/admin/content/article/{article.pk}/change/"
    taken_down, summary = {"published": None}, {"summary_zh_hans": "新的摘要"}
    refused = saved_from_both(admin_client, client, url, taken_down, summary)
    assert refused.status_code == 200
    assert "Someone else saved this while you had it open" in refused.content.decode()
    article.refresh_from_db()
    assert article.published is False, "the take-down stands"
