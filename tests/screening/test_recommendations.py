"""Each tier's next step, with the real fixture data, through the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from content.models import Article
from referrals.models import Hotline
from screening.models import ScoreBand

pytestmark = pytest.mark.django_db
SUBMIT = "/api/v1/questionnaires/{}/submissions/"


def submit(api, slug, values, channel=None, **headers):
    prefix = slug.replace("-", "")
    answers = {f"{prefix}_{i}": v for i, v in enumerate(values, 1)}
    body = {"answers": answers} | ({"channel": channel} if channel else {})
    response = api.post(SUBMIT.format(slug), body, format="json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


def test_mild_gives_a_few_published_articles_with_summaries(api, demo_data):
    Article.objects.filter(slug="sleep-well").update(published=False)
    body = submit(api, "phq-9", (1, 1, 1, 1, 1, 1, 0, 0, 0))
    assert body["tier"] == "mild"
    recommendation = body["recommendation"]
    assert recommendation["kind"] == "content"
    items = recommendation["items"]
    assert 1 <= len(items) <= 3
    assert "sleep-well" not in [i["slug"] for i in items]
    for item in items:
        assert set(item) >= {"title", "summary", "url", "video_url"}
        assert item["summary"]
        assert item["url"].startswith("http://testserver/articles/")


def test_mild_prefers_articles_made_for_the_questionnaire(api, demo_data):
    gad = submit(api, "gad-7", (1, 1, 1, 0, 0, 0, 0))
    assert gad["recommendation"]["items"][0]["slug"] == "worry-and-anxiety"
    phq = submit(api, "phq-9", (0,) * 9)
    assert phq["recommendation"]["items"][0]["slug"] == "what-is-low-mood"
    assert "worry-and-anxiety" not in [i["slug"] for i in phq["recommendation"]["items"]]


def test_article_links_lead_to_a_readable_page(api, demo_data):
    body = submit(api, "phq-9", (0,) * 9)
    page = api.get(body["recommendation"]["items"][0]["url"])
    assert page.status_code == 200
    assert "情绪低落是怎么回事" in page.content.decode()
    assert "12356" in page.content.decode()


@pytest.mark.parametrize("week", range(0, 60, 7))
def test_moderate_always_gives_upcoming_sessions(api, demo_data, week):
    moment = datetime(2027, 1, 5, 22, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment.timestamp() + week * 7 * 86400, tick=False):
        body = submit(api, "gad-7", (2, 2, 2, 2, 2, 0, 0))
    assert body["tier"] == "moderate"
    recommendation = body["recommendation"]
    assert recommendation["kind"] == "schedule"
    sessions = recommendation["sessions"]
    assert len(sessions) >= 3
    starts = [s["starts_at"] for s in sessions]
    assert starts == sorted(starts)
    for session in sessions:
        assert set(session) >= {"title", "host", "starts_at", "ends_at", "join_url", "kind"}
        assert session["ends_at"] > body["created_at"]


@pytest.mark.parametrize("values", [(3, 3, 3, 3, 3, 0, 0, 0, 0), (3,) * 8 + (0,)])
def test_severe_gives_a_referral_with_hotlines_and_callback(api, demo_data, values):
    body = submit(api, "phq-9", values)
    assert (body["tier"], body["crisis"]) == ("severe", False)
    recommendation = body["recommendation"]
    assert recommendation["kind"] == "referral"
    assert recommendation["crisis"] is False
    assert recommendation["safety_message"] == ""
    numbers = [h["number"] for h in recommendation["hotlines"]]
    assert numbers[0] == "12356"
    assert recommendation["callback_url"] == (
        f"http://testserver/api/v1/submissions/{body['token']}/callback/"
    )


def test_item9_at_total_one_gives_a_referral_led_by_the_safety_message(api, demo_data):
    body = submit(api, "phq-9", (0,) * 8 + (1,), HTTP_ACCEPT_LANGUAGE="en")
    assert (body["total_score"], body["crisis"], body["tier"]) == (1, True, "severe")
    recommendation = body["recommendation"]
    assert recommendation["kind"] == "referral"
    assert recommendation["crisis"] is True
    assert "call 110 or 120 now" in recommendation["safety_message"]
    assert recommendation["message"].startswith(recommendation["safety_message"])
    assert recommendation["hotlines"][0]["number"] == "12356"
    assert recommendation["hotlines"][0]["tel"] == "tel:12356"


@pytest.mark.parametrize(
    "slug, values, beijing_first",
    [
        ("phq-9", (0,) * 9, ["010-82951332", "12356"]),
        ("gad-7", (2, 2, 2, 2, 2, 0, 0), ["010-82951332", "12356"]),
        # Severe: the national line that answers everywhere leads, the local line right after.
        ("gad-7", (3,) * 7, ["12356", "010-82951332"]),
    ],
)
def test_every_tier_carries_the_hotlines_of_the_channel_region(
    api, demo_data, slug, values, beijing_first
):
    national = submit(api, slug, values)
    assert [h["number"] for h in national["hotlines"]] == [
        "12356",
        "400-161-9995",
        "110",
        "120",
    ]
    beijing = submit(api, slug, values, channel="demo")
    assert [h["number"] for h in beijing["hotlines"]][:2] == beijing_first


def test_a_crisis_in_a_region_with_a_local_line_still_leads_with_12356(api, demo_data):
    body = submit(api, "phq-9", (0,) * 8 + (1,), channel="demo")
    assert body["crisis"] is True
    expected = ["12356", "010-82951332", "400-161-9995", "110", "120"]
    assert [h["number"] for h in body["hotlines"]] == expected
    assert [h["number"] for h in body["recommendation"]["hotlines"]] == expected


CRISIS = (0,) * 8 + (1,)


@pytest.mark.parametrize(
    "edit",
    [
        lambda: Hotline.objects.filter(number="400-161-9995").update(priority=0),
        lambda: Hotline.objects.filter(number="12356").update(active=False),
        lambda: Hotline.objects.filter(number="12356").update(kind=Hotline.Kind.EMERGENCY),
        lambda: Hotline.objects.filter(number="12356").delete(),
        lambda: Hotline.objects.all().delete(),
    ],
    ids=["hope-24-first", "deactivated", "made-emergency", "deleted", "all-deleted"],
)
def test_no_hotline_edit_takes_12356_off_the_top_of_a_crisis_result(api, client, demo_data, edit):
    edit()
    body = submit(api, "phq-9", CRISIS)
    assert body["hotlines"][0]["number"] == "12356"
    assert body["hotlines"][0]["tel"] == "tel:12356"
    assert body["recommendation"]["hotlines"][0]["number"] == "12356"
    numbers = [h["number"] for h in body["hotlines"]]
    assert numbers.count("12356") == 1
    page = client.get(f"/r/{body['token']}/").content.decode()
    listed = page.split('<ul class="hotlines">')[1].split("</ul>")[0]
    assert listed.split("<li>")[1].startswith('<a class="call" href="tel:12356">12356</a>')


def test_the_codes_own_12356_speaks_the_results_language(api, demo_data):
    Hotline.objects.all().delete()
    chinese = submit(api, "phq-9", CRISIS)["hotlines"]
    english = submit(api, "phq-9", CRISIS, HTTP_ACCEPT_LANGUAGE="en")["hotlines"]
    assert [h["name"] for h in chinese] == ["全国统一心理援助热线"]
    assert [h["name"] for h in english] == ["National psychological assistance hotline"]
    assert english[0]["operator"] == "National Health Commission"
    assert english[0]["national"] is True
    mild = submit(api, "phq-9", (1, 1, 1, 1, 1, 1, 0, 0, 0))
    assert [h["number"] for h in mild["hotlines"]] == ["12356"], "every result carries it"


def test_a_stored_result_shows_the_same_next_step(api, demo_data):
    created = submit(api, "phq-9", (0,) * 8 + (2,))
    fetched = api.get(f"/api/v1/submissions/{created['token']}/").json()
    assert fetched["recommendation"] == created["recommendation"]
    assert fetched["hotlines"] == created["hotlines"]


@pytest.mark.parametrize(
    "slug, values",
    [
        ("phq-9", (0,) * 9),
        ("phq-9", (2, 2, 2, 2, 2, 0, 0, 0, 0)),
        ("phq-9", (3,) * 8 + (1,)),
    ],
)
def test_queries_per_submission_stay_constant_with_everything_included(
    api, demo_data, django_assert_max_num_queries, slug, values
):
    prefix = slug.replace("-", "")
    body = {"answers": {f"{prefix}_{i}": v for i, v in enumerate(values, 1)}, "channel": "demo"}
    # Cold caches: a moderate result reads its sessions, the articles suiting it and the
    # services near the channel; loading the live version reads its step-ups too.
    with django_assert_max_num_queries(15):
        response = api.post(SUBMIT.format(slug), body, format="json")
    assert response.status_code == 201


def test_a_crisis_with_a_low_total_never_says_there_is_little_trouble(api, demo_data):
    body = submit(api, "phq-9", (0,) * 8 + (1,), HTTP_ACCEPT_LANGUAGE="en")
    band = ScoreBand.objects.get(version__questionnaire__slug="phq-9", code="minimal")
    assert body["band"]["code"] == "minimal"
    assert body["band"]["meaning"] != band.meaning_en
    assert "may need help now, whatever the total score" in body["band"]["meaning"]
    chinese = submit(api, "phq-9", (0,) * 8 + (1,))
    assert chinese["band"]["meaning"] != band.meaning_zh_hans
    assert "总分" in chinese["band"]["meaning"]
    mild = submit(api, "phq-9", (0,) * 9)
    assert mild["band"]["meaning"] == band.meaning_zh_hans


def test_articles_marked_for_moderate_or_severe_results_are_listed_there(api, client, demo_data):
    Article.objects.update(suits_moderate=False, suits_severe=False)
    calls = Article.objects.get(slug="sleep-well")
    Article.objects.filter(pk=calls.pk).update(suits_mild=False, suits_severe=True)
    talking = Article.objects.exclude(pk=calls.pk).filter(published=True).first()
    Article.objects.filter(pk=talking.pk).update(suits_moderate=True)
    moderate = submit(api, "phq-9", (2, 2, 2, 2, 2, 0, 0, 0, 0))["recommendation"]
    assert [item["slug"] for item in moderate["items"]] == [talking.slug]
    crisis = submit(api, "phq-9", (0,) * 8 + (1,))
    assert [item["slug"] for item in crisis["recommendation"]["items"]] == [calls.slug]
    mild = submit(api, "phq-9", (1, 1, 1, 1, 1, 1, 0, 0, 0))["recommendation"]
    assert calls.slug not in [item["slug"] for item in mild["items"]]
    # On the page, last: below the hotlines and the call-back offer.
    page = client.get(f"/r/{crisis['token']}/").content.decode()
    assert page.index('id="callback"') < page.index(f'href="/articles/{calls.slug}/"')


def test_without_articles_marked_for_them_moderate_and_severe_list_none(api, demo_data):
    Article.objects.update(suits_moderate=False, suits_severe=False)
    moderate = submit(api, "phq-9", (2, 2, 2, 2, 2, 0, 0, 0, 0))["recommendation"]
    severe = submit(api, "phq-9", (3, 3, 3, 3, 3, 0, 0, 0, 0))["recommendation"]
    assert moderate["items"] == [] and severe["items"] == []
