"""Clinicians' questionnaire editing in admin: drafts, publishing, preview, colleagues' saves."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from screening import interchange
from screening.models import (
    Channel,
    ItemRule,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from tests.admin_forms import change_form, opened_twice
from tests.screening.version_admin import CHANGELIST, phq9_v1

pytestmark = pytest.mark.django_db


def run_action(client, action, *versions):
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    if action == "publish":
        # Publishing asks first, on a page that shows what changes: confirm there.
        confirm = response.redirect_chain[-1][0]
        response = client.post(confirm, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    return response


def test_a_published_version_is_read_only_with_a_clear_message(admin_client, questionnaires):
    version = phq9_v1()
    page = admin_client.get(f"{CHANGELIST}{version.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "This version is published and cannot be changed" in text
    assert 'name="_save"' not in text
    refused = admin_client.post(
        f"{CHANGELIST}{version.pk}/change/", {"note": "sneaky"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 302
    shown = admin_client.get(refused["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This version is published and cannot be changed" in shown
    assert phq9_v1().note != "sneaky"


def test_new_draft_copies_the_version_whole(admin_client, questionnaires):
    source = phq9_v1()
    response = run_action(admin_client, "make_draft", source)
    assert response.status_code == 200
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=2)
    assert draft.published_at is None
    assert (
        interchange.export_version(draft)["questions"]
        == (interchange.export_version(source)["questions"])
    )
    assert draft.definition() == source.definition()
    assert [b.label_en for b in draft.bands.all()] == [b.label_en for b in source.bands.all()]
    assert draft.rules.get().question.version == draft
    # The draft is editable; the source is untouched.
    question = draft.questions.get(code="phq9_1")
    question.text_zh_hans = "修改后的问题"
    question.save()
    assert source.questions.get(code="phq9_1").text_zh_hans == "做事时提不起劲或没有兴趣"


def test_publish_shows_validation_errors_and_keeps_the_draft(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    draft.bands.get(code="moderate").delete()
    page = run_action(admin_client, "publish", draft).content.decode()
    assert "v2: No band covers scores 10 to 14." in page
    draft.refresh_from_db()
    assert draft.published_at is None
    assert QuestionnaireVersion.objects.current_for("phq-9").number == 1


def test_publish_makes_the_draft_live(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    run_action(admin_client, "publish", draft)
    assert QuestionnaireVersion.objects.current_for("phq-9") == draft
    # Stored text, shown as written to every staff member: in the site's language.
    assert draft.note == "第 1 版的副本"
    history = admin_client.get(
        f"{CHANGELIST}{draft.pk}/history/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "已发布" in history


def test_preview_shows_the_draft_as_villagers_see_it(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    question = draft.questions.get(code="phq9_2")
    question.text_zh_hans = "草稿里的新问题"
    question.save()
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/preview/").content.decode()
    assert "草稿里的新问题" in page
    assert page.count("<fieldset") == 11


def test_publishing_a_draft_older_than_the_live_version_is_refused(admin_client, questionnaires):
    older, newer = phq9_v1().new_draft(), phq9_v1().new_draft()
    run_action(admin_client, "publish", newer)
    page = run_action(admin_client, "publish", older).content.decode()
    assert "v2: Version 2 is older than the live version 3" in page
    assert "Make a new draft from the live version" in page
    assert "v2 is now live" not in page
    older.refresh_from_db()
    assert older.published_at is None
    assert QuestionnaireVersion.objects.current_for("phq-9") == newer


def test_a_draft_made_before_another_went_live_is_refused(admin_client, questionnaires):
    # Clinician A lowers the cut-off and publishes; B's text fix, drafted from version 1 before
    # that, must not quietly bring the old cut-off back.
    cut_off, text_fix = phq9_v1().new_draft(), phq9_v1().new_draft()
    cut_off.bands.filter(code="mild").update(max_score=7)
    cut_off.bands.filter(code="moderate").update(min_score=8)
    run_action(admin_client, "publish", cut_off)
    question = text_fix.questions.get(code="phq9_1")
    question.text_en = "typo fixed"
    question.save()
    page = run_action(admin_client, "publish", text_fix).content.decode()
    assert (
        "v3: Version 2 went live after this draft was made, so publishing it would undo the "
        "changes of version 2. Make a new draft from the live version 2 and make your changes "
        "there."
    ) in page
    assert QuestionnaireVersion.objects.current_for("phq-9") == cut_off
    # A draft of the live version, even one made from another draft, publishes.
    redo = cut_off.new_draft().new_draft()
    assert redo.built_on() == cut_off
    run_action(admin_client, "publish", redo)
    live = QuestionnaireVersion.objects.current_for("phq-9")
    assert live == redo
    assert live.bands.get(code="moderate").min_score == 8


def test_a_draft_copied_from_a_draft_publishes_after_that_draft(admin_client, questionnaires):
    # v2 drafted from the live v1; v3 copied from v2 holds all of v2's changes and more.
    first = phq9_v1().new_draft()
    first.bands.filter(code="mild").update(max_score=7)
    first.bands.filter(code="moderate").update(min_score=8)
    second = first.new_draft()
    question = second.questions.get(code="phq9_1")
    question.text_en = "typo fixed"
    question.save()
    run_action(admin_client, "publish", first)
    assert QuestionnaireVersion.objects.current_for("phq-9") == first
    run_action(admin_client, "publish", second)
    live = QuestionnaireVersion.objects.current_for("phq-9")
    assert live == second
    assert live.bands.get(code="moderate").min_score == 8
    assert live.questions.get(code="phq9_1").text_en == "typo fixed"


def question_form(version, **changes) -> dict:
    return {
        "version": version.pk,
        "position": 12,
        "code": "phq9_new",
        "kind": "choice",
        "text_zh_hans": "新问题",
        "text_en": "A new question",
        "scored": "on",
        "required": "on",
        "options-TOTAL_FORMS": "1",
        "options-INITIAL_FORMS": "0",
        "options-0-position": "0",
        "options-0-value": "0",
        "options-0-label_zh_hans": "完全不会",
        "options-0-label_en": "Not at all",
        **changes,
    }


def test_a_question_for_a_published_version_is_a_form_error(admin_client, questionnaires):
    published = phq9_v1()
    before = Question.objects.count(), Option.objects.count()
    form = admin_client.get("/admin/screening/question/add/").content.decode()
    assert f'<option value="{published.pk}"' not in form, "only drafts are offered"
    response = admin_client.post(
        "/admin/screening/question/add/", question_form(published), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert (
        "Choose a draft version. Published versions cannot be changed" in response.content.decode()
    )
    assert (Question.objects.count(), Option.objects.count()) == before


def test_a_question_can_be_added_to_a_draft(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    response = admin_client.post("/admin/screening/question/add/", question_form(draft))
    assert response.status_code == 302
    assert draft.questions.get(code="phq9_new").options.get().label_en == "Not at all"


def test_model_validation_refuses_parts_of_a_published_version(questionnaires):
    published = phq9_v1()
    question = Question(version=published, code="phq9_new", text="?")
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert refused.value.error_dict[NON_FIELD_ERRORS][0].code == "published"
    option = Option(question=published.questions.first(), value=9, label="?")
    with pytest.raises(ValidationError):
        option.full_clean()
    # Moving a draft's question into the published version is refused too, and the reverse.
    stored = published.questions.first()
    stored.version = phq9_v1().new_draft()
    with pytest.raises(ValidationError):
        stored.full_clean(validate_unique=False, validate_constraints=False)
    rule = ItemRule(
        version=published, code="new", question=published.questions.first(), min_value=1
    )
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert refused.value.error_dict[NON_FIELD_ERRORS][0].code == "published"


CHANNEL = {"name": "北京海淀海报", "active": "on"}


@pytest.mark.parametrize("region", ["１１０１０８", "北京", "abc", "62110", "6"])
def test_a_channel_region_that_is_no_region_code_is_refused(admin_client, questionnaires, region):
    # Crisis results list the channel region's lines: a bad code would quietly drop them.
    response = admin_client.post(
        "/admin/screening/channel/add/",
        CHANNEL | {"code": "bj-hd", "region": region},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "region code of 2, 4 or 6 digits" in response.content.decode()
    assert not Channel.objects.filter(code="bj-hd").exists()


def test_a_channel_with_a_region_code_is_saved(admin_client, questionnaires):
    response = admin_client.post(
        "/admin/screening/channel/add/", CHANNEL | {"code": "bj-hd", "region": "110108"}
    )
    assert response.status_code == 302
    assert Channel.objects.get(code="bj-hd").region == "110108"


def test_printed_addresses_cannot_be_changed_once_saved(admin_client, channels):
    channel = Channel.objects.get(code="demo")
    page = admin_client.get(f"/admin/screening/channel/{channel.pk}/change/").content.decode()
    assert 'name="code"' not in page
    admin_client.post(
        f"/admin/screening/channel/{channel.pk}/change/",
        {"code": "renamed", "name": channel.name, "region": channel.region, "active": "on"},
    )
    assert Channel.objects.filter(code="demo").exists()
    assert not Channel.objects.filter(code="renamed").exists()

    questionnaire = Questionnaire.objects.get(slug="phq-9")
    page = admin_client.get(
        f"/admin/screening/questionnaire/{questionnaire.pk}/change/"
    ).content.decode()
    assert 'name="slug"' not in page
    assert 'name="title_zh_hans"' in page
    # A new questionnaire still takes its slug.
    assert 'name="slug"' in admin_client.get("/admin/screening/questionnaire/add/").content.decode()


def test_a_versions_creation_time_is_a_record_not_a_field(admin_client, questionnaires):
    version = QuestionnaireVersion.objects.get(questionnaire__slug="gad-7")
    draft = QuestionnaireVersion.objects.create(questionnaire=version.questionnaire, number=9)
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert 'name="created_at_0"' not in page and 'name="created_at"' not in page


def draft_page(admin_client, questionnaires):
    """A draft of PHQ-9 v1 (admin's "new draft") and its change page's address."""
    run_action(admin_client, "make_draft", phq9_v1())
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=2)
    return draft, f"{CHANGELIST}{draft.pk}/change/"


def band_fields(form: dict, code: str) -> str:
    """The formset prefix of band ``code`` in a version's change form."""
    return next(key[: -len("-code")] for key, value in form.items() if key.startswith("bands-")
                and key.endswith("-code") and value == code)  # fmt: skip


def test_a_save_from_a_page_opened_before_a_colleagues_save_is_refused(
    admin_client, client, questionnaires
):
    draft, url = draft_page(admin_client, questionnaires)
    first, second = opened_twice(admin_client, client, url)
    # The first clinician lowers the moderate cut-off to 8 and saves.
    first[band_fields(first, "mild") + "-max_score"] = "7"
    first[band_fields(first, "moderate") + "-min_score"] = "8"
    assert admin_client.post(url, first).status_code == 302
    # The second, from the page opened before, corrects a question's English text.
    second["questions-0-text_en"] = "Little interest or pleasure in doing things (edited)"
    refused = client.post(url, second, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "Someone else saved this while you had it open" in refused.content.decode()
    assert draft.bands.get(code="moderate").min_score == 8, "the first save stands"
    assert not draft.questions.filter(text_en__endswith="(edited)").exists()
    # Opened again, the page saves.
    again = change_form(client, url)
    again["questions-0-text_en"] = "Little interest or pleasure in doing things (edited)"
    assert client.post(url, again).status_code == 302
    assert draft.bands.get(code="moderate").min_score == 8
    assert draft.questions.filter(text_en__endswith="(edited)").exists()


def test_a_question_saved_on_its_own_page_refuses_the_versions_older_page(
    admin_client, questionnaires
):
    draft, url = draft_page(admin_client, questionnaires)
    version_form = change_form(admin_client, url)
    question = draft.questions.get(code="phq9_1")
    question_url = f"/admin/screening/question/{question.pk}/change/"
    question_form = change_form(admin_client, question_url)
    question_form["text_zh_hans"] = "改过的题目"
    assert admin_client.post(question_url, question_form).status_code == 302
    assert admin_client.post(url, version_form).status_code == 200
    assert draft.questions.get(code="phq9_1").text_zh_hans == "改过的题目"


def test_a_draft_published_while_open_is_explained_not_a_bare_403(admin_client, questionnaires):
    draft, url = draft_page(admin_client, questionnaires)
    form = change_form(admin_client, url)
    draft.publish()
    response = admin_client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This version is published and cannot be changed" in response.content.decode()


@pytest.mark.parametrize("number", ["2147483647", "10000", "0"])
def test_a_version_number_a_draft_could_not_follow_is_refused(admin_client, questionnaires, number):
    # "New draft" numbers itself one up from the last: at the column's limit that was a 500.
    gad7 = Questionnaire.objects.get(slug="gad-7")
    form = {
        "questionnaire": str(gad7.pk),
        "number": number,
        **{f"{inline}-{count}": "0" for inline in ("questions", "bands", "rules")
           for count in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }  # fmt: skip
    refused = admin_client.post(f"{CHANGELIST}add/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert 'class="errorlist' in refused.content.decode()
    assert not QuestionnaireVersion.objects.filter(questionnaire=gad7, number=int(number)).exists()
    assert admin_client.post(f"{CHANGELIST}add/", form | {"number": "7"}).status_code == 302


def test_staff_without_the_right_to_edit_versions_still_get_a_403(client, questionnaires):
    # The explanation of a published version is for those who could edit it as a draft.
    client.force_login(User.objects.create_user("visitor", password="x", is_staff=True))
    response = client.post(f"{CHANGELIST}{phq9_v1().pk}/change/", {"note": "x"})
    assert response.status_code == 403


def test_past_the_last_version_number_new_drafts_and_imports_are_refused(
    admin_client, questionnaires
):
    QuestionnaireVersion.objects.filter(pk=phq9_v1().pk).update(number=9999)
    version = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9")
    response = run_action(admin_client, "make_draft", version)
    assert "has reached the highest version number, 9999" in response.content.decode()
    with pytest.raises(ValidationError):
        interchange.import_version(interchange.export_version(version))
    assert QuestionnaireVersion.objects.filter(questionnaire__slug="phq-9").count() == 1
