"""The crisis team sees at once, in the queue and on the case page, when the person who asked is
a minor, and for a child under 14 whether a guardian's consent was recorded (PIPL art. 31)."""

import html
import re

import pytest
from django.contrib.auth.models import Group

from referrals.callbacks import request_callback
from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db

SEVERE = {f"phq9_{i}": 3 for i in range(1, 9)} | {"phq9_9": 0}


def case_for(age_band: str = "", slug: str = "phq-9") -> ReferralCase:
    version = QuestionnaireVersion.objects.current_for(slug)
    if slug == "phq-9":
        answers = SEVERE
    else:
        # Each question's lowest option: calm answers, enough for a case of any kind.
        answers = {
            question.code: min(option.value for option in question.options.all())
            for question in version.questions.prefetch_related("options")
            if question.options.all()
        }
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans", age_band=age_band
    )
    return request_callback(
        submission=submission, phone="13912345678", guardian_consent=age_band == "under_14"
    )[0]


def age_line(client, case: ReferralCase, language: str = "en") -> str:
    """The text of the case page's age line, tags left out."""
    page = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    row = page.split('<div class="form-row field-age">')[1]
    label, value = re.search(
        r'<label>(.*?)</label>\s*<div class="readonly">(.*?)</div>', row
    ).groups()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", f"{label} {value}").split()))


def age_cells(client, query: str = "", language: str = "en") -> dict[int, str]:
    """Each case in the list (by number) with its age column's HTML."""
    page = client.get(
        f"/admin/referrals/referralcase/{query}", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    rows = re.findall(r'<tr>.*?<a href="/admin/referrals/referralcase/(\d+)/change/.*?</tr>', page)
    cells = [html.unescape(c) for c in re.findall(r'<td class="field-age">(.*?)</td>', page)]
    return dict(zip(map(int, rows), cells, strict=True))


def test_a_child_under_14_is_a_minor_with_the_guardians_consent_said(
    client, worker, questionnaires
):
    case = case_for("under_14")
    assert age_line(client, case) == "Age: Under 14: a minor · guardian's consent recorded"
    cell = age_cells(client)[case.pk]
    assert "<strong>Under 14: a minor</strong>" in cell and "guardian's consent recorded" in cell


def test_a_child_under_14_without_a_recorded_consent_stands_out(client, worker, questionnaires):
    # A case from before the consent was asked for (referrals 0021) has none recorded.
    case = case_for("under_14")
    ReferralCase.objects.filter(pk=case.pk).update(guardian_consent=False)
    assert age_line(client, case) == "Age: Under 14: a minor · no guardian's consent recorded"
    assert (
        '<strong class="errornote">no guardian\'s consent recorded</strong>'
        in (age_cells(client)[case.pk])
    )


def test_14_to_17_is_a_minor_and_no_guardian_is_spoken_of(client, worker, questionnaires):
    case = case_for("14_17")
    assert age_line(client, case) == "Age: 14–17: a minor"
    assert age_cells(client)[case.pk] == "<strong>14–17: a minor</strong>"


def test_the_phq_a_taken_without_an_age_is_a_minors(client, worker, more_questionnaires):
    case = case_for("", "phq-a")
    expected = "A minor: no age given, but took a questionnaire made for under-18s"
    assert age_line(client, case) == f"Age: {expected}"
    assert age_cells(client)[case.pk] == f"<strong>{expected}</strong>"


@pytest.mark.parametrize(
    "band, words", [("18_59", "18–59"), ("60_plus", "60 and over"), ("", "No age given")]
)
def test_an_adult_or_someone_who_gave_no_age_is_plainly_said(
    client, worker, questionnaires, band, words
):
    case = case_for(band)
    assert age_line(client, case) == f"Age: {words}"
    assert age_cells(client)[case.pk] == words


def test_an_adult_band_on_the_phq_a_is_what_the_person_said(client, worker, more_questionnaires):
    case = case_for("18_59", "phq-a")
    assert age_line(client, case) == "Age: 18–59"


def test_the_age_line_comes_first_right_after_the_number(client, worker, questionnaires):
    case = case_for("14_17")
    url = f"/admin/referrals/referralcase/{case.pk}/change/"
    fields = re.findall(r'<div class="form-row field-([a-z_]+)">', client.get(url).content.decode())
    assert fields[:3] == ["phone_full", "age", "status"]
    # Without the number's permission it leads the page.
    team = Group.objects.get(name="Crisis team")
    worker.groups.remove(team)
    worker.user_permissions.add(*team.permissions.exclude(codename="view_phone"))
    fields = re.findall(r'<div class="form-row field-([a-z_]+)">', client.get(url).content.decode())
    assert fields[:2] == ["age", "status"]


def test_the_team_reads_it_in_chinese(client, worker, more_questionnaires):
    child, phqa = case_for("under_14"), case_for("", "phq-a")
    assert age_line(client, child, "zh-hans") == "年龄: 14岁以下：未成年人 · 已记录监护人同意"
    assert age_line(client, phqa, "zh-hans").startswith("年龄: 未成年人：未填年龄")
    html = client.get("/admin/referrals/referralcase/").content.decode()
    assert "18岁以下（所有未成年人）" in html


def test_the_list_filters_by_age(client, worker, more_questionnaires):
    cases = {
        name: case_for(*spec).pk
        for name, spec in {
            "child": ("under_14",),
            "teen": ("14_17",),
            "phq_a": ("", "phq-a"),
            "adult": ("18_59",),
            "older": ("60_plus",),
            "unknown": ("",),
        }.items()
    }

    def listed(value: str) -> set[str]:
        shown = set(age_cells(client, f"?age={value}"))
        return {name for name, pk in cases.items() if pk in shown}

    assert listed("under_14") == {"child"}
    assert listed("minor") == {"child", "teen", "phq_a"}
    assert listed("adult") == {"adult", "older"}
    assert listed("not_given") == {"unknown"}
    # The filter's minors are those screening calls minors, one by one.
    minors = {case.pk for case in ReferralCase.objects.minors()}
    assert minors == {case.pk for case in ReferralCase.objects.all() if case.submission.is_minor}
