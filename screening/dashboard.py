"""The staff statistics dashboard (/admin/statistics/) and its CSV export."""

import csv
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from config.ages import AgeBand
from config.national import CHINA_TIME
from referrals.models import ReferralCase
from referrals.regions import REGION_CODE
from screening import charts, small_counts, statistics
from screening.models import Channel, Questionnaire, Submission, Tier

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Bars in the channel and region charts; the tables below them list every row.
CHART_ROWS = 12


def date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))],
    )


class StatisticsForm(forms.Form):
    """The dashboard's filters; missing values default to the last 30 days, per day, everything."""

    # `from` is a Python keyword: the fields are start/end, their query parameters from/to.
    PARAMETERS = {"start": "from", "end": "to"}

    start = date_field(_("From"))
    end = date_field(_("To"))
    period = forms.ChoiceField(
        label=_("Per"), choices=[("day", _("day")), ("week", _("week"))], required=False
    )
    questionnaire = forms.ModelChoiceField(
        Questionnaire.objects.all(),
        label=_("Questionnaire"),
        to_field_name="slug",
        required=False,
        empty_label=_("All"),
    )
    channel = forms.ModelChoiceField(
        Channel.objects.all(),
        label=_("Channel"),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("All")), *AgeBand.choices, (statistics.NONE, _("No age given"))],
        required=False,
    )
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=6,
        validators=[
            RegexValidator(
                # ASCII digits only: a full-width ６２ would match nothing and show no error.
                rf"^{REGION_CODE}$",
                _("Enter a GB/T 2260 region code of 2, 4 or 6 digits, such as 62 or 621102."),
            )
        ],
        widget=forms.TextInput(attrs={"size": 8, "inputmode": "numeric"}),
    )

    def __init__(self, data=None, *, today: date | None = None, **kwargs):
        today = today or timezone.localdate(timezone=CHINA_TIME)
        defaults = {
            "from": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "to": today.isoformat(),
            "period": "day",
        }
        given = {key: value for key, value in (data or {}).items() if value}
        super().__init__({**defaults, **given}, **kwargs)

    def add_prefix(self, field_name: str) -> str:
        return self.PARAMETERS.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date is after the end date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)s days."), params={"days": MAX_DAYS}
                )
        return cleaned

    def submissions(self) -> QuerySet[Submission]:
        data = self.cleaned_data
        return statistics.submissions_between(
            data["start"],
            data["end"],
            questionnaire=data["questionnaire"],
            channel=data["channel"],
            region=data["region"],
            age_band=data["age_band"],
        )

    def summary(self) -> dict:
        data = self.cleaned_data
        # Narrowed to one age band, every table is as small as a row by age band, and is
        # suppressed as that row is: two children under 14 must not show in any table.
        return statistics.summarise(
            self.submissions(),
            start=data["start"],
            end=data["end"],
            period=data["period"],
            suppress=bool(data["age_band"]),
        )

    def parameters(self) -> dict[str, str]:
        """The filters as query parameters, for the CSV link and the CSV's own filter rows."""
        return {
            self.add_prefix(name): self.data.get(self.add_prefix(name), "") for name in self.fields
        }


def can_see_statistics(view) -> Callable[..., HttpResponse]:
    # never_cache as for every admin page: staff figures are kept by no browser or proxy.
    return never_cache(
        staff_member_required(
            permission_required("screening.view_submission", raise_exception=True)(view)
        )
    )


