"""The closing free-text question: optional, limited, never scored, read for crisis language."""

import dataclasses
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import translation

from referrals.crisis_phrases import crisis_lexicon as lexicon
from screening import definition_checks, interchange, scoring
from screening.fhir_export import fhir_questionnaire
from screening.models import QuestionnaireVersion, Submission
from tests.screening.definitions import fixture_definition

pytestmark = pytest.mark.usefixtures("crisis_lexicon")
SUBMIT = "/api/v1/questionnaires/{}/submissions/"
PESTICIDE = "我已经把农药准备好了"
PHQ9 = fixture_definition("phq-9")


def calm(**extra):
    return {f"phq9_{i}": 0 for i in range(1, 10)} | extra


def submit(api, answers, slug="phq-9"):
    return api.post(SUBMIT.format(slug), {"answers": answers}, format="json")


# The scoring engine, without the database.


def test_free_text_is_optional_and_never_scored():
    result = scoring.score_answers(PHQ9, calm(phq9_more="最近睡得不好"))
    assert result.total == 0 and not result.crisis
    assert result.answers["phq9_more"] == "最近睡得不好"
    assert "phq9_more" not in scoring.score_answers(PHQ9, calm(phq9_more="  ")).answers


@pytest.mark.parametrize(
    "value, reason",
    [("字" * 501, "too_long"), (5, "not_text"), (["一", "二"], "not_text"), (True, "not_text")],
)
def test_free_text_that_does_not_fit_is_refused_by_name(value, reason):
    with pytest.raises(scoring.InvalidAnswers) as refused:
        scoring.score_answers(PHQ9, calm(phq9_more=value))
    assert refused.value.errors == {"phq9_more": reason}


def test_crisis_language_makes_a_crisis_whatever_the_score():
    result = scoring.score_answers(PHQ9, calm(phq9_more=PESTICIDE), lexicon())
    assert result.total == 0
    assert (result.crisis, result.tier) == (True, "severe")
    assert result.triggered_rules == ("crisis_language",)


def test_hyperbole_and_farming_stay_calm():
    for words in ("今天插秧累死了", "明天去镇上买农药打虫", "我从来没想过自杀"):
        assert not scoring.score_answers(PHQ9, calm(phq9_more=words), lexicon()).crisis


def test_a_refused_sheet_with_crisis_language_brings_the_help():
    with pytest.raises(scoring.InvalidAnswers) as refused:
        scoring.score_answers(PHQ9, {"phq9_1": 0, "phq9_more": PESTICIDE + "。" * 600}, lexicon())
    assert refused.value.crisis


def test_a_text_question_with_options_score_or_no_limit_is_not_published():
    text = dataclasses.replace(
        PHQ9.question("phq9_more"), values=(0, 1), scored=True, required=True, max_length=None
    )
    questions = tuple(text if q.code == "phq9_more" else q for q in PHQ9.questions)
    with translation.override("en"):
        problems = definition_checks.definition_problems(
            dataclasses.replace(PHQ9, questions=questions)
        )
    assert any("must have no options" in p for p in problems)
    assert any("cannot count towards the total" in p for p in problems)
    assert any("must be optional" in p for p in problems)
    assert any("needs a longest answer" in p for p in problems)


def test_no_item_rule_can_use_free_text():
    rule = scoring.RuleDef(code="words", question_code="phq9_more", min_value=1)
    definition = dataclasses.replace(PHQ9, rules=(*PHQ9.rules, rule))
    with translation.override("en"):
        problems = definition_checks.definition_problems(definition)
    assert any("read for crisis language instead" in p for p in problems)


# The API.


def test_the_detail_names_each_question_kind(api, questionnaires):
    for slug, code in (("phq-9", "phq9_more"), ("gad-7", "gad7_more")):
        questions = api.get(f"/api/v1/questionnaires/{slug}/").json()["questions"]
        last = questions[-1]
        assert last == {
            "code": code,
            "text": "还有什么想告诉我们的吗？",
            "kind": "text",
            "max_length": 500,
            "scored": False,
            "required": False,
            "options": [],
        }
        assert {q["kind"] for q in questions[:-1]} == {"choice"}
        assert {q["max_length"] for q in questions[:-1]} == {None}


def test_the_api_takes_words_and_never_sends_them_back(api, demo_data):
    response = submit(api, calm(phq9_more=PESTICIDE))
    assert response.status_code == 201
    body = response.json()
    assert body["crisis"] is True and body["tier"] == "severe"
    assert body["triggered_rules"] == ["crisis_language"]
    assert "您写下的话说明您现在可能需要帮助" in body["band"]["meaning"]
    assert body["recommendation"]["hotlines"][0]["number"] == "12356"
    assert PESTICIDE not in response.content.decode()
    again = api.get(f"/api/v1/submissions/{body['token']}/")
    assert PESTICIDE not in again.content.decode()
    assert Submission.objects.get(token=body["token"]).answers["phq9_more"] == PESTICIDE


