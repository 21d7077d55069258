from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from referrals.models import Hotline
from referrals.regions import region_prefixes
from tests.admin_forms import saved_from_both

pytestmark = pytest.mark.django_db


def county_line(**fields) -> Hotline:
    defaults = dict(
        name="安定区心理援助热线",
        number="0932-1234567",
        region="621102",
        priority=1,
        open_24h=False,
        last_verified=date(2026, 11, 1),
    )
    return Hotline.objects.create(**(defaults | fields))


def test_region_codes_are_read_in_every_gbt2260_form():
    assert region_prefixes("621102") == ["621102", "6211", "62"]
    assert region_prefixes("621100") == ["6211", "62"]
    assert region_prefixes("620000") == ["62"]
    assert region_prefixes("62") == ["62"]
    assert region_prefixes("") == []


def test_a_county_line_comes_before_the_national_ones(hotlines):
    county_line()
    Hotline.objects.create(
        name="定西市热线", number="0932-7654321", region="621100", last_verified=date(2026, 11, 1)
    )
    numbers = [h.number for h in Hotline.objects.serving("621102")]
    assert numbers == ["0932-1234567", "0932-7654321", "12356", "400-161-9995", "110", "120"]


def test_other_regions_do_not_get_the_local_lines(hotlines):
    county_line()
    numbers = [h.number for h in Hotline.objects.serving("110108")]
    assert numbers == ["010-82951332", "12356", "400-161-9995", "110", "120"]
    assert [h.number for h in Hotline.objects.serving("")] == [
        "12356",
        "400-161-9995",
        "110",
        "120",
    ]


def test_inactive_lines_are_never_offered(hotlines):
    Hotline.objects.filter(number="400-161-9995").update(active=False)
    assert "400-161-9995" not in [h.number for h in Hotline.objects.serving("")]


def test_tap_to_call_and_hours(hotlines):
    hope = Hotline.objects.get(number="400-161-9995")
    assert hope.tel_uri == "tel:4001619995"
    line = county_line(opens_at=time(8), closes_at=time(22))
    shanghai = ZoneInfo("Asia/Shanghai")
    assert line.is_open_at(datetime(2026, 11, 24, 21, 59, tzinfo=shanghai)) is True
    assert line.is_open_at(datetime(2026, 11, 24, 22, 0, tzinfo=shanghai)) is False
    assert Hotline.objects.get(number="12356").is_open_at(datetime.now(shanghai)) is None
    assert hope.is_open_at(datetime.now(shanghai)) is True


def test_hotlines_api_routes_by_region(api, hotlines):
    county_line()
    body = api.get("/api/v1/hotlines/?region=621102").json()
    assert [h["number"] for h in body][:2] == ["0932-1234567", "12356"]
    assert body[1]["tel"] == "tel:12356"
    assert body[1]["national"] is True
    assert body[1]["last_verified"] == "2026-11-24"
    national = api.get("/api/v1/hotlines/").json()
    assert national[0]["number"] == "12356"
    english = api.get("/api/v1/hotlines/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[0]["name"] == "National psychological assistance hotline"


@pytest.mark.parametrize("active", [["400-161-9995"], []], ids=["12356 off", "hope line off too"])
def test_the_hotlines_api_always_lists_12356(api, hotlines, active):
    # Deactivated by mistake in admin: the list apps show must still have the national line.
    Hotline.objects.exclude(number__in=[*active, "110", "120"]).update(active=False)
    county_line()
    body = api.get("/api/v1/hotlines/?region=621102").json()
    numbers = [h["number"] for h in body]
    # The most local line first, then 12356 first of the national ones (before 110 and 120).
    assert numbers == ["0932-1234567", "12356", *active, "110", "120"]
    assert body[1]["tel"] == "tel:12356"


@pytest.mark.parametrize(
    "number, tel",
    [
        ("12356", "tel:12356"),
        ("400-161-9995", "tel:4001619995"),
        ("+86 10 8295 1332", "tel:+861082951332"),
        ("010-82951332 转 2", "tel:01082951332,2"),
        ("(0931)8412345 分机 12", "tel:09318412345,12"),
        ("０９３２－８２１２３４５", "tel:09328212345"),
        ("+86 (10) 8295 1332", "tel:+861082951332"),
        ("0086 (931) 8412345", "tel:00869318412345"),
        ("0931—8412345", "tel:09318412345"),
        ("400.161.9995", "tel:4001619995"),
        ("010-82951332，转2", "tel:01082951332,2"),
    ],
)
def test_a_line_taps_to_dial_exactly_the_number_shown(number, tel):
    line = Hotline(name="热线", number=number, last_verified=date(2026, 11, 1))
    line.full_clean()
    assert line.tel_uri == tel


@pytest.mark.parametrize(
    "number",
    ["见官网", "hotline", "转 2", "12356 24小时", "0932-8212345（24小时）", "12356 或 110"],
)
def test_a_number_a_phone_cannot_dial_is_refused(number):
    # Text after a number would be dialled with it ("12356 24" is no line).
    line = Hotline(name="热线", number=number, last_verified=date(2026, 11, 1))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == ["number"]


def test_a_crisis_page_dials_a_line_with_an_extension_after_a_pause(client, api, demo_data):
    Hotline.objects.filter(number="400-161-9995").update(number="010-82951332 转 2")
    answers = {f"phq9_{i}": 0 for i in range(1, 10)} | {"phq9_9": 1}
    body = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    ).json()
    assert "tel:01082951332,2" in [h["tel"] for h in body["hotlines"]]
    page = client.get(f"/r/{body['token']}/").content.decode()
    assert 'href="tel:01082951332,2">010-82951332 转 2</a>' in page


