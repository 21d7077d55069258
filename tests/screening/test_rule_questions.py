"""An item rule uses a question of its own version, by every path that writes one."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from screening.models import ItemRule, QuestionnaireVersion

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/screening/questionnaireversion/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def phq9_v1():
    return QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1)


def empty_formset(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def test_the_add_page_offers_no_rules_and_stores_none(admin_client, questionnaires):
    # Before the version is saved it has no questions, so any question offered would belong to
    # another version, which can be deleted and take the rule with it.
    page = admin_client.get(f"{CHANGELIST}add/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="rules-TOTAL_FORMS"' not in page
    assert "Item rules (such as the self-harm crisis rule) can be added once" in page
    foreign = phq9_v1().new_draft().questions.get(code="phq9_9")
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {
            "questionnaire": foreign.version.questionnaire_id,
            "number": "3",
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            **empty_formset("questions"),
            **empty_formset("bands"),
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-0-code": "self_harm",
            "rules-0-question": foreign.pk,
            "rules-0-min_value": "1",
            "rules-0-crisis": "on",
        },
    )
    assert response.status_code == 302
    added = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=3)
    assert not added.rules.exists()
    assert ItemRule.objects.filter(question=foreign).exclude(version=foreign.version).count() == 0


def test_the_change_page_offers_only_the_versions_own_questions(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    other = phq9_v1().new_draft()
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    for question in draft.questions.all():
        assert f'<option value="{question.pk}"' in page
    for question in other.questions.all():
        assert f'<option value="{question.pk}"' not in page


def test_a_rule_posted_with_another_versions_question_is_a_form_error(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    foreign = phq9_v1().new_draft().questions.get(code="phq9_8")
    response = admin_client.post(
        f"{CHANGELIST}{draft.pk}/change/",
        {
            "questionnaire": draft.questionnaire_id,
            "number": draft.number,
            "note": draft.note,
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            **empty_formset("questions"),
            **empty_formset("bands"),
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-0-code": "watch",
            "rules-0-question": foreign.pk,
            "rules-0-min_value": "2",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not draft.rules.filter(code="watch").exists()


def test_the_model_refuses_a_rule_on_another_versions_question(questionnaires):
    draft = phq9_v1().new_draft()
    foreign = phq9_v1().new_draft().questions.get(code="phq9_9")
    rule = ItemRule(version=draft, code="watch", question=foreign, min_value=1)
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert refused.value.message_dict["question"] == [
        "Rule “watch” uses question “phq9_9” of another version; a rule can only use a "
        "question of its own version."
    ]
    with pytest.raises(ValidationError):
        rule.save()
    existing = draft.rules.get(code="self_harm")
    existing.question = foreign
    with pytest.raises(ValidationError):
        existing.save()
    assert draft.rules.get(code="self_harm").question.version == draft


def test_a_question_with_a_rule_cannot_move_to_another_version(questionnaires):
    draft = phq9_v1().new_draft()
    other = phq9_v1().new_draft()
    question = draft.questions.get(code="phq9_9")
    question.version = other
    with pytest.raises(ValidationError) as refused:
        question.full_clean(validate_unique=False, validate_constraints=False)
    assert "version" in refused.value.message_dict
    with pytest.raises(ValidationError):
        question.save()
    # A question no rule uses may move.
    loose = draft.questions.get(code="phq9_1")
    loose.code = "moved"
    loose.version = other
    loose.save()


def test_publishing_a_rule_on_another_versions_question_is_refused(questionnaires):
    # Written behind the model's back (an old row, a bulk update): publishing still refuses it.
    draft = phq9_v1().new_draft()
    other = phq9_v1().new_draft()
    draft.rules.update(question=other.questions.get(code="phq9_9"))
    with pytest.raises(ValidationError) as refused:
        QuestionnaireVersion.objects.get(pk=draft.pk).publish()
    assert (
        "Rule “self_harm” uses question “phq9_9” of another version; a rule can only use a "
        "question of its own version."
    ) in refused.value.messages
    assert QuestionnaireVersion.objects.current_for("phq-9").number == 1


def unchanged_post(page) -> dict:
    """What the admin change ``page`` posts back when saved as it is."""
    every_form = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        every_form += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in every_form:
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()
            widget = getattr(field.widget, "widget", field.widget)  # admin's related wrapper
            if isinstance(widget, forms.MultiWidget):
                parts = widget.decompress(value)
                data |= {f"{key}_{i}": "" if v is None else str(v) for i, v in enumerate(parts)}
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)
    return data


def test_deleting_a_question_while_editing_its_rule_is_a_form_error(admin_client, questionnaires):
    draft = phq9_v1().new_draft()
    url = f"{CHANGELIST}{draft.pk}/change/"
    data = unchanged_post(admin_client.get(url))
    item9 = draft.questions.get(code="phq9_9")
    row = next(k for k, v in data.items() if k.startswith("questions-") and v == str(item9.pk))
    data[row.replace("-id", "-DELETE")] = "on"
    data["rules-0-min_value"] = "2"
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        "Question “phq9_9” is being deleted in this save: delete this rule too, or keep the "
        "question." in response.content.decode()
    )
    assert draft.questions.filter(code="phq9_9").exists()
    assert draft.rules.get().min_value == 1
    # Deleting both is the way to say it, and saves.
    data["rules-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert not draft.questions.filter(code="phq9_9").exists()
    assert not draft.rules.exists()


def test_the_change_page_saves_unchanged(admin_client, questionnaires):
    # Checks unchanged_post() itself: the page as shown saves, and nothing changes.
    draft = phq9_v1().new_draft()
    url = f"{CHANGELIST}{draft.pk}/change/"
    before = draft.definition()
    assert admin_client.post(url, unchanged_post(admin_client.get(url))).status_code == 302
    assert QuestionnaireVersion.objects.get(pk=draft.pk).definition() == before
