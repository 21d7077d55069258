"""Statistics by questionnaire and age band: counted in the same pass as the periods, small rows
suppressed as call-back cases are, a filter by age band, and the CSV."""

import re
from datetime import date, datetime

import pytest

from config.national import CHINA_TIME
from screening import statistics
from screening.models import QuestionnaireVersion, Submission
from tests.screening.dashboard_data import CSV_URL, URL
from tests.screening.test_dashboard_page import read_csv, staff

pytestmark = pytest.mark.django_db
RANGE = {"from": "2026-03-02", "to": "2026-03-15"}
AT = datetime(2026, 3, 3, 10, tzinfo=CHINA_TIME)
MILD = (0,) * 9
SEVERE = (3, 3, 3, 3, 3, 0, 0, 0, 0)
# A row of few submissions and one withheld to protect it, alike on the page.
NOT_SHOWN = '<td class="number" colspan="5">不予显示</td>'


def submit(age_band: str, values=MILD, slug="phq-9") -> None:
    version = QuestionnaireVersion.objects.current_for(slug)
    prefix = slug.replace("-", "")
    answers = {f"{prefix}_{i}": v for i, v in enumerate(values, 1)}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans", age_band=age_band
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=AT)


@pytest.fixture
def by_age(questionnaires, staff_groups):
    """PHQ-9: six from people over 60 (two severe), five without an age, two under 14; GAD-7:
    one from 14 to 17."""
    for values in (MILD,) * 4 + (SEVERE,) * 2:
        submit("60_plus", values)
    for _ in range(5):
        submit("")
    for _ in range(2):
        submit("under_14")
    submit("14_17", (0,) * 7, slug="gad-7")


def rows(summary) -> dict[tuple[str, str], dict]:
    return {(row["questionnaire"], row["age_band"]): row for row in summary["age_bands"]}


def summarise(**filters):
    submissions = statistics.submissions_between(date(2026, 3, 2), date(2026, 3, 15), **filters)
    return statistics.summarise(submissions, start=date(2026, 3, 2), end=date(2026, 3, 15))


def test_it_counts_per_questionnaire_and_age_band(by_age, settings):
    settings.STATISTICS_FEWEST_CASES = 0
    found = rows(summarise())
    assert list(found) == [
        ("gad-7", "14_17"),
        ("phq-9", "under_14"),
        ("phq-9", "60_plus"),
        ("phq-9", "none"),
    ]
    assert found["phq-9", "60_plus"] == {
        "questionnaire": "phq-9",
        "age_band": "60_plus",
        "total": 6,
        "mild": 4,
        "moderate": 0,
        "severe": 2,
        "crisis": 0,
        "suppressed": False,
        "withheld": False,
    }
    assert found["phq-9", "under_14"]["total"] == 2


def test_rows_of_fewer_than_five_are_only_said_to_be_few(by_age):
    found = rows(summarise())
    assert found["phq-9", "60_plus"]["total"] == 6
    for key in (("phq-9", "under_14"), ("gad-7", "14_17")):
        assert found[key]["suppressed"] is True
        assert found[key]["withheld"] is False
        assert {found[key][m] for m in ("total", *statistics.TIERS, "crisis")} == {None}
    # PHQ-9's five without an age are withheld: 13 - 6 - 5 would give the two under 14.
    assert found["phq-9", "none"]["suppressed"] is True
    assert found["phq-9", "none"]["withheld"] is True
    assert found["phq-9", "none"]["total"] is None
    # The other tables are unchanged by the suppression.
    assert summarise()["totals"]["total"] == 14


@pytest.mark.parametrize(
    "band, total", [("60_plus", 6), ("under_14", 2), ("14_17", 1), ("none", 5), ("18_59", 0)]
)
def test_the_age_band_filter_narrows_everything(by_age, band, total):
    assert summarise(age_band=band)["totals"]["total"] == total


def test_the_page_shows_the_table_and_filters_by_age_band(client, by_age):
    staff(client, "Clinician")
    page = client.get(URL, RANGE).content.decode()
    assert 'id="by-age-band"' in page and "60岁及以上" in page and "未填年龄" in page
    assert page.count(NOT_SHOWN) == 3 and "一并隐去的年龄段" in page
    filtered = client.get(URL, {**RANGE, "age_band": "60_plus"})
    assert filtered.status_code == 200
    assert filtered.context["summary"]["totals"]["total"] == 6
    assert client.get(URL, {**RANGE, "age_band": "teen"}).context["form"].errors["age_band"]


