"""The staff statistics dashboard: numbers against a known fixture, filters, CSV, roles, speed."""

import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.national import CHINA_TIME
from referrals.models import ReferralCase
from screening import statistics
from screening.dashboard import StatisticsForm
from screening.models import Channel, Questionnaire, QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db
URL = "/admin/statistics/"
CSV_URL = "/admin/statistics/export.csv"
RANGE = {"from": "2026-03-02", "to": "2026-03-15"}
PHONE = "13912345678"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

ANSWERS = {
    ("phq-9", "mild"): (0, 0, 0, 0, 0, 0, 0, 0, 0),
    ("phq-9", "moderate"): (2, 2, 2, 2, 2, 0, 0, 0, 0),
    ("phq-9", "severe"): (3, 3, 3, 3, 3, 0, 0, 0, 0),
    ("phq-9", "crisis"): (0, 0, 0, 0, 0, 0, 0, 0, 1),
    ("gad-7", "mild"): (0, 0, 0, 0, 0, 0, 0),
    ("gad-7", "moderate"): (2, 2, 2, 2, 2, 0, 0),
    ("gad-7", "severe"): (3, 3, 3, 3, 3, 0, 0),
}


def local(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=CHINA_TIME)


def submit(slug: str, kind: str, channel: str | None, at: datetime) -> Submission:
    version = QuestionnaireVersion.objects.current_for(slug)
    prefix = slug.replace("-", "")
    answers = {f"{prefix}_{i}": v for i, v in enumerate(ANSWERS[slug, kind], 1)}
    submission = Submission.create_from_answers(
        version=version,
        answers=answers,
        language="zh-hans",
        channel=Channel.objects.get(code=channel) if channel else None,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=at)
    submission.created_at = at
    return submission


def open_case(submission, *, after: timedelta, contacted_after=None, status="new", phone=PHONE):
    created = submission.created_at + after
    return ReferralCase.objects.create(
        submission=submission,
        phone=phone,
        consent_at=created,
        created_at=created,
        requested_at=created,
        status=status,
        first_contact_at=created + contacted_after if contacted_after else None,
    )


@pytest.fixture(autouse=True)
def break_down_every_case(settings):
    # The known data has three cases: below the default threshold of 5, which
    # test_few_cases_are_not_broken_down holds on its own (0 shows every count).
    settings.STATISTICS_FEWEST_CASES = 0


@pytest.fixture
def known(channels):
    """Seven submissions from 2 to 15 March 2026 (Shanghai days), two outside, three cases."""
    Channel.objects.create(code="chaoyang", name="朝阳区某社区", region="110105")
    Channel.objects.create(code="unplaced", name="No region yet", region="")
    s = {
        # 00:30 in Shanghai is still 1 March in UTC: days must be Shanghai days.
        1: submit("phq-9", "mild", "demo", local("2026-03-02", 0, 30)),
        2: submit("phq-9", "moderate", "demo", local("2026-03-02", 10)),
        3: submit("phq-9", "crisis", "demo-gansu", local("2026-03-02", 15)),
        4: submit("gad-7", "severe", "demo-gansu", local("2026-03-03", 23, 30)),
        5: submit("gad-7", "mild", None, local("2026-03-03", 9)),
        6: submit("phq-9", "crisis", "chaoyang", local("2026-03-09", 8)),
        7: submit("gad-7", "moderate", "unplaced", local("2026-03-09", 12)),
        # Outside the range: the evening before, and midnight after (15 March 16:00 UTC).
        8: submit("phq-9", "mild", "demo", local("2026-03-01", 23, 59)),
        9: submit("phq-9", "crisis", "demo", local("2026-03-16", 0)),
    }
    minutes = timedelta(minutes=1)
    open_case(s[3], after=2 * minutes, contacted_after=10 * minutes, status="contacted")
    open_case(s[6], after=2 * minutes, contacted_after=45 * minutes, status="closed")
    open_case(s[4], after=5 * minutes)
    open_case(s[9], after=minutes, contacted_after=5 * minutes, status="contacted")
    return s


def summary(**filters):
    form = StatisticsForm({**RANGE, **filters})
    assert form.is_valid(), form.errors
    return form.summary()


def counts(total, mild, moderate, severe, crisis):
    return {"total": total, "mild": mild, "moderate": moderate, "severe": severe, "crisis": crisis}


def test_totals_and_tiers_count_shanghai_days(known):
    assert summary()["totals"] == counts(7, 2, 2, 3, 2)


def test_it_counts_per_day_and_questionnaire(known):
    result = summary()
    assert result["period_rows"] == [
        {"period": date(2026, 3, 2), "questionnaire": "phq-9", **counts(3, 1, 1, 1, 1)},
        {"period": date(2026, 3, 3), "questionnaire": "gad-7", **counts(2, 1, 0, 1, 0)},
        {"period": date(2026, 3, 9), "questionnaire": "gad-7", **counts(1, 0, 1, 0, 0)},
        {"period": date(2026, 3, 9), "questionnaire": "phq-9", **counts(1, 0, 0, 1, 1)},
    ]
    series = {row["period"]: row["total"] for row in result["series"]}
    assert len(series) == 14, "every day of the range, empty ones too"
    assert series[date(2026, 3, 2)] == 3
    assert series[date(2026, 3, 9)] == 2
    assert series[date(2026, 3, 15)] == 0


