"""The public hotline list for a young person: ``/api/v1/hotlines/?age_band=`` lists the youth
line 12355 under 18, right after 12356, as their results do; without it the list is as before."""

from datetime import date

import pytest

from referrals.models import Hotline

pytestmark = pytest.mark.django_db

HOTLINES = "/api/v1/hotlines/"
ADULT_LIST = ["12356", "400-161-9995", "110", "120"]
MINOR_LIST = ["12356", "12355", "400-161-9995", "110", "120"]


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [line["number"] for line in response.json()]


def county_line() -> Hotline:
    return Hotline.objects.create(
        name="安定区心理援助热线",
        number="0932-1234567",
        region="621102",
        priority=1,
        last_verified=date(2026, 11, 1),
    )


def test_without_an_age_the_list_has_no_youth_line(api, hotlines):
    assert numbers(api.get(HOTLINES)) == ADULT_LIST


@pytest.mark.parametrize("band", ["under_14", "14_17"])
def test_under_18_the_youth_line_follows_12356(api, hotlines, band):
    body = api.get(HOTLINES, {"age_band": band}).json()
    assert [line["number"] for line in body] == MINOR_LIST
    assert body[1]["for_minors"] is True
    assert body[1]["tel"] == "tel:12355"


@pytest.mark.parametrize("band", ["18_59", "60_plus", ""])
def test_an_adult_or_an_empty_band_gets_the_list_as_without_one(api, hotlines, band):
    with_band = api.get(HOTLINES, {"age_band": band})
    assert numbers(with_band) == ADULT_LIST
    assert with_band.content == api.get(HOTLINES).content


def test_after_a_local_line_12356_still_comes_before_12355(api, hotlines):
    county_line()
    listed = numbers(api.get(HOTLINES, {"region": "621102", "age_band": "14_17"}))
    assert listed == ["0932-1234567", *MINOR_LIST]


@pytest.mark.parametrize("band", ["under_14", "14_17"])
def test_the_list_is_in_the_order_of_a_minors_result(api, demo_data, band):
    # The same lines in the same order as a mild result for the same age, from the same code.
    answers = {f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 1, 1, 0, 0, 0), 1)}
    result = api.post(
        "/api/v1/questionnaires/phq-9/submissions/",
        {"answers": answers, "age_band": band},
        format="json",
    ).json()
    assert result["tier"] == "mild"
    listed = numbers(api.get(HOTLINES, {"age_band": band}))
    assert listed == [line["number"] for line in result["hotlines"]]


def test_with_12356_switched_off_the_codes_own_still_leads_the_youth_line(api, hotlines):
    Hotline.objects.filter(number="12356").update(active=False)
    body = api.get(HOTLINES, {"age_band": "under_14"}).json()
    assert [line["number"] for line in body][:2] == ["12356", "12355"]


@pytest.mark.parametrize("band", ["minor", "UNDER_14", "17", "under_14 ", "\x00"])
def test_an_unknown_age_band_is_refused_naming_it_with_the_national_lines(api, hotlines, band):
    response = api.get(HOTLINES, {"age_band": band}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"age_band", "hotlines"}
    assert "not a valid choice" in body["age_band"][0]
    assert [line["number"] for line in body["hotlines"]][0] == "12356"
    # A refusal is not kept by a CDN or phone as the list.
    assert "public" not in response.get("Cache-Control", "")


def test_each_age_is_its_own_answer_to_a_conditional_get(api, hotlines):
    adult = api.get(HOTLINES)
    minor = api.get(HOTLINES, {"age_band": "14_17"})
    assert adult["ETag"] != minor["ETag"]
    # An app that kept the adult list must not be told the young person's one is the same.
    url = f"{HOTLINES}?age_band=14_17"
    assert api.get(url, HTTP_IF_NONE_MATCH=adult["ETag"]).status_code == 200
    again = api.get(url, HTTP_IF_NONE_MATCH=minor["ETag"])
    assert again.status_code == 304
    for response in (minor, again):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=60"}
    # Both ages of a child share one list: one answer, one ETag.
    assert api.get(HOTLINES, {"age_band": "under_14"})["ETag"] == minor["ETag"]