def test_words_that_are_too_long_are_a_400_naming_the_field(api, demo_data):
    response = api.post(
        SUBMIT.format("phq-9"),
        {"answers": calm(phq9_more="字" * 501)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["answers"]["phq9_more"] == [
        "The answer is longer than this question's max_length."
    ]
    assert not Submission.objects.exists()


def test_a_400_with_crisis_language_carries_the_crisis_help(api, demo_data):
    response = submit(api, {"phq9_1": 0, "phq9_more": "不想活了"})
    assert response.status_code == 400
    body = response.json()
    assert body["crisis"] is True
    assert body["hotlines"][0]["number"] == "12356"
    assert "不想活了" not in response.content.decode()


# The form.


def test_the_form_has_a_text_box_with_its_limit(client, demo_data):
    page = client.get("/q/gad-7/").content.decode()
    assert '<textarea name="gad7_more" rows="4" maxlength="500"' in page
    assert "还有什么想告诉我们的吗？" in page


def test_the_form_reads_the_words_for_crisis_language(client, demo_data):
    form = {f"gad7_{i}": "0" for i in range(1, 8)} | {"gad7_more": "想喝農藥"}
    response = client.post("/q/gad-7/", form | {"version": "1"})
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.crisis and submission.triggered_rules == ["crisis_language"]
    page = client.get(response["Location"]).content.decode()
    assert "想喝農藥" not in page
    assert page.index('class="crisis"') < page.index('class="result"')


def test_numbers_typed_as_words_stay_words(client, demo_data):
    form = {f"gad7_{i}": "0" for i in range(1, 8)} | {"gad7_more": "12356"}
    assert client.post("/q/gad-7/", form | {"version": "1"}).status_code == 303
    assert Submission.objects.get().answers["gad7_more"] == "12356"


def test_the_form_keeps_words_that_are_too_long_and_says_so(client, demo_data):
    words = "最近" * 260
    form = {f"gad7_{i}": "0" for i in range(1, 8)} | {"gad7_more": words, "version": "1"}
    response = client.post("/q/gad-7/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "too long: please shorten it" in page
    assert words in page, "the person's own words come back to them to shorten"


def test_words_are_never_logged(api, client, demo_data, log_output):
    submit(api, calm(phq9_more="遗书写好了"))
    submit(api, {"phq9_more": "遗书写好了"})
    form = {f"gad7_{i}": "0" for i in range(1, 8)} | {"gad7_more": "遗书写好了"}
    client.post("/q/gad-7/", form | {"version": "1"})
    assert "遗书" not in log_output.getvalue()


# Staff, exchange and retention.


def test_clinicians_see_the_words_with_the_phrase_marked(api, client, demo_data, staff_groups):
    token = submit(api, calm(phq9_more="最近很累，遗书写好了")).json()["token"]
    user = User.objects.create_user("clinician", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Clinician"))
    client.force_login(user)
    submission = Submission.objects.get(token=token)
    page = client.get(f"/admin/screening/submission/{submission.pk}/change/").content.decode()
    assert "最近很累，<mark" in page and ">遗书</mark>写好了" in page


def test_the_fhir_export_has_a_text_item(questionnaires):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    items = fhir_questionnaire(version, "https://example.org")["item"]
    more = next(item for item in items if item["linkId"] == "phq9_more")
    assert (more["type"], more["maxLength"], more["required"]) == ("text", 500, False)
    assert (
        "phq9_more"
        not in next(i for i in items if i["linkId"] == "total_score")["extension"][0][
            "valueExpression"
        ]["expression"]
    )


def test_the_json_export_round_trips_the_kind(questionnaires):
    exported = interchange.export_version(QuestionnaireVersion.objects.current_for("gad-7"))
    draft = interchange.import_version(json.loads(json.dumps(exported)))
    more = draft.questions.get(code="gad7_more")
    assert (more.kind, more.max_length) == ("text", 500)
    assert draft.problems() == []


def test_anonymising_drops_the_words(api, demo_data, settings):
    token = submit(api, calm(phq9_more="最近很累")).json()["token"]
    Submission.objects.filter(token=token).update(created_at="2020-01-01T00:00:00Z")
    call_command("purge_personal_data", "--anonymise-days", "30", stdout=io.StringIO())
    assert all("phq9_more" not in s.answers for s in Submission.objects.all())
