"""Numbers for the staff statistics dashboard, grouped by the database.

``by_period``, ``by_channel`` and ``cases`` take an already filtered Submission queryset (see
``submissions_between``) and return plain dicts and lists. The database does the counting with
GROUP BY; Python only fills in empty days and sums the few grouped rows into the other tables
(totals, per questionnaire, per region), so the submissions are read twice, not once per table.
Days and weeks are Asia/Shanghai days and ISO weeks starting on Monday.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDay, TruncWeek
from django.utils import timezone

from config.ages import AgeBand
from config.national import CHINA_TIME
from referrals.models import OVERDUE_AFTER, ReferralCase
from referrals.regions import region_prefixes
from screening.models import Channel, Questionnaire, Submission, Tier
from screening.small_counts import hidden_last, parts_of, protect, suppress_few

TIERS: list[str] = [tier.value for tier in Tier]
PERIODS = {"day": TruncDay, "week": TruncWeek}
# The crisis team's promise: a first call within 30 minutes of the request.
CONTACT_TARGET = OVERDUE_AFTER
# Key for submissions without a channel (or whose channel has no region).
NONE = "none"

Counts = dict[str, int]


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the end of ``end`` (inclusive), Shanghai time."""
    return (
        datetime.combine(start, time.min, tzinfo=CHINA_TIME),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=CHINA_TIME),
    )


def submissions_between(
    start: date,
    end: date,
    *,
    questionnaire: Questionnaire | None = None,
    channel: Channel | None = None,
    region: str = "",
    age_band: str = "",
) -> QuerySet[Submission]:
    """Submissions made from ``start`` to ``end`` (Shanghai days, inclusive), optionally narrowed.

    ``region`` is a GB/T 2260 code of 2, 4 or 6 digits (padded forms such as "110000" too) and
    matches the channels whose region starts with it. ``age_band`` is an ``AgeBand`` value, or
    "none" for the submissions without one.
    """
    since, until = day_bounds(start, end)
    submissions = Submission.objects.filter(created_at__gte=since, created_at__lt=until)
    if questionnaire is not None:
        submissions = submissions.filter(version__questionnaire=questionnaire)
    if channel is not None:
        submissions = submissions.filter(channel=channel)
    if region:
        prefix = region_prefixes(region)[0]
        submissions = submissions.filter(channel__region__startswith=prefix)
    if age_band:
        submissions = submissions.filter(age_band="" if age_band == NONE else age_band)
    return submissions


def _counts() -> dict[str, Count]:
    """Aggregates for one row: total, one count per tier, and crises."""
    return {
        "total": Count("pk"),
        **{tier: Count("pk", filter=Q(tier=tier)) for tier in TIERS},
        "crisis": Count("pk", filter=Q(crisis=True)),
    }


def _only_counts(row: dict[str, Any]) -> Counts:
    return {key: row[key] for key in ("total", *TIERS, "crisis")}


def totals(rows: list[dict[str, Any]]) -> Counts:
    """How many submissions, per tier, and how many were crises: the sum of grouped ``rows``."""
    summed = dict.fromkeys(("total", *TIERS, "crisis"), 0)
    for row in rows:
        for key in summed:
            summed[key] += row[key]
    return summed


