"""Statistics by questionnaire and age band: counted in the same pass as the periods, small rows
suppressed as call-back cases are, a filter by age band, and the CSV."""

from datetime import date, datetime

import pytest

from config.national import CHINA_TIME
from screening import statistics
from screening.models import QuestionnaireVersion, Submission
from tests.screening.test_dashboard import CSV_URL, URL, read_csv, staff

pytestmark = pytest.mark.django_db
RANGE = {"from": "2026-03-02", "to": "2026-03-15"}
AT = datetime(2026, 3, 3, 10, tzinfo=CHINA_TIME)
MILD = (0,) * 9
SEVERE = (3, 3, 3, 3, 3, 0, 0, 0, 0)


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
    }
    assert found["phq-9", "under_14"]["total"] == 2


def test_rows_of_fewer_than_five_are_only_said_to_be_few(by_age):
    found = rows(summarise())
    assert found["phq-9", "60_plus"]["total"] == 6
    assert found["phq-9", "none"]["total"] == 5
    for key in (("phq-9", "under_14"), ("gad-7", "14_17")):
        assert found[key]["suppressed"] is True
        assert {found[key][m] for m in ("total", *statistics.TIERS, "crisis")} == {None}
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
    assert "少于 5 个" in page
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
    assert values["age_band", "none", "phq-9", "total"] == "5"
    assert values["age_band", "under_14", "phq-9", "total"] == "<5"
    assert ("age_band", "under_14", "phq-9", "mild") not in values
    assert values["age_band", "14_17", "gad-7", "total"] == "<5"
    assert ["filter", "age_band", "", "", ""] in found
    filtered = read_csv(client.get(CSV_URL, {**RANGE, "age_band": "60_plus"}))
    assert ["filter", "age_band", "", "", "60_plus"] in filtered
    assert ["total", "all", "", "total", "6"] in filtered