def test_it_counts_per_week_starting_on_monday(known):
    result = summary(period="week")
    assert result["period_rows"] == [
        {"period": date(2026, 3, 2), "questionnaire": "gad-7", **counts(2, 1, 0, 1, 0)},
        {"period": date(2026, 3, 2), "questionnaire": "phq-9", **counts(3, 1, 1, 1, 1)},
        {"period": date(2026, 3, 9), "questionnaire": "gad-7", **counts(1, 0, 1, 0, 0)},
        {"period": date(2026, 3, 9), "questionnaire": "phq-9", **counts(1, 0, 0, 1, 1)},
    ]
    assert [(row["period"], row["total"]) for row in result["series"]] == [
        (date(2026, 3, 2), 5),
        (date(2026, 3, 9), 2),
    ]


def test_it_counts_per_questionnaire_channel_and_region(known):
    result = summary()
    assert result["questionnaires"] == [
        {"questionnaire": "phq-9", **counts(4, 1, 1, 2, 2)},
        {"questionnaire": "gad-7", **counts(3, 1, 1, 1, 0)},
    ]
    channels = {row["code"]: row for row in result["channels"]}
    assert [row["code"] for row in result["channels"]] == [
        "demo",
        "demo-gansu",
        "chaoyang",
        "unplaced",
        "none",
    ]
    assert channels["demo"]["total"] == 2
    assert channels["demo-gansu"] == {
        "code": "demo-gansu",
        "name": "示例海报：甘肃省定西市安定区",
        "region": "621102",
        **counts(2, 0, 0, 2, 1),
    }
    assert channels["none"] == {"code": "none", "name": "", "region": "", **counts(1, 1, 0, 0, 0)}
    regions = {row["region"]: row["total"] for row in result["regions"]}
    # "none": one submission without a channel, one from a channel without a region.
    assert regions == {"110108": 2, "621102": 2, "none": 2, "110105": 1}


def test_cases_median_and_share_first_contacted_within_30_minutes(known):
    cases = summary()["cases"]
    assert cases["total"] == 3
    assert cases["contacted"] == 2
    assert cases["within_target"] == 1
    assert cases["share_within_target"] == pytest.approx(1 / 3)
    assert cases["median_to_first_contact"] == timedelta(minutes=27, seconds=30)
    assert cases["median_minutes"] == pytest.approx(27.5)
    assert cases["by_status"] == {"new": 1, "contacted": 1, "closed": 1, "unreachable": 0}


def test_within_target_counts_from_the_latest_request(known):
    # Opened, then asked for again an hour later: the team's 30 minutes ran from then.
    case = ReferralCase.objects.get(status="closed")
    ReferralCase.objects.filter(pk=case.pk).update(
        requested_at=case.first_contact_at - timedelta(minutes=20)
    )
    assert summary()["cases"]["within_target"] == 2


@pytest.mark.parametrize(
    "filters, total, case_total",
    [
        ({"from": "2026-03-03", "to": "2026-03-09"}, 4, 2),
        ({"from": "2026-03-01", "to": "2026-03-01"}, 1, 0),
        ({"from": "2026-03-16", "to": "2026-03-16"}, 1, 1),
        ({"questionnaire": "gad-7"}, 3, 1),
        ({"questionnaire": "phq-9"}, 4, 2),
        ({"channel": "demo"}, 2, 0),
        ({"channel": "demo-gansu"}, 2, 2),
        ({"region": "11"}, 3, 1),
        ({"region": "1101"}, 3, 1),
        ({"region": "110100"}, 3, 1),
        ({"region": "110108"}, 2, 0),
        ({"region": "62"}, 2, 2),
        ({"region": "44"}, 0, 0),
        ({"questionnaire": "phq-9", "region": "62"}, 1, 1),
    ],
)
def test_each_filter_narrows_the_numbers(known, filters, total, case_total):
    result = summary(**filters)
    assert result["totals"]["total"] == total
    assert sum(row["total"] for row in result["series"]) == total
    assert sum(row["total"] for row in result["channels"]) == total
    assert sum(row["total"] for row in result["regions"]) == total
    assert result["cases"]["total"] == case_total


def test_region_filter_keeps_cases_waits_of_that_region(known):
    cases = summary(region="62")["cases"]
    assert (cases["contacted"], cases["within_target"]) == (1, 1)
    assert cases["median_minutes"] == pytest.approx(10)
    assert cases["share_within_target"] == pytest.approx(0.5)


def test_without_filters_it_shows_the_last_30_shanghai_days(db):
    form = StatisticsForm({}, today=date(2026, 3, 15))
    assert form.is_valid()
    assert form.cleaned_data["start"] == date(2026, 2, 14)
    assert form.cleaned_data["end"] == date(2026, 3, 15)
    assert form.cleaned_data["period"] == "day"


def test_without_cases_there_is_no_median(channels):
    submit("phq-9", "mild", "demo", local("2026-03-05", 12))
    cases = summary()["cases"]
    assert cases["total"] == 0
    assert cases["median_to_first_contact"] is None
    assert cases["share_within_target"] is None


# The page and the CSV export


def staff(client, group=None, *, superuser=False):
    user = User.objects.create_user(
        f"user-{group or 'super'}", password="x", is_staff=True, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


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


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(body[1:])))


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