def _regroup(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``rows`` summed per value of ``key``, the busiest first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    summed = [{key: value, **totals(group)} for value, group in groups.items()]
    return sorted(summed, key=lambda row: (-row["total"], row[key]))


def _sum_by(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """``rows`` summed per value of ``keys``, in the order of ``keys``."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return [
        {**dict(zip(keys, values, strict=True)), **totals(group)}
        for values, group in sorted(groups.items())
    ]


def by_period_and_age(
    submissions: QuerySet[Submission], *, period: str = "day"
) -> list[dict[str, Any]]:
    """Counts per day or week, questionnaire and age band, for the periods that have
    submissions: the one pass the dashboard's tables by period and by age band are summed from.

    Each row: ``period`` (the date the day or week starts), ``questionnaire`` (slug),
    ``age_band`` ("none" where none was given) and counts.
    """
    trunc = PERIODS[period]("created_at", tzinfo=CHINA_TIME)
    rows = (
        submissions.order_by()
        .values("age_band", starts=trunc, questionnaire=F("version__questionnaire__slug"))
        .annotate(**_counts())
        .order_by("starts", "questionnaire", "age_band")
    )
    return [
        {
            "period": timezone.localtime(row["starts"], CHINA_TIME).date(),
            "questionnaire": row["questionnaire"],
            "age_band": row["age_band"] or NONE,
            **_only_counts(row),
        }
        for row in rows
    ]


def by_period(submissions: QuerySet[Submission], *, period: str = "day") -> list[dict[str, Any]]:
    """Counts per day or week and questionnaire, for the periods that have submissions.

    Each row: ``period`` (the date the day or week starts), ``questionnaire`` (slug) and counts.
    """
    return by_period_from(by_period_and_age(submissions, period=period))


def by_period_from(age_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``by_period`` rows, summed from ``by_period_and_age``'s."""
    return _sum_by(age_rows, "period", "questionnaire")


# The order age bands are listed in: youngest first, then those who gave none.
AGE_BAND_ORDER = [*AgeBand.values, NONE]


def by_age_band(age_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts per questionnaire and age band (youngest first, "none" last), from the
    ``by_period_and_age`` rows.

    A row of fewer than ``STATISTICS_FEWEST_CASES`` submissions is not shown (``suppressed``,
    its counts None), as few call-back cases are not broken down: a questionnaire taken by two
    children under 14 of one poster's village would come close to saying who they are.

    The questionnaire's own total is shown (in the table by questionnaire), so where only one
    of its age bands is suppressed the next smallest is ``withheld`` too (see ``protect``):
    the one could otherwise be found by subtracting the others from that total.
    """
    rows = _sum_by(age_rows, "questionnaire", "age_band")
    rows.sort(key=lambda row: (row["questionnaire"], AGE_BAND_ORDER.index(row["age_band"])))
    rows = [suppress_few(row) for row in rows]
    sums = [
        parts_of(None, "age_bands", rows, lambda row, slug=slug: row["questionnaire"] == slug)
        for slug in {row["questionnaire"] for row in rows}
    ]
    return protect({"age_bands": rows}, sums)["age_bands"]


def period_starts(start: date, end: date, period: str = "day") -> list[date]:
    """The first day of every day or week (Monday) from ``start`` to ``end``."""
    if period == "week":
        start -= timedelta(days=start.weekday())
    step = timedelta(days=7 if period == "week" else 1)
    starts = []
    while start <= end:
        starts.append(start)
        start += step
    return starts


def series(
    rows: list[dict[str, Any]], *, start: date, end: date, period: str = "day"
) -> list[dict[str, Any]]:
    """``by_period`` rows summed over questionnaires, with a row of zeros for empty periods."""
    per_period = {row["period"]: row for row in _regroup(rows, "period")}
    empty = dict.fromkeys(("total", *TIERS, "crisis"), 0)
    return [
        per_period.get(starts, {"period": starts, **empty})
        for starts in period_starts(start, end, period)
    ]


def by_questionnaire(period_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts per questionnaire (by slug), the most used first, from the ``by_period`` rows."""
    return _regroup(period_rows, "questionnaire")


def by_channel(submissions: QuerySet[Submission]) -> list[dict[str, Any]]:
    """Counts per channel, the busiest first; ``code`` is "none" for submissions without one."""
    rows = (
        submissions.order_by()
        .values("channel__code", "channel__name", "channel__region")
        .annotate(**_counts())
        .order_by("-total", F("channel__code").asc(nulls_last=True))
    )
    return [
        {
            "code": row["channel__code"] or NONE,
            "name": row["channel__name"] or "",
            "region": row["channel__region"] or "",
            **_only_counts(row),
        }
        for row in rows
    ]


def by_region(channel_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts per channel region code, the busiest first; "none" without a channel or region.

    Summed from the ``by_channel`` rows, which carry each channel's region.
    """
    return _regroup([{**row, "region": row["region"] or NONE} for row in channel_rows], "region")


def cases(submissions: QuerySet[Submission]) -> dict[str, Any]:
    """Call-back cases opened for ``submissions`` and how quickly the crisis team first called.

    ``median_to_first_contact`` is over the contacted cases (None when there are none), from
    each case's opening to its first contact: how long people waited for the team's first call.
    ``share_within_target`` is the share of all cases contacted within 30 minutes of their
    latest request: a person who asked again after being contacted counts by the team's contact
    since (``ReferralCase.contacted_at``), and not while they wait for it.
    The median is found by the database: it sorts the waits and returns only the middle one or two.

    Fewer than ``STATISTICS_FEWEST_CASES`` (none included) are only reported as that: narrowed
    to one poster and one day, the figures would tell a clinician which person asked the crisis
    team to call and what came of it, which the case queue keeps from them.
    """
    opened = ReferralCase.objects.filter(submission__in=submissions.order_by().values("pk"))
    numbers = opened.aggregate(
        total=Count("pk"),
        contacted=Count("pk", filter=Q(first_contact_at__isnull=False)),
        # The contact for the latest request, from it: as the team's 30 minutes run (a reopened
        # case's clock restarts, and its earlier contact does not count for the new request).
        within_target=Count("pk", filter=Q(contacted_at__lte=F("requested_at") + CONTACT_TARGET)),
        **{
            f"status_{status}": Count("pk", filter=Q(status=status))
            for status in ReferralCase.Status.values
        },
    )
    total = numbers["total"]
    # Zero too: "none" beside "fewer than 5" would say that someone asked.
    if total < settings.STATISTICS_FEWEST_CASES:
        return {
            "suppressed": True,
            **dict.fromkeys(("total", "contacted", "within_target", "share_within_target")),
            **dict.fromkeys(("median_to_first_contact", "median_minutes", "by_status")),
        }
    median = None
    contacted = numbers["contacted"]
    if contacted:
        waits = (
            opened.filter(first_contact_at__isnull=False)
            .annotate(wait=F("first_contact_at") - F("created_at"))
            .order_by("wait")
            .values_list("wait", flat=True)
        )
        middle = list(waits[(contacted - 1) // 2 : contacted // 2 + 1])
        median = sum(middle, timedelta()) / len(middle)
    return {
        "suppressed": False,
        "total": total,
        "contacted": contacted,
        "within_target": numbers["within_target"],
        "share_within_target": numbers["within_target"] / total if total else None,
        "median_to_first_contact": median,
        "median_minutes": median.total_seconds() / 60 if median is not None else None,
        "by_status": {status: numbers[f"status_{status}"] for status in ReferralCase.Status.values},
    }


def summarise(
    submissions: QuerySet[Submission],
    *,
    start: date,
    end: date,
    period: str = "day",
    suppress: bool = False,
) -> dict[str, Any]:
    """Everything the dashboard shows for ``submissions`` made from ``start`` to ``end``.

    ``suppress`` (the dashboard sets it when filtering by age band) suppresses the few in every
    table as in the one by age band: the total, each period, questionnaire, channel and region
    of fewer than ``STATISTICS_FEWEST_CASES`` submissions is not shown (counts None,
    ``suppressed``), with complementary suppression against the totals shown beside it (see
    ``protect``); the tables listed busiest first list those rows last (see ``hidden_last``).
    Without it, only the table by age band suppresses (and marks every row ``suppressed``
    False), as before.
    """
    # Two passes over the submissions; the other tables are sums of their grouped rows.
    age_rows = by_period_and_age(submissions, period=period)
    rows = by_period_from(age_rows)
    channels = by_channel(submissions)
    summary = {
        "start": start,
        "end": end,
        "period": period,
        "suppress": suppress,
        "totals": totals(rows),
        "period_rows": rows,
        "series": series(rows, start=start, end=end, period=period),
        "questionnaires": by_questionnaire(rows),
        "age_bands": by_age_band(age_rows),
        "channels": channels,
        "regions": by_region(channels),
        "cases": cases(submissions),
    }
    if not suppress:
        return summary
    names = ("series", "period_rows", "questionnaires", "age_bands", "channels", "regions")
    tables = {
        "totals": [suppress_few(summary["totals"])],
        **{name: [suppress_few(row) for row in summary[name]] for name in names},
    }
    total = ("totals", 0)
    # Which rows are sums of which: each of these tables sums to the total; each period and each
    # questionnaire to its rows per period; each region to its channels; and each questionnaire
    # is its one row by age band (one age band being chosen).
    sums = [parts_of(total, name, tables[name], bool) for name in names if name != "period_rows"]
    for i, row in enumerate(tables["series"]):
        sums.append(
            parts_of(
                ("series", i), "period_rows", rows, lambda r, p=row["period"]: r["period"] == p
            )
        )
    for i, row in enumerate(tables["questionnaires"]):
        slug = row["questionnaire"]
        for name in ("period_rows", "age_bands"):
            sums.append(
                parts_of(
                    ("questionnaires", i),
                    name,
                    summary[name],
                    lambda r, slug=slug: r["questionnaire"] == slug,
                )
            )
    for i, row in enumerate(tables["regions"]):
        sums.append(
            parts_of(
                ("regions", i),
                "channels",
                channels,
                lambda r, region=row["region"]: (r["region"] or NONE) == region,
            )
        )
    protected = protect(tables, sums)
    for name, key in (
        ("questionnaires", "questionnaire"),
        ("channels", "code"),
        ("regions", "region"),
    ):
        protected[name] = hidden_last(protected[name], key)
    return {**summary, **protected, "totals": protected["totals"][0]}