def test_the_csv_has_rows_by_age_band_with_few_suppressed(client, by_age):
    staff(client, "Clinician")
    found = read_csv(client.get(CSV_URL, RANGE))
    values = {tuple(row[:4]): row[4] for row in found[1:]}
    assert values["age_band", "60_plus", "phq-9", "total"] == "6"
    assert values["age_band", "60_plus", "phq-9", "severe"] == "2"
    assert values["age_band", "none", "phq-9", "total"] == "not shown"
    assert ("age_band", "none", "phq-9", "mild") not in values
    assert values["age_band", "under_14", "phq-9", "total"] == "not shown"
    assert ("age_band", "under_14", "phq-9", "mild") not in values
    assert values["age_band", "14_17", "gad-7", "total"] == "not shown"
    assert ["filter", "age_band", "", "", ""] in found
    filtered = read_csv(client.get(CSV_URL, {**RANGE, "age_band": "60_plus"}))
    assert ["filter", "age_band", "", "", "60_plus"] in filtered
    assert ["total", "all", "", "total", "6"] in filtered


def test_two_missing_bands_protect_each_other_and_none_is_withheld(questionnaires):
    # Under 14 (2) and 14 to 17 (1) are both left out: only their sum, 3, can be worked out.
    for _ in range(2):
        submit("under_14")
    submit("14_17")
    for _ in range(6):
        submit("60_plus")
    found = rows(summarise())
    assert [found["phq-9", band]["suppressed"] for band in ("under_14", "14_17", "60_plus")] == [
        True,
        True,
        False,
    ]
    assert not any(row["withheld"] for row in found.values())
    assert found["phq-9", "60_plus"]["total"] == 6


def test_the_smallest_shown_band_is_the_one_withheld(questionnaires):
    for band, n in (("under_14", 1), ("14_17", 7), ("18_59", 5), ("60_plus", 9)):
        for _ in range(n):
            submit(band)
    found = rows(summarise())
    assert {band: (row["total"], row["withheld"]) for (_, band), row in found.items()} == {
        "under_14": (None, False),
        "14_17": (7, False),
        "18_59": (None, True),
        "60_plus": (9, False),
    }
    # Unfiltered, the table by questionnaire and the total stay exact.
    summary = summarise()
    assert summary["totals"]["total"] == 22
    assert summary["questionnaires"][0]["total"] == 22
    assert "suppressed" not in summary["questionnaires"][0]


def filtered(client, band: str):
    response = client.get(URL, {**RANGE, "age_band": band})
    assert response.status_code == 200
    return response.context["summary"], response.content.decode()


def test_filtered_by_age_band_every_table_suppresses_the_few(client, by_age):
    # The two PHQ-9s from under-14s: no table may say 2, nor the crisis count 0.
    staff(client, "Clinician")
    summary, page = filtered(client, "under_14")
    assert summary["suppress"] is True
    assert summary["totals"]["suppressed"] is True and summary["totals"]["total"] is None
    assert summary["totals"]["crisis"] is None
    for name in ("period_rows", "questionnaires", "age_bands", "channels", "regions", "series"):
        assert summary[name], name
        for row in summary[name]:
            assert row["suppressed"] is True, (name, row)
            assert {row[m] for m in ("total", *statistics.TIERS, "crisis")} == {None}
    assert summary["cases"]["suppressed"] is True
    assert 'id="suppressed-by-age-band"' in page and "按年龄段筛选时" in page
    assert "<dd>不予显示</dd>" in page
    assert page.count(NOT_SHOWN) == 5
    found = read_csv(client.get(CSV_URL, {**RANGE, "age_band": "under_14"}))
    numbers = [row for row in found[1:] if row[0] != "filter"]
    assert ["total", "all", "", "total", "not shown"] in numbers
    assert ["questionnaire", "phq-9", "phq-9", "total", "not shown"] in numbers
    assert ["day", "2026-03-03", "phq-9", "total", "not shown"] in numbers
    assert ["channel", "none", "", "total", "not shown"] in numbers
    assert ["region", "none", "", "total", "not shown"] in numbers
    # Only the call-back cases, one figure that nothing is withheld for, say how few.
    assert ["cases", "all", "", "cases", "<5"] in numbers
    assert {row[4] for row in numbers} <= {"not shown", "<5"}, numbers


