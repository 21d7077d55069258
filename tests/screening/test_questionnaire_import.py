"""A questionnaire version exported as JSON and imported as a draft; bad files are refused."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from screening import interchange, publishing
from screening.models import QuestionnaireVersion
from tests.screening.version_admin import CHANGELIST, phq9_v1

pytestmark = pytest.mark.django_db


def test_json_export_imports_back_as_an_identical_draft(admin_client, questionnaires):
    exported = admin_client.get(f"{CHANGELIST}{phq9_v1().pk}/export.json")
    assert exported["Content-Disposition"].endswith('phq-9-v1.json"')
    upload = io.BytesIO(exported.content)
    upload.name = "phq-9-v1.json"
    response = admin_client.post(f"{CHANGELIST}import/", {"file": upload})
    assert response.status_code == 302
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=2)
    assert draft.published_at is None
    assert draft.definition() == phq9_v1().definition()
    ours = interchange.export_version(draft)
    theirs = json.loads(exported.content)
    assert ours["questions"] == theirs["questions"]
    assert ours["bands"] == theirs["bands"]
    assert ours["rules"] == theirs["rules"]


def test_a_new_questionnaire_can_be_imported(questionnaires):
    data = interchange.export_version(phq9_v1())
    data["questionnaire"]["slug"] = "phq-9-elderly"
    version = interchange.import_version(data)
    assert version.questionnaire.slug == "phq-9-elderly"
    assert version.questionnaire.title_en == "PHQ-9 depression screen"
    assert version.number == 1


def english_only(data):
    """``data`` (an export) with every Chinese text taken out, as if written in English only."""
    if isinstance(data, dict):
        if set(data) == {"zh-hans", "en"}:
            return {"en": data["en"]}
        return {key: english_only(value) for key, value in data.items()}
    if isinstance(data, list):
        return [english_only(item) for item in data]
    return data


def test_texts_that_may_be_empty_still_need_chinese_where_english_has_them(questionnaires):
    data = interchange.export_version(phq9_v1())
    data["questionnaire"]["slug"] = "phq-9-en"
    data["questionnaire"]["instructions"] = english_only(data["questionnaire"]["instructions"])
    data["bands"][1]["meaning"] = english_only(data["bands"][1]["meaning"])
    data["questionnaire"]["recall_period"] = {"zh-hans": "", "en": ""}  # empty in both: fine
    version = interchange.import_version(data)
    with translation.override("en"):
        problems = version.problems()
    assert "The questionnaire: the Chinese “instructions” is empty." in problems
    assert f"Band “{data['bands'][1]['code']}”: the Chinese “what it means” is empty." in problems
    assert not [p for p in problems if "recall period" in p]


def test_a_version_without_chinese_texts_is_not_published(questionnaires):
    # Chinese readers fall back to English: an English-only import would go live in English.
    data = english_only(interchange.export_version(phq9_v1()))
    data["questionnaire"]["slug"] = "phq-9-en"
    data["bands"][0]["label"]["zh-hans"] = "极轻微或无"
    version = interchange.import_version(data)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        version.publish()
    problems = refused.value.messages
    assert "The questionnaire: the Chinese “title” is empty." in problems
    assert "Question “phq9_1”: the Chinese “text” is empty." in problems
    assert "Question “phq9_9”, option 3: the Chinese “label” is empty." in problems
    assert "Band “moderate”: the Chinese “label” is empty." in problems
    assert not [p for p in problems if "Band “minimal”: the Chinese “label”" in p]
    assert QuestionnaireVersion.objects.get(pk=version.pk).published_at is None
    # The shipped questionnaires have every text in Chinese.
    assert publishing.untranslated(phq9_v1()) == []


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"format": "something else"}',
        b'{"format": "questionnaire-version/1"}',
        b'{"format": "questionnaire-version/1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["not json", "other format", "empty", "nested too deep"],
)
def test_a_bad_import_file_is_refused_with_a_message_and_writes_nothing(
    admin_client, questionnaires, content
):
    assert_import_refused(admin_client, content)


def _twice(items: list) -> None:
    items.append(dict(items[0]))


FAULTY_EXPORTS = {
    "question code twice": lambda d: _twice(d["questions"]),
    "option value twice": lambda d: _twice(d["questions"][0]["options"]),
    "rule code twice": lambda d: _twice(d["rules"]),
    "band code twice": lambda d: _twice(d["bands"]),
    "label too long": lambda d: d["questions"][0]["options"][0]["label"].update(en="x" * 201),
    "rule code too long": lambda d: d["rules"][0].update(code="x" * 41),
    "huge option value": lambda d: d["questions"][0]["options"][0].update(value=2**40),
    "NUL in a text": lambda d: d["questions"][0]["text"].update(en="a\x00b"),
    "infinite band score": lambda d: d["bands"][0].update(min_score=float("inf")),
    "infinite rule value": lambda d: d["rules"][0].update(min_value=float("inf")),
    "decimal band score": lambda d: d["bands"][1].update(min_score=4.9),
    "decimal option value": lambda d: d["questions"][0]["options"][1].update(value=1.0),
    "boolean rule value": lambda d: d["rules"][0].update(min_value=True),
}


@pytest.mark.parametrize("fault", FAULTY_EXPORTS)
def test_an_export_the_database_would_refuse_is_a_form_error_and_writes_nothing(
    admin_client, questionnaires, fault
):
    data = interchange.export_version(phq9_v1())
    FAULTY_EXPORTS[fault](data)
    assert_import_refused(admin_client, json.dumps(data).encode())


def test_a_nul_character_is_named_in_the_form_error_on_every_database(admin_client, questionnaires):
    # PostgreSQL cannot store it and SQLite would: the file is refused before either is asked.
    data = interchange.export_version(phq9_v1())
    data["questions"][0]["text"]["en"] = "a\x00b"
    page = assert_import_refused(admin_client, json.dumps(data).encode())
    assert "A text in the file holds a NUL character" in page


def test_a_score_that_is_not_a_whole_number_is_named_in_the_form_error(
    admin_client, questionnaires
):
    # 4.9 used to be cut to 4 without a word.
    data = interchange.export_version(phq9_v1())
    data["bands"][1]["min_score"] = 4.9
    page = assert_import_refused(admin_client, json.dumps(data).encode())
    assert "Band &#x27;mild&#x27;: min_score must be a whole number." in page
    data = interchange.export_version(phq9_v1())
    content = json.dumps(data).replace('"min_value": 1', '"min_value": 1e400').encode()
    page = assert_import_refused(admin_client, content)
    assert "Rule &#x27;self_harm&#x27;: min_value must be a whole number." in page


@pytest.mark.parametrize(
    "part,field", [("questions", "scored"), ("questions", "safety_item"), ("rules", "crisis")]
)
def test_a_yes_or_no_given_as_text_is_named_in_the_form_error(
    admin_client, questionnaires, part, field
):
    # bool("false") is True: an item meant to be unscored would have changed every total.
    data = interchange.export_version(phq9_v1())
    data[part][-1][field] = "false"
    page = assert_import_refused(admin_client, json.dumps(data).encode())
    assert f"{field} must be true or false." in page


def assert_import_refused(admin_client, content: bytes) -> str:
    """The admin's import shows a form error for ``content`` and adds no version; the page."""
    upload = io.BytesIO(content)
    upload.name = "x.json"
    before = QuestionnaireVersion.objects.count()
    response = admin_client.post(
        f"{CHANGELIST}import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert QuestionnaireVersion.objects.count() == before
    return response.content.decode()