@pytest.mark.parametrize("region", ["4", "abc", "621", "62110", "6211020", "62-11", "１１"])
def test_a_mistyped_region_is_refused_not_saved_as_national(region):
    line = Hotline(
        name="热线", number="0932-1234567", region=region, last_verified=date(2026, 11, 1)
    )
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == ["region"]


@pytest.mark.parametrize("region", ["", "62", "6211", "621102", "621100", "620000"])
def test_region_codes_of_2_4_or_6_digits_are_accepted(region):
    line = Hotline(
        name="热线", number="0932-1234567", region=region, last_verified=date(2026, 11, 1)
    )
    line.full_clean()


def test_the_admin_refuses_a_mistyped_region(admin_client):
    form = {
        "name_zh_hans": "安定区心理援助热线",
        "number": "0932-1234567",
        "kind": "crisis",
        "region": "4",
        "priority": "1",
        "active": "on",
        "last_verified": "2026-11-01",
    }
    response = admin_client.post("/admin/referrals/hotline/add/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "region code of 2, 4 or 6 digits" in response.content.decode()
    assert not Hotline.objects.exists()
    assert (
        admin_client.post("/admin/referrals/hotline/add/", form | {"region": "110000"}).status_code
        == 302
    )
    assert Hotline.objects.get().region == "11"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hotlines/",
        "/api/v1/questionnaires/",
        "/api/v1/questionnaires/phq-9/",
        "/api/v1/sessions/",
        "/api/v1/articles/",
    ],
)
@pytest.mark.parametrize(
    "precondition",
    [{"HTTP_IF_MATCH": '"stale"'}, {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"}],
)
def test_a_stale_precondition_on_a_read_never_withholds_the_answer(
    api, demo_data, path, precondition
):
    response = api.get(path, **precondition)
    assert response.status_code == 200
    assert response.json()
    # A conditional GET still saves the download.
    etag = response["ETag"]
    assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_hotline_saved_from_an_older_page_does_not_undo_a_corrected_number(
    admin_client, client, hotlines
):
    line = Hotline.objects.get(number="400-161-9995")
    url = f"/admin/referrals/hotline/{line.pk}/change/"
    corrected, hours = {"number": "400-161-9996"}, {"hours_note_zh_hans": "节假日照常"}
    refused = saved_from_both(admin_client, client, url, corrected, hours)
    assert refused.status_code == 200
    assert "Someone else saved this while you had it open" in refused.content.decode()
    line.refresh_from_db()
    assert line.number == "400-161-9996"
    assert not line.hours_note_zh_hans


@pytest.mark.parametrize(
    "hours, field",
    [
        ({"opens_at": time(8)}, "closes_at"),
        ({"closes_at": time(22)}, "opens_at"),
        ({"opens_at": time(0), "closes_at": time(0)}, "closes_at"),
    ],
    ids=["no closing", "no opening", "same time"],
)
def test_half_given_or_empty_hours_are_refused(hours, field):
    # Shown on crisis results: half the hours would print as none, equal ones as never open.
    line = Hotline(name="热线", number="0932-1234567", last_verified=date(2026, 11, 1), **hours)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert list(error.value.message_dict) == [field]


@pytest.mark.parametrize(
    "hours",
    [
        {"opens_at": time(20), "closes_at": time(2)},
        {"opens_at": time(0), "closes_at": time(0), "open_24h": True},
        {},
    ],
    ids=["across midnight", "24 hours", "not given"],
)
def test_whole_hours_are_accepted(hours):
    Hotline(
        name="热线", number="0932-1234567", last_verified=date(2026, 11, 1), **hours
    ).full_clean()
