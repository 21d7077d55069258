"""Upcoming sessions: livestreams and recurring expert hours, merged, never stale."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from icalendar import Calendar

from content.models import ExpertHours, HoursPause, Livestream, Session, upcoming_sessions

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_recurring_hours_yield_sessions_in_any_week_far_ahead(content):
    # The demo data must never run dry: check weeks spread over years.
    for start in (at(2026, 11, 24, 12), at(2027, 6, 1, 8), at(2031, 2, 14, 23, 59)):
        for week in range(3):
            now = start + timedelta(weeks=week)
            sessions = upcoming_sessions(now=now)
            assert len(sessions) >= 3
            assert all(s.ends_at > now for s in sessions)
            assert [s.starts_at for s in sessions] == sorted(s.starts_at for s in sessions)


def test_tuesday_hours_fall_on_tuesday_evening_shanghai_time(content):
    hours = ExpertHours.objects.get(pk=1)
    sessions = hours.occurrences(at(2026, 11, 24, 12), at(2026, 12, 31))
    assert sessions[0].starts_at == at(2026, 11, 24, 19)
    assert sessions[0].ends_at == at(2026, 11, 24, 21)
    assert all(s.starts_at.astimezone(SHANGHAI).weekday() == 1 for s in sessions)
    assert [s.starts_at.day for s in sessions[:3]] == [24, 1, 8]


def test_a_session_running_now_is_still_listed_but_an_ended_one_is_not(content):
    hours = ExpertHours.objects.get(pk=1)
    during = hours.occurrences(at(2026, 11, 24, 20), at(2026, 12, 31))
    assert during[0].starts_at == at(2026, 11, 24, 19)
    after = hours.occurrences(at(2026, 11, 24, 21), at(2026, 12, 31))
    assert after[0].starts_at == at(2026, 12, 1, 19)


def test_livestreams_and_hours_are_merged_soonest_first(content):
    Livestream.objects.create(
        title="冬季情绪健康直播",
        host="李医生",
        starts_at=at(2026, 11, 25, 20),
        ends_at=at(2026, 11, 25, 21),
        join_url="https://example.org/live/1",
    )
    Livestream.objects.create(
        title="已结束的直播",
        host="王医生",
        starts_at=at(2026, 11, 20, 20),
        ends_at=at(2026, 11, 20, 21),
        join_url="https://example.org/live/0",
    )
    sessions = upcoming_sessions(now=at(2026, 11, 24, 22))
    assert [(s.kind, s.starts_at) for s in sessions[:3]] == [
        (Session.LIVESTREAM, at(2026, 11, 25, 20)),
        (Session.EXPERT_HOURS, at(2026, 11, 28, 9)),
        (Session.EXPERT_HOURS, at(2026, 12, 1, 19)),
    ]
    assert "已结束的直播" not in [s.title for s in sessions]


def test_hours_respect_their_first_and_last_day(content):
    hours = ExpertHours.objects.get(pk=1)
    hours.valid_from = at(2026, 12, 1).date()
    hours.valid_until = at(2026, 12, 8).date()
    hours.save()
    sessions = hours.occurrences(at(2026, 11, 20), at(2027, 2, 1))
    assert [s.starts_at.day for s in sessions] == [1, 8]


def test_sessions_api_lists_upcoming_sessions_with_calendar_links(api, content):
    with time_machine.travel(at(2027, 3, 2, 12), tick=False):
        body = api.get("/api/v1/sessions/").json()
    assert body[0]["kind"] == "expert_hours"
    assert body[0]["starts_at"] == "2027-03-02T19:00:00+08:00"
    assert body[0]["ics_url"] == "http://testserver/sessions/expert_hours/1.ics"


def test_a_session_offers_an_ics_file_phones_can_import(api, content):
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        response = api.get("/sessions/expert_hours/1.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Shanghai" in text
    assert "DTSTART;TZID=Asia/Shanghai:20261124T190000" in text
    assert "RRULE:FREQ=WEEKLY" in text
    assert "县医院心理科专家在线答疑" in text


def test_a_livestream_ics_is_a_single_event(api, content):
    stream = Livestream.objects.create(
        title="直播",
        host="李医生",
        starts_at=at(2026, 12, 5, 20),
        ends_at=at(2026, 12, 5, 21),
        join_url="https://example.org/live/1",
    )
    text = api.get(f"/sessions/livestream/{stream.pk}.ics").content.decode()
    assert "DTSTART;TZID=Asia/Shanghai:20261205T200000" in text
    assert "RRULE" not in text
    assert api.get("/sessions/livestream/999.ics").status_code == 404
    assert api.get("/sessions/other/1.ics").status_code == 404


def test_hours_with_a_last_day_repeat_until_the_end_of_that_day_in_utc(api, content):
    hours = ExpertHours.objects.get(pk=1)
    hours.valid_until = date(2026, 12, 8)
    hours.save()
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        text = api.get("/sessions/expert_hours/1.ics").content.decode()
    # 8 December 23:59:59 in Shanghai is 15:59:59 UTC; a bare date beside a TZID is invalid.
    assert "RRULE:FREQ=WEEKLY;UNTIL=20261208T155959Z" in text
    calendar = Calendar.from_ical(text)
    event = next(iter(calendar.walk("VEVENT")))
    assert event["RRULE"]["UNTIL"][0].tzinfo is not None


def test_a_changed_session_gets_a_higher_sequence_so_calendars_take_the_new_time(api, content):
    # A phone that imported the weekly hours keeps the old time unless the new file says
    # it is a later edit of the same event (same UID, higher SEQUENCE).
    def ics() -> dict:
        with time_machine.travel(at(2026, 11, 24, 12), tick=False):
            text = api.get("/sessions/expert_hours/1.ics").content
        return Calendar.from_ical(text).walk("VEVENT")[0]

    hours = ExpertHours.objects.get(pk=1)
    with time_machine.travel(at(2026, 11, 20, 9), tick=False):
        hours.save()
    before = ics()
    with time_machine.travel(at(2026, 11, 21, 9), tick=False):
        hours.start_time = "18:30"
        hours.save()
    after = ics()
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]) >= 0
    assert after.decoded("LAST-MODIFIED") == at(2026, 11, 21, 9)
    assert after.decoded("DTSTART") == at(2026, 11, 24, 18, 30)


def test_paused_weeks_are_left_out_and_the_hours_come_back_after(content):
    hours = ExpertHours.objects.get(pk=1)  # Tuesdays 19:00
    HoursPause.objects.create(hours=hours, first_day=date(2026, 12, 1), last_day=date(2026, 12, 8))
    HoursPause.objects.create(
        hours=hours, first_day=date(2026, 12, 29), last_day=date(2026, 12, 29)
    )
    hours = ExpertHours.objects.prefetch_related("pauses").get(pk=1)
    sessions = hours.occurrences(at(2026, 11, 24, 12), at(2027, 1, 12))
    assert [s.starts_at for s in sessions] == [
        at(2026, 11, 24, 19), at(2026, 12, 15, 19), at(2026, 12, 22, 19), at(2027, 1, 5, 19)
    ]  # fmt: skip
    listed = upcoming_sessions(now=at(2026, 11, 25, 12), limit=20)
    tuesdays = [s.starts_at for s in listed if s.source == hours]
    assert tuesdays[:2] == [at(2026, 12, 15, 19), at(2026, 12, 22, 19)]


@pytest.mark.parametrize("today", [at(2026, 11, 24, 12), at(2026, 12, 2, 12)])
def test_the_calendar_file_skips_the_paused_weeks_as_the_site_does(api, content, today):
    hours = ExpertHours.objects.get(pk=1)
    HoursPause.objects.create(hours=hours, first_day=date(2026, 12, 1), last_day=date(2026, 12, 8))
    HoursPause.objects.create(hours=hours, first_day=date(2027, 1, 1), last_day=date(2027, 1, 31))
    with time_machine.travel(today, tick=False):
        text = api.get("/sessions/expert_hours/1.ics").content
    # Expanded as a calendar app does (RRULE less EXDATE), the file gives the listed sessions.
    calendar = Calendar.from_ical(text)
    imported = recurring_ical_events.of(calendar).between(today, at(2027, 3, 1))
    hours = ExpertHours.objects.prefetch_related("pauses").get(pk=1)
    listed = hours.occurrences(today, at(2027, 3, 1))
    assert [e.decoded("DTSTART") for e in imported] == [s.starts_at for s in listed]
    assert at(2026, 12, 15, 19) in [s.starts_at for s in listed]
    assert not any(s.starts_at.month == 1 for s in listed)


def test_a_new_pause_raises_the_sequence_so_imported_calendars_drop_those_weeks(api, content):
    def sequence() -> int:
        with time_machine.travel(at(2026, 11, 24, 12), tick=False):
            text = api.get("/sessions/expert_hours/1.ics").content
        return int(Calendar.from_ical(text).walk("VEVENT")[0]["SEQUENCE"])

    hours = ExpertHours.objects.get(pk=1)
    with time_machine.travel(at(2026, 11, 20, 9), tick=False):
        hours.save()
    before = sequence()
    with time_machine.travel(at(2026, 11, 21, 9), tick=False):
        pause = HoursPause.objects.create(
            hours=hours, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)
        )
    added = sequence()
    with time_machine.travel(at(2026, 11, 22, 9), tick=False):
        pause.delete()
    assert before < added < sequence()


def test_a_pause_shows_at_once_on_moderate_results_and_the_sessions_list(api, content):
    moderate = {"answers": {f"phq9_{i}": v for i, v in enumerate((2, 2, 2, 2, 2, 0, 0, 0, 0), 1)}}

    def listed() -> tuple[list, list]:
        result = api.post("/api/v1/questionnaires/phq-9/submissions/", moderate, format="json")
        return (
            [s["starts_at"] for s in result.json()["recommendation"]["sessions"]],
            [s["starts_at"] for s in api.get("/api/v1/sessions/?limit=20").json()],
        )

    tuesday = "2026-11-24T19:00:00+08:00"
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        before = listed()
        HoursPause.objects.create(
            hours_id=1, first_day=date(2026, 11, 24), last_day=date(2026, 11, 24)
        )
        after = listed()
    assert tuesday in before[0] and tuesday in before[1]
    assert tuesday not in after[0] and tuesday not in after[1]


def test_a_pause_at_the_end_of_the_calendar_breaks_nothing(api, content):
    # The last representable days: stepping a week past them would overflow.
    HoursPause.objects.create(hours_id=1, first_day=date(9999, 6, 1), last_day=date.max)
    moderate = {"answers": {f"phq9_{i}": v for i, v in enumerate((2, 2, 2, 2, 2, 0, 0, 0, 0), 1)}}
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        result = api.post("/api/v1/questionnaires/phq-9/submissions/", moderate, format="json")
        calendar = api.get("/sessions/expert_hours/1.ics")
    assert result.status_code == 201
    assert "2026-11-24T19:00:00+08:00" in [
        s["starts_at"] for s in result.json()["recommendation"]["sessions"]
    ]
    assert calendar.status_code == 200
    # Asked about those very days, it stops at the last one instead of stepping past it.
    hours = ExpertHours.objects.prefetch_related("pauses").get(pk=1)
    paused = hours.paused_days(date(9999, 6, 1), date.max)
    assert paused[0] == date(9999, 6, 1) and paused[-1] == date(9999, 12, 28)
    assert all(day.weekday() == hours.weekday for day in paused)


def test_a_pause_saved_past_the_admins_limit_keeps_the_calendar_file_small(api, content):
    # The admin refuses a pause of more than a year; a shell or an import does not.
    HoursPause.objects.create(hours_id=1, first_day=date(2027, 1, 1), last_day=date.max)
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        response = api.get("/sessions/expert_hours/1.ics")
    assert response.status_code == 200
    assert len(response.content) < 20_000
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == at(2026, 11, 24, 19)


def test_an_old_calendar_link_still_works_during_a_long_pause(api, content):
    HoursPause.objects.create(hours_id=1, first_day=date(2026, 11, 20), last_day=date(2027, 6, 30))
    with time_machine.travel(at(2026, 11, 24, 12), tick=False):
        text = api.get("/sessions/expert_hours/1.ics").content
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == at(2027, 7, 6, 19)
