"""The statistics dashboard's numbers against a known fixture: days, weeks, tiers, cases."""

from datetime import date, timedelta

import pytest

from referrals.models import ReferralCase
from screening.dashboard import StatisticsForm
from tests.screening import dashboard_data
from tests.screening.dashboard_data import (
    counts,
    local,
    submit,
    summary,
)

pytestmark = pytest.mark.django_db
# The known data, and every case broken down (dashboard_data).
known = dashboard_data.known
break_down_every_case = dashboard_data.break_down_every_case


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
