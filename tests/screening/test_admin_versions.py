"""The versions list and a draft's page: which version is live, what stops a draft."""

import re

import pytest

from screening.models import QuestionnaireVersion
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/screening/questionnaireversion/"


def phq9(number: int) -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=number)


def row_of(page: str, version: QuestionnaireVersion) -> str:
    """The text of ``version``'s row in the versions list."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*?/{version.pk}/change/.*?</tr>", page, re.DOTALL)
    return re.sub(r"<[^>]+>", " ", row[0])


def test_the_list_marks_the_live_version_the_replaced_ones_and_drafts(admin_client, questionnaires):
    v2 = phq9(1).new_draft()
    v2.publish()
    v3 = v2.new_draft()
    page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "replaced by v2 on" in row_of(page, phq9(1))
    assert "live" in row_of(page, v2) and "replaced" not in row_of(page, v2)
    assert "draft" in row_of(page, v3)
    gad7 = QuestionnaireVersion.objects.get(questionnaire__slug="gad-7")
    assert "live" in row_of(page, gad7)
    chinese = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已被 v2 取代" in row_of(chinese, phq9(1))
    assert "当前使用中" in row_of(chinese, v2)
    assert "草稿" in row_of(chinese, v3)


def test_a_version_names_its_questionnaire_by_title(questionnaires):
    assert str(phq9(1)) == "PHQ-9 抑郁筛查 v1"


def test_saving_a_draft_with_a_gap_in_its_bands_warns_and_saves(admin_client, questionnaires):
    draft = phq9(1).new_draft()
    url = f"{CHANGELIST}{draft.pk}/change/"
    form = change_form(admin_client, url)
    band = next(k[: -len("-code")] for k, v in form.items() if k.endswith("-code") and v == "mild")
    form[f"{band}-max_score"] = "7"  # mild 5–7, moderate from 10: 8 and 9 uncovered
    saved = admin_client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert draft.bands.get(code="mild").max_score == 7
    warnings = [m for m in saved.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "PHQ-9 抑郁筛查 v2" in str(warnings[0])
    assert "8 到 9 分没有分数段覆盖" in str(warnings[0])
    assert "Phq-9" not in saved.content.decode()


def test_saving_a_draft_that_could_be_published_gives_no_warning(admin_client, questionnaires):
    draft = phq9(1).new_draft()
    url = f"{CHANGELIST}{draft.pk}/change/"
    saved = admin_client.post(url, change_form(admin_client, url), follow=True)
    assert [m.level_tag for m in saved.context["messages"]] == ["success"]
