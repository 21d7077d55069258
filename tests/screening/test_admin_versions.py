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


def moderate_from_8(draft: QuestionnaireVersion) -> None:
    draft.bands.filter(code="mild").update(max_score=7)
    draft.bands.filter(code="moderate").update(min_score=8)


def test_a_drafts_page_leads_to_publishing_and_a_published_ones_does_not(
    admin_client, questionnaires
):
    draft = phq9(1).new_draft()
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert f'href="{CHANGELIST}{draft.pk}/publish/"' in page
    assert f'href="{CHANGELIST}{draft.pk}/preview/"' in page
    published = admin_client.get(f"{CHANGELIST}{phq9(1).pk}/change/").content.decode()
    assert "/publish/" not in published


def test_publishing_shows_what_changes_against_the_live_version_and_waits(
    admin_client, questionnaires
):
    draft = phq9(1).new_draft()
    moderate_from_8(draft)
    question = draft.questions.get(code="phq9_1")
    question.text_zh_hans = "做事时提不起劲"
    question.save()
    option = question.options.get(value=3)
    option.label_zh_hans = "几乎天天"
    option.save()
    draft.rules.update(description_en="Item 9 above 0.")
    url = f"{CHANGELIST}{draft.pk}/publish/"
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>.*?</tr>", page.split('id="changes"')[1], re.DOTALL)[1:]
    ]
    assert rows == [
        "分级“mild” 截止分（含） 9 7",
        "分级“moderate” 起始分 10 8",
        "规则“self_harm” 说明 [en] " + phq9(1).rules.get().description_en + " Item 9 above 0.",
        "题目“phq9_1” 文字 [zh-hans] 做事时提不起劲或没有兴趣 做事时提不起劲",
        "题目“phq9_1”的选项 3 标签 [zh-hans] 几乎每天 几乎天天",
    ]
    assert "PHQ-9 抑郁筛查 v1" in page and "确定发布" in page
    draft.refresh_from_db()
    assert not draft.is_published, "showing the changes publishes nothing"
    done = admin_client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert done.redirect_chain[-1][0] == f"{CHANGELIST}{draft.pk}/change/"
    assert "PHQ-9 depression screen v2 is now live." in done.content.decode()
    assert QuestionnaireVersion.objects.current_for("phq-9") == draft


def test_an_unchanged_draft_says_so_and_a_broken_one_cannot_be_confirmed(
    admin_client, questionnaires
):
    draft = phq9(1).new_draft()
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="no-changes"' in page.content.decode()
    draft.bands.filter(code="mild").update(max_score=7)
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "No band covers scores 8 to 9." in text
    assert 'name="publish"' not in text
    refused = admin_client.post(f"{CHANGELIST}{draft.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert "v2: No band covers scores 8 to 9." in refused.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_needs_the_right_to_change_versions_and_a_csrf_token(
    client, questionnaires, staff_groups
):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    draft = phq9(1).new_draft()
    url = f"{CHANGELIST}{draft.pk}/publish/"
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editor"))
    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    doctor = User.objects.create_user("doctor", password="x", is_staff=True)
    doctor.groups.add(Group.objects.get(name="Clinician"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(doctor)
    assert strict.get(url).status_code == 200
    assert strict.post(url).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_draft_overtaken_by_another_going_live_is_not_offered_for_publishing(
    admin_client, questionnaires
):
    cut_off, text_fix = phq9(1).new_draft(), phq9(1).new_draft()
    moderate_from_8(cut_off)
    cut_off.publish()
    page = admin_client.get(f"{CHANGELIST}{text_fix.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Version 2 went live after this draft was made" in text
    assert 'name="publish"' not in text