def test_filtered_big_enough_rows_stay_and_a_lone_small_one_is_protected(client, questionnaires):
    # Under 14: six PHQ-9s and two GAD-7s. The total (8) is shown, so the GAD-7s' "fewer than 5"
    # would be 8 - 6: the PHQ-9 row is withheld too, in every table that sums to the total.
    staff(client, "Clinician")
    for _ in range(6):
        submit("under_14")
    for _ in range(2):
        submit("under_14", (0,) * 7, slug="gad-7")
    submit("60_plus")
    summary, page = filtered(client, "under_14")
    assert page.count(NOT_SHOWN) == 6 and "不说明是哪一种" in page
    assert summary["totals"]["total"] == 8 and summary["totals"]["suppressed"] is False
    by_slug = {row["questionnaire"]: row for row in summary["questionnaires"]}
    assert (by_slug["gad-7"]["suppressed"], by_slug["gad-7"]["withheld"]) == (True, False)
    assert (by_slug["phq-9"]["suppressed"], by_slug["phq-9"]["withheld"]) == (True, True)
    assert all(row["suppressed"] for row in summary["period_rows"])
    assert all(row["suppressed"] for row in summary["age_bands"])
    # One channel (none) and region of all eight, one day of all eight: those are shown.
    assert [row["total"] for row in summary["channels"]] == [8]
    assert [row["total"] for row in summary["regions"]] == [8]
    shown = [row for row in summary["series"] if not row["suppressed"]]
    assert [(row["period"], row["total"]) for row in shown] == [(date(2026, 3, 3), 8)]
    values = {
        tuple(row[:4]): row[4]
        for row in read_csv(client.get(CSV_URL, {**RANGE, "age_band": "under_14"}))[1:]
    }
    assert values["questionnaire", "gad-7", "gad-7", "total"] == "not shown"
    assert values["questionnaire", "phq-9", "phq-9", "total"] == "not shown"
    assert values["total", "all", "", "total"] == "8"
    # Unfiltered, nothing but the table by age band changes.
    everything = summarise()
    assert {row["questionnaire"]: row["total"] for row in everything["questionnaires"]} == {
        "phq-9": 7,
        "gad-7": 2,
    }


def test_filtered_hidden_rows_are_listed_last_by_name_not_by_size(questionnaires):
    # Busiest first, the withheld PHQ-9s (5) would be listed above the one GAD-7: 6 = 5 + 1.
    for _ in range(5):
        submit("under_14")
    submit("under_14", (0,) * 7, slug="gad-7")
    submissions = statistics.submissions_between(
        date(2026, 3, 2), date(2026, 3, 15), age_band="under_14"
    )
    summary = statistics.summarise(
        submissions, start=date(2026, 3, 2), end=date(2026, 3, 15), suppress=True
    )
    assert summary["totals"]["total"] == 6
    assert [(row["questionnaire"], row["withheld"]) for row in summary["questionnaires"]] == [
        ("gad-7", False),
        ("phq-9", True),
    ]


def without_tokens(page: str) -> str:
    # The admin header's logout form carries a CSRF token masked afresh on every request.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize(
    "filters, pair, hidden",
    [
        (
            {},
            [("under_14", "phq-9"), ("60_plus", "phq-9")],
            {("age_band", "under_14", "phq-9"), ("age_band", "60_plus", "phq-9")},
        ),
        (
            {"age_band": "under_14"},
            [("under_14", "phq-9"), ("under_14", "gad-7")],
            {("questionnaire", "phq-9", "phq-9"), ("questionnaire", "gad-7", "gad-7")},
        ),
    ],
    ids=["by-age-band", "filtered-by-age-band"],
)
def test_a_total_of_six_over_two_hidden_rows_does_not_say_which_holds_one(
    client, questionnaires, staff_groups, filters, pair, hidden
):
    # 6 = 1 + 5: "fewer than 5" beside "withheld" forced 1 and 5. Which row holds the one
    # must not show: the page and the CSV read the same either way round.
    staff(client, "Clinician")
    seen, withheld = [], []
    for small, big in (pair, pair[::-1]):
        Submission.objects.all().delete()
        for (band, slug), n in ((small, 1), (big, 5)):
            for _ in range(n):
                submit(band, MILD if slug == "phq-9" else (0,) * 7, slug=slug)
        response = client.get(URL, {**RANGE, **filters})
        summary = response.context["summary"]
        withheld.append([row["withheld"] for row in summary["age_bands"]])
        exported = read_csv(client.get(CSV_URL, {**RANGE, **filters}))
        seen.append((exported, without_tokens(response.content.decode()).splitlines()))
    assert withheld[0] != withheld[1], "the small and the withheld row swap places"
    assert seen[0][0] == seen[1][0]
    assert seen[0][1] == seen[1][1]
    exported, page = seen[0][0], "\n".join(seen[0][1])
    assert ["total", "all", "", "total", "6"] in exported
    assert {tuple(row[:3]) for row in exported if row[4] == "not shown"} >= hidden
    assert not {"<5", "withheld"} & {row[4] for row in exported if row[0] != "cases"}
    assert page.count(NOT_SHOWN) >= 2 and "withheld" not in page
