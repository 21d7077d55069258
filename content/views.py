from datetime import UTC, date, datetime, time, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from icalendar import Calendar, Event

from content.models import MAX_PAUSE, Article, ExpertHours, Livestream, Session

SEQUENCE_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def article(request, slug: str) -> HttpResponse:
    item = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "content/article.html", {"article": item})


def session_ics(request, kind: str, pk: int) -> HttpResponse:
    """A calendar file for a livestream, or a weekly repeating one for expert hours."""
    now = timezone.now()
    if kind == Session.LIVESTREAM:
        source = get_object_or_404(Livestream.objects.published(), pk=pk)
        session, rule, skipped = source.as_session(), None, []
    elif kind == Session.EXPERT_HOURS:
        source = get_object_or_404(ExpertHours.objects.active().prefetch_related("pauses"), pk=pk)
        # Beyond the longest pause (a year), so an old link still works during one.
        upcoming = source.occurrences(now, now + MAX_PAUSE + timedelta(weeks=2))
        if not upcoming:
            raise Http404
        session = upcoming[0]
        rule = {"FREQ": "WEEKLY"}
        # The paused weeks the rule would otherwise repeat into (RFC 5545 EXDATE: the
        # occurrence's start, in the start's time zone).
        # Two years of them at most: a pause saved past the admin's one-year limit (a shell, an
        # import) must not make a file of thousands.
        first = timezone.localtime(session.starts_at).date()
        last = min(source.valid_until or date.max, first + 2 * MAX_PAUSE)
        skipped = [
            datetime.combine(day, source.start_time, tzinfo=timezone.get_current_timezone())
            for day in source.paused_days(first, last)
        ]
        if source.valid_until:
            # RFC 5545: with a TZID start, UNTIL must be UTC; the last day counts in full.
            last_moment = datetime.combine(
                source.valid_until, time(23, 59, 59), tzinfo=timezone.get_current_timezone()
            )
            rule["UNTIL"] = last_moment.astimezone(UTC)
    else:
        raise Http404

    calendar = Calendar()
    calendar.add("prodid", "-//xinqiao//sessions//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{kind}-{pk}@xinqiao")
    event.add("dtstamp", now)
    # A calendar that imported this event before takes the new time only from a higher
    # SEQUENCE (RFC 5545 3.8.7.4): it counts the seconds from SEQUENCE_EPOCH to the last edit.
    event.add("last-modified", source.updated_at)
    event.add("sequence", max(0, int((source.updated_at - SEQUENCE_EPOCH).total_seconds())))
    event.add("summary", session.title)
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    details = [session.host, session.source.description, session.join_url, session.join_phone]
    event.add("description", "\n".join(d for d in details if d))
    if session.join_url:
        event.add("url", session.join_url)
    if rule:
        event.add("rrule", rule)
    if skipped:
        event.add("exdate", skipped)
    calendar.add_component(event)
    # Phones need the VTIMEZONE block to place a TZID=Asia/Shanghai time correctly.
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{pk}.ics"'
    return response