@can_see_statistics
def dashboard(request) -> HttpResponse:
    form = StatisticsForm(request.GET)
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics"),
        "form": form,
    }
    if form.is_valid():
        summary = form.summary()
        titles = dict(Questionnaire.objects.values_list("slug", "title"))
        for row in summary["questionnaires"]:
            row["title"] = titles.get(row["questionnaire"], row["questionnaire"])
        age_labels = dict(AgeBand.choices) | {statistics.NONE: _("No age given")}
        for row in summary["age_bands"]:
            row["title"] = titles.get(row["questionnaire"], row["questionnaire"])
            row["label"] = age_labels[row["age_band"]]
        context |= {
            "summary": summary,
            "charts": dashboard_charts(summary),
            "csv_url": f"{reverse('statistics:csv')}?{request.GET.urlencode()}",
            "target_minutes": int(statistics.CONTACT_TARGET.total_seconds() // 60),
            "case_statuses": [
                (label, summary["cases"]["by_status"][status])
                for status, label in ReferralCase.Status.choices
            ]
            if not summary["cases"]["suppressed"]
            else [],
            "fewest_cases": settings.STATISTICS_FEWEST_CASES,
        }
    return render(request, "admin/statistics.html", context)


@can_see_statistics
def export_csv(request) -> HttpResponse:
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data
    filename = f"statistics-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # The byte-order mark makes Excel read the file as UTF-8 (Chinese names stay readable).
    response.write("\ufeff")
    rows = csv_rows(form.summary(), form.parameters())
    csv.writer(response).writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
    return response


def dashboard_charts(summary: dict) -> dict[str, str]:
    """The charts; a suppressed row (counts None) is drawn empty, as the tables say "not shown"."""
    legend = [str(label) for label in Tier.labels]
    short = summary["period"] == "day" or len(summary["series"]) > 20
    columns = charts.column_chart(
        [
            f"{row['period']:%m-%d}" if short else f"{row['period']:%Y-%m-%d}"
            for row in summary["series"]
        ],
        [[row[tier] or 0 for tier in statistics.TIERS] for row in summary["series"]],
        legend,
        title=str(
            _("Submissions per day by tier")
            if summary["period"] == "day"
            else _("Submissions per week by tier")
        ),
        chart_id="per-period",
    )
    channels = summary["channels"][:CHART_ROWS]
    regions = summary["regions"][:CHART_ROWS]
    return {
        "periods": columns,
        "channels": charts.bar_chart(
            [row["name"] or str(_("No channel")) for row in channels],
            [[row[tier] or 0 for tier in statistics.TIERS] for row in channels],
            legend,
            title=str(_("Submissions by channel")),
            chart_id="by-channel",
        ),
        "regions": charts.bar_chart(
            [
                row["region"] if row["region"] != statistics.NONE else str(_("No region"))
                for row in regions
            ],
            [[row[tier] or 0 for tier in statistics.TIERS] for row in regions],
            legend,
            title=str(_("Submissions by region")),
            chart_id="by-region",
        ),
    }


def spreadsheet_safe(cell) -> object:
    """A text cell Excel or WPS would read as a formula ("-1-2", "=…") is kept as text."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


CSV_HEADER = ["section", "key", "questionnaire", "measure", "value"]
# The value of a suppressed row, small or withheld alike: two labels would tell them apart.
NOT_SHOWN = "not shown"


def csv_rows(summary: dict[str, Any], filters: dict[str, str]) -> list[list[Any]]:
    """The summary in long form for the CSV export: one number per row (see the dashboard page).

    Sections: ``filter`` (what was asked), ``total``, ``day`` or ``week``, ``questionnaire``,
    ``age_band`` (key the age band or "none", per questionnaire), ``channel``, ``region``
    (measures total, mild, moderate, severe, crisis) and ``cases`` (key "all" for the totals and
    waits, then one row per case status; only "<5" for fewer than 5 cases, none included, with
    the default STATISTICS_FEWEST_CASES). A row of ``age_band`` of fewer than 5 submissions, and
    one withheld so that such a row cannot be worked out, alike have only the measure total,
    "not shown". Filtered by age band, every section is suppressed as ``age_band`` is (see
    ``summarise``).
    """
    rows: list[list[Any]] = [CSV_HEADER]
    rows += [["filter", name, "", "", value] for name, value in filters.items()]

    def numbers(section: str, key: str, slug: str, row: dict[str, Any]) -> list[list[Any]]:
        if row.get("suppressed"):
            return [[section, key, slug, "total", NOT_SHOWN]]
        return [[section, key, slug, m, row[m]] for m in small_counts.MEASURES]

    rows += numbers("total", "all", "", summary["totals"])
    for row in summary["period_rows"]:
        rows += numbers(summary["period"], row["period"].isoformat(), row["questionnaire"], row)
    for row in summary["questionnaires"]:
        rows += numbers("questionnaire", row["questionnaire"], row["questionnaire"], row)
    for row in summary["age_bands"]:
        rows += numbers("age_band", row["age_band"], row["questionnaire"], row)
    for row in summary["channels"]:
        rows += numbers("channel", row["code"], "", row)
    for row in summary["regions"]:
        rows += numbers("region", row["region"], "", row)
    cases = summary["cases"]
    if cases["suppressed"]:
        return [*rows, ["cases", "all", "", "cases", f"<{settings.STATISTICS_FEWEST_CASES}"]]
    share = cases["share_within_target"]
    median = cases["median_minutes"]
    rows += [
        ["cases", "all", "", "cases", cases["total"]],
        ["cases", "all", "", "contacted", cases["contacted"]],
        ["cases", "all", "", "contacted_within_30_min", cases["within_target"]],
        ["cases", "all", "", "share_within_30_min", "" if share is None else f"{share:.4f}"],
        [
            "cases",
            "all",
            "",
            "median_minutes_to_first_contact",
            "" if median is None else f"{median:.1f}",
        ],
    ]
    rows += [["cases", status, "", "cases", n] for status, n in cases["by_status"].items()]
    return rows
