"""Results remember the hotlines, articles, sessions and channels they list for a few seconds."""

import time

import pytest
import time_machine
from django.db import connection

from config.caching import RECENT_SECONDS
from content.models import Article
from referrals.models import Hotline
from screening.models import Channel, Questionnaire, Submission

pytestmark = pytest.mark.django_db
SUBMIT = "/api/v1/questionnaires/{}/submissions/"
MILD = (1, 1, 1, 1, 1, 0, 0, 0, 0)
MODERATE = (2, 2, 2, 2, 2, 0, 0, 0, 0)
SEVERE = (3, 3, 3, 3, 3, 0, 0, 0, 0)
CRISIS = (0,) * 8 + (1,)


def submit(api, values, channel="demo", **headers):
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    body = {"answers": answers, "channel": channel}
    response = api.post(SUBMIT.format("phq-9"), body, format="json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def frozen_clock():
    # One window of RECENT_SECONDS for the whole test, however slow the machine.
    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("values", [MILD, MODERATE, SEVERE, CRISIS])
def test_a_repeated_result_costs_only_its_insert(
    api, demo_data, frozen_clock, django_assert_num_queries, values
):
    first = submit(api, values)
    with django_assert_num_queries(1):
        again = submit(api, values)
    assert again["token"] != first["token"]
    for part in ("band", "tier", "crisis", "hotlines", "channel"):
        assert again[part] == first[part]
    if first["recommendation"]["kind"] == "referral":
        assert first["recommendation"]["callback_url"].endswith(f"/{first['token']}/callback/")
        assert again["recommendation"]["callback_url"].endswith(f"/{again['token']}/callback/")
    else:
        assert again["recommendation"] == first["recommendation"]


def test_a_hotline_saved_in_admin_shows_in_the_next_result(api, demo_data, frozen_clock):
    submit(api, SEVERE)
    hotline = Hotline.objects.get(number="010-82951332")
    hotline.number = "010-82951333"
    hotline.save()
    numbers = [h["number"] for h in submit(api, SEVERE)["hotlines"]]
    assert "010-82951333" in numbers
    assert "010-82951332" not in numbers


def test_an_article_or_channel_saved_shows_in_the_next_result(api, demo_data, frozen_clock):
    first = submit(api, MILD)["recommendation"]["items"][0]
    article = Article.objects.get(slug=first["slug"])
    article.published = False
    article.save()
    assert first["slug"] not in [i["slug"] for i in submit(api, MILD)["recommendation"]["items"]]

    channel = Channel.objects.get(code="demo")
    channel.active = False
    channel.save()
    assert submit(api, MILD)["channel"] is None


def test_an_edit_from_another_process_shows_within_a_few_seconds(api, demo_data, frozen_clock):
    submit(api, CRISIS)
    # Another process's edit sends no signal here: this one keeps what it read for the window.
    Hotline.objects.filter(number="010-82951332").update(number="010-82951333")
    assert "010-82951332" in [h["number"] for h in submit(api, CRISIS)["hotlines"]]
    frozen_clock.shift(RECENT_SECONDS)
    numbers = [h["number"] for h in submit(api, CRISIS)["hotlines"]]
    assert "010-82951333" in numbers
    assert "010-82951332" not in numbers


def test_remembered_rows_are_shown_in_each_request_language(api, demo_data, frozen_clock):
    chinese = submit(api, CRISIS)
    english = submit(api, CRISIS, HTTP_ACCEPT_LANGUAGE="en")
    assert chinese["hotlines"][0]["name"] == "全国统一心理援助热线"
    assert english["hotlines"][0]["name"] != chinese["hotlines"][0]["name"]
    assert english["hotlines"][0]["name"].isascii()
    assert submit(api, CRISIS)["hotlines"] == chinese["hotlines"]


def test_article_links_follow_the_host_each_request_came_to(api, demo_data, frozen_clock):
    here = submit(api, MILD)["recommendation"]["items"]
    there = submit(api, MILD, HTTP_HOST="localhost")["recommendation"]["items"]
    assert [i["url"].split("/")[2] for i in here] == ["testserver"] * len(here)
    assert [i["url"].split("/")[2] for i in there] == ["localhost"] * len(there)


@pytest.mark.django_db(transaction=True)
def test_a_poster_deleted_by_another_instance_never_stops_a_result(api, demo_data, frozen_clock):
    assert submit(api, MILD)["channel"] == "demo"
    channel = Channel.objects.get(code="demo")
    # As Django's SET_NULL delete does it on another instance: no signal reaches this process.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE screening_submission SET channel_id = NULL WHERE channel_id = %s", [channel.pk]
        )
        cursor.execute("DELETE FROM screening_channel WHERE id = %s", [channel.pk])
    for values in (CRISIS, MILD):
        body = submit(api, values)
        assert body["channel"] is None
        assert Submission.objects.get(token=body["token"]).channel_id is None


def test_an_article_moved_to_another_questionnaire_leaves_the_next_result(
    api, demo_data, frozen_clock
):
    assert "what-is-low-mood" in [i["slug"] for i in submit(api, MILD)["recommendation"]["items"]]
    article = Article.objects.get(slug="what-is-low-mood")
    # Only the many-to-many rows change (as admin saves them after the article itself).
    article.questionnaires.set(Questionnaire.objects.filter(slug="gad-7"))
    items = submit(api, MILD)["recommendation"]["items"]
    assert "what-is-low-mood" not in [i["slug"] for i in items]
