"""The statistics dashboard's page and CSV: what clinicians see, who may, what it costs."""

import csv
import io
import random
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.national import CHINA_TIME
from referrals.models import ReferralCase
from screening import statistics
from screening.models import Channel, Questionnaire, Submission
from tests.screening import dashboard_data
from tests.screening.dashboard_data import (
    ANSWERS,
    CSV_URL,
    PHONE,
    RANGE,
    SCREENSHOTS,
    URL,
    local,
    open_case,
    read_csv,
    staff,
    submit,
    summary,
)

pytestmark = pytest.mark.django_db
# The known data, and every case broken down (dashboard_data).
known = dashboard_data.known
break_down_every_case = dashboard_data.break_down_every_case


# The page and the CSV export


def test_the_page_shows_the_numbers_and_charts(client, known):
    staff(client, "Clinician")
    page = client.get(URL, RANGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "<svg" in text
    assert text.count('role="img"') == 3
    assert "Submissions per day by tier" in text
    assert "Moderate: talk to an expert" in text, "the legend names each tier"
    assert "示例海报：甘肃省定西市安定区" in text
    assert "27.5 min" in text
    assert "33%" in text
    assert "First contact: when the crisis team first moved the case on from New" in text
    assert "PHQ-9 depression screen" in text
    assert f'href="{CSV_URL}?from=2026-03-02&amp;to=2026-03-15"' in text


def test_the_admin_index_links_to_the_dashboard_for_clinicians_only(client, known):
    staff(client, "Clinician")
    assert f'href="{URL}"' in client.get("/admin/").content.decode()
    client.logout()
    staff(client, "Content editor")
    assert f'href="{URL}"' not in client.get("/admin/").content.decode()


def test_csv_export_has_the_same_numbers(client, known):
    staff(client, "Clinician")
    response = client.get(CSV_URL, {**RANGE, "period": "week"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"], "kept by no browser or proxy"
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"] == 'attachment; filename="statistics-20260302-20260315.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["section", "key", "questionnaire", "measure", "value"]
    values = {tuple(row[:4]): row[4] for row in rows[1:]}
    assert values["filter", "from", "", ""] == "2026-03-02"
    assert values["filter", "period", "", ""] == "week"
    assert values["total", "all", "", "total"] == "7"
    assert values["total", "all", "", "severe"] == "3"
    assert values["total", "all", "", "crisis"] == "2"
    assert values["week", "2026-03-02", "phq-9", "total"] == "3"
    assert values["week", "2026-03-09", "gad-7", "moderate"] == "1"
    assert values["questionnaire", "gad-7", "gad-7", "total"] == "3"
    assert values["channel", "demo-gansu", "", "severe"] == "2"
    assert values["channel", "none", "", "total"] == "1"
    assert values["region", "none", "", "total"] == "2"
    assert values["region", "110105", "", "crisis"] == "1"
    assert values["cases", "all", "", "cases"] == "3"
    assert values["cases", "all", "", "contacted_within_30_min"] == "1"
    assert values["cases", "all", "", "share_within_30_min"] == "0.3333"
    assert values["cases", "all", "", "median_minutes_to_first_contact"] == "27.5"
    assert values["cases", "new", "", "cases"] == "1"
    assert PHONE not in response.content.decode()


def test_csv_export_keeps_chinese_names_and_filters(client, known):
    staff(client, superuser=True)
    rows = read_csv(client.get(CSV_URL, {**RANGE, "region": "62"}))
    assert ["filter", "region", "", "", "62"] in rows
    assert ["region", "621102", "", "total", "2"] in rows
    assert not [row for row in rows if row[0] == "region" and row[1] != "621102"]


def test_csv_export_keeps_codes_a_spreadsheet_would_compute_as_text(client, known):
    # A channel code "-1-2" would show as -3 in Excel or WPS.
    Channel.objects.create(code="-1-2", name="formula-like", region="")
    submit("phq-9", "mild", "-1-2", local("2026-03-05", 10))
    staff(client, superuser=True)
    rows = read_csv(client.get(CSV_URL, RANGE))
    assert ["channel", "'-1-2", "", "total", "1"] in rows
    assert ["filter", "from", "", "", RANGE["from"]] in rows, "dates stay as they are"


# Who may see it


def test_anonymous_people_are_sent_to_the_login(client, known):
    for url in (URL, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("group", ["Crisis team", "Content editor", None])
def test_staff_without_the_submission_permission_get_403(client, known, group):
    staff(client, group)
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_clinicians_see_it_without_phone_numbers(client, known):
    staff(client, "Clinician")
    page = client.get(URL, RANGE)
    assert page.status_code == 200
    assert ReferralCase.objects.filter(phone=PHONE).exists()
    text = page.content.decode()
    assert PHONE not in text
    assert "139****5678" not in text


def test_superusers_see_it(client, known):
    staff(client, superuser=True)
    assert client.get(URL, RANGE).status_code == 200


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"from": "2026-13-45"}, "Enter a valid date."),
        ({"to": "yesterday"}, "Enter a valid date."),
        ({"from": "0001-01-01"}, "greater than or equal to"),
        ({"from": "2026-03-15", "to": "2026-03-01"}, "The start date is after the end date."),
        ({"from": "2024-01-01", "to": "2026-03-01"}, "Choose at most 366 days."),
        ({"region": "abc"}, "region code of 2, 4 or 6 digits"),
        ({"region": "621"}, "region code of 2, 4 or 6 digits"),
        # Full width, as a Chinese input method types it: an error, not "no submissions".
        ({"region": "６２"}, "region code of 2, 4 or 6 digits"),
        ({"questionnaire": "phq-10"}, "Select a valid choice."),
        ({"channel": "nowhere"}, "Select a valid choice."),
        ({"period": "month"}, "Select a valid choice."),
    ],
)
def test_bad_filters_are_form_errors_not_crashes(client, known, filters, message):
    staff(client, "Clinician")
    page = client.get(URL, filters, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text
    assert 'class="errorlist' in text
    assert 'role="img"' not in text  # no chart drawn from invalid filters
    export = client.get(CSV_URL, filters, HTTP_ACCEPT_LANGUAGE="en")
    assert export.status_code == 400
    assert message in export.content.decode()


def test_the_page_defaults_to_the_last_30_days(client, known):
    staff(client, "Clinician")
    with time_machine.travel(local("2026-03-20", 12), tick=False):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'value="2026-02-19"' in text
    assert 'value="2026-03-20"' in text
    assert page.context["summary"]["totals"]["total"] == 9


# Cost


def many(n: int) -> None:
    rng = random.Random(n)
    kinds = list(ANSWERS)
    for i in range(n):
        slug, kind = rng.choice(kinds)
        submission = submit(
            slug,
            kind,
            rng.choice(["demo", "demo-gansu", None]),
            local("2026-03-02", 0) + timedelta(hours=rng.randrange(14 * 24)),
        )
        if i % 5 == 0:
            contacted = timedelta(minutes=rng.randrange(1, 90)) if i % 10 else None
            open_case(
                submission,
                after=timedelta(minutes=1),
                contacted_after=contacted,
                status="contacted" if contacted else "new",
            )


@pytest.mark.parametrize("n", [10, 100])
def test_statistics_cost_a_fixed_number_of_queries(channels, django_assert_max_num_queries, n):
    many(n)
    submissions = statistics.submissions_between(date(2026, 3, 2), date(2026, 3, 15), region="62")
    with django_assert_max_num_queries(4):
        statistics.summarise(submissions, start=date(2026, 3, 2), end=date(2026, 3, 15))


def test_the_page_costs_the_same_for_10_or_100_submissions(client, channels):
    staff(client, "Clinician")
    used = []
    for n in (10, 90):
        many(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {**RANGE, "period": "week"}).status_code == 200
        used.append(len(queries))
    assert Submission.objects.count() == 100
    assert used[0] == used[1], used


# How it looks


@pytest.mark.django_db(transaction=True)
# A fixed day, so that the screenshot shows the same weeks whenever it is taken.
@time_machine.travel(datetime(2026, 3, 20, 18, tzinfo=CHINA_TIME))
def test_screenshot_of_the_dashboard(staff_browser, live_server, channels, client, staff_groups):
    Channel.objects.create(code="chaoyang", name="北京市朝阳区某社区服务站", region="110105")
    Channel.objects.create(code="lanzhou", name="甘肃省兰州市城关区卫生院", region="620102")
    rng = random.Random(6)
    today = datetime.now(CHINA_TIME).replace(hour=9, minute=0, second=0, microsecond=0)
    weights = {"mild": 12, "moderate": 5, "severe": 2, "crisis": 1}
    channel_codes = ["demo", "demo", "demo-gansu", "chaoyang", "lanzhou", None]
    for day in range(30):
        for _ in range(rng.randrange(2, 9)):
            slug = rng.choice(["phq-9", "phq-9", "gad-7"])
            kinds = [k for k in weights if (slug, k) in ANSWERS]
            kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
            at = today - timedelta(days=day, minutes=rng.randrange(600))
            submission = submit(slug, kind, rng.choice(channel_codes), at)
            if kind == "crisis":
                wait = timedelta(minutes=rng.randrange(5, 60))
                open_case(submission, after=timedelta(minutes=1), contacted_after=wait)
    page = staff_browser(staff(client, "Clinician"))
    page.goto(f"{live_server.url}{URL}")
    assert page.locator("svg[role=img]").count() == 3
    assert PHONE not in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)
    assert Questionnaire.objects.count() == 2


@pytest.mark.parametrize("fewest, shown", [(5, False), (3, True)])
def test_few_cases_are_not_broken_down(admin_client, known, settings, fewest, shown):
    # One poster, one day: the figures would say which person asked for a call and what came of
    # it (the case queue keeps that from clinicians).
    settings.STATISTICS_FEWEST_CASES = fewest
    cases = summary()["cases"]
    assert cases["suppressed"] is not shown
    assert (cases["total"], cases["by_status"] is not None) == (
        (3, True) if shown else (None, False)
    )
    page = admin_client.get("/admin/statistics/", RANGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("fewer than 5" in page) is not shown
    exported = admin_client.get("/admin/statistics/export.csv", RANGE).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    case_rows = [row for row in rows if row[0] == "cases"]
    if shown:
        assert ["cases", "all", "", "cases", "3"] in case_rows and len(case_rows) > 5
    else:
        assert case_rows == [["cases", "all", "", "cases", "<5"]]


def test_no_cases_read_as_few_not_as_none(channels, settings):
    # "0" beside "fewer than 5" for the next poster would say that someone there asked.
    settings.STATISTICS_FEWEST_CASES = 5
    assert summary()["cases"]["suppressed"] is True
