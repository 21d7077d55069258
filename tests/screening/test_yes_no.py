"""Yes-or-no questions: two options, "yes" first, each with its score, on every path."""

import re

import pytest
from django.utils import translation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from screening import definition_checks, interchange, scoring
from screening.fhir_export import fhir_questionnaire
from screening.models import Option, Question, QuestionnaireVersion, Submission
from tests.screening.pdf_sheets import get_pdf, page_count, poppler, squeeze
from tests.screening.test_browser import phone_context

CHANGELIST = "/admin/screening/questionnaireversion/"
GDS_POINT_ON_NO = {1, 5, 7, 11, 13}
YES, NO = "是", "否"


def live(slug):
    return QuestionnaireVersion.objects.current_for(slug)


def definition(*questions: scoring.QuestionDef) -> scoring.Definition:
    top = sum(max(q.values) for q in questions)
    return scoring.Definition(questions=questions, bands=(scoring.BandDef("all", 0, top, "mild"),))


def yes_no(code: str, values: tuple[int, ...] = (1, 0)) -> scoring.QuestionDef:
    return scoring.QuestionDef(code=code, values=values, kind=scoring.YES_NO)


def gds_answers(version, yes: set[int]) -> dict[str, int]:
    """A GDS-15 sheet answered "yes" to the items in ``yes``, "no" to the others: the value of
    the option so labelled, as the form posts it."""
    answers = {}
    for number, question in enumerate(version.questions.prefetch_related("options"), 1):
        if question.is_yes_no:
            wanted = YES if number in yes else NO
            answers[question.code] = next(
                o.value for o in question.options.all() if o.label_zh_hans == wanted
            )
    return answers


# The scoring engine and its checks, without the database.


def test_a_yes_no_question_scores_the_value_of_the_answer_given():
    table = definition(yes_no("sign"), yes_no("content", (0, 1)))
    assert scoring.score_answers(table, {"sign": 1, "content": 1}).total == 2
    assert scoring.score_answers(table, {"sign": 0, "content": 0}).total == 0
    with pytest.raises(scoring.InvalidAnswers) as refused:
        scoring.score_answers(table, {"sign": 2, "content": True})
    assert refused.value.errors == {"sign": "invalid_choice", "content": "not_integer"}


@pytest.mark.parametrize("values", [(1,), (2, 1, 0)], ids=["one", "three"])
def test_a_yes_no_question_needs_exactly_two_options(values):
    with translation.override("en"):
        found = definition_checks.definition_problems(definition(yes_no("q1", values)))
    assert found == [
        f"Yes-or-no question “q1” needs exactly two options, “yes” first and “no” second; it "
        f"has {len(values)}."
    ]


def test_a_yes_no_question_with_two_options_passes():
    assert definition_checks.definition_problems(definition(yes_no("q1"))) == []


# The shipped instruments.


@pytest.mark.django_db
def test_the_gds15_and_the_phqa_yes_no_items_are_yes_no_questions(more_questionnaires):
    for slug, codes in [
        ("gds-15", {f"gds15_{i}" for i in range(1, 16)}),
        ("phq-a", {"phqa_10", "phqa_12", "phqa_13"}),
    ]:
        questions = live(slug).questions.prefetch_related("options")
        assert {q.code for q in questions if q.is_yes_no} == codes
        for question in questions:
            if question.is_yes_no:
                labels = [o.label_zh_hans for o in question.options.all()]
                assert labels == [YES, NO], question.code
                assert [o.label_en for o in question.options.all()] == ["Yes", "No"]


@pytest.mark.django_db
@pytest.mark.parametrize("item", range(1, 16))
def test_gds15_scores_no_on_the_reversed_items_and_yes_on_the_others(more_questionnaires, item):
    version = live("gds-15")
    content = gds_answers(version, GDS_POINT_ON_NO)
    assert version.score(content).total == 0
    flipped = GDS_POINT_ON_NO ^ {item}
    assert version.score(gds_answers(version, flipped)).total == 1
    reversed_ = Question.objects.get(version=version, code=f"gds15_{item}").reverse_scored
    assert reversed_ is (item in GDS_POINT_ON_NO)


@pytest.mark.django_db
def test_phqa_yes_to_a_suicide_question_is_a_crisis(more_questionnaires):
    version = live("phq-a")
    calm = {f"phqa_{i}": 0 for i in range(1, 10)} | {"phqa_11": 0}
    for code in ("phqa_10", "phqa_12", "phqa_13"):
        calm[code] = Option.objects.get(question__version=version, question__code=code, label=NO)
        calm[code] = calm[code].value
    assert not version.score(calm).crisis
    yes = Option.objects.get(question__version=version, question__code="phqa_12", label=YES)
    assert version.score(calm | {"phqa_12": yes.value}).crisis


@pytest.mark.django_db
def test_a_draft_with_a_yes_no_question_of_three_options_is_not_published(more_questionnaires):
    draft = live("gds-15").new_draft()
    question = draft.questions.get(code="gds15_2")
    Option.objects.create(question=question, position=2, value=2, label="不知道")
    with translation.override("en"):
        found = draft.problems()
    assert (
        "Yes-or-no question “gds15_2” needs exactly two options, “yes” first and “no” second; "
        "it has 3."
    ) in found


# The villager's form.


@pytest.mark.django_db
def test_the_form_shows_a_yes_no_question_as_two_answers_side_by_side(client, more_questionnaires):
    page = client.get("/q/gds-15/").content.decode()
    fieldset = page.split('id="q-gds15_1"')[1].split("</fieldset>")[0]
    box = fieldset.split('<div class="yes-no">')[1].split("</div>")[0]
    labels = re.findall(
        r'<label><input type="radio" name="gds15_1" value="(\d)" required> (.)</label>', box
    )
    assert labels == [("0", YES), ("1", NO)]


@pytest.mark.django_db
def test_the_gds15_form_is_sent_without_javascript(client, more_questionnaires):
    version = live("gds-15")
    form = {code: str(value) for code, value in gds_answers(version, {2, 3, 4, 6, 8}).items()}
    response = client.post("/q/gds-15/", form | {"version": "1"})
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert (submission.total_score, submission.band.code) == (10, "moderate")


@pytest.mark.django_db
def test_a_yes_no_answer_is_kept_when_the_form_comes_back(client, more_questionnaires):
    version = live("gds-15")
    answers = gds_answers(version, set())
    answers.pop("gds15_15")
    page = client.post("/q/gds-15/", {k: str(v) for k, v in answers.items()}).content.decode()
    fieldset = page.split('id="q-gds15_1"')[1].split("</fieldset>")[0]
    assert 'value="1" checked' in fieldset  # "no", the point of item 1
    assert "q-gds15_15" in page.split('id="errors"')[1].split("</div>")[0]


@pytest.mark.django_db(transaction=True)
def test_yes_and_no_are_big_buttons_side_by_side_on_a_375_pixel_phone(
    browser, live_server, demo_data
):
    context = phone_context(browser, javascript=False)
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/q/gds-15/")
    for number in range(1, 16):
        labels = page.locator(f"#q-gds15_{number} label")
        assert labels.count() == 2
        yes, no = (labels.nth(i).bounding_box() for i in range(2))
        assert labels.nth(0).inner_text().strip() == YES
        assert yes["height"] >= 44 and no["height"] >= 44
        assert abs(yes["y"] - no["y"]) < 2 and yes["x"] + yes["width"] <= no["x"]
        assert no["x"] + no["width"] <= 375
    # Keyboard: the arrow keys move between "yes" and "no" of one question, as radios do.
    page.focus('input[name="gds15_1"][value="0"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.is_checked('input[name="gds15_1"][value="1"]')
    version = live("gds-15")
    for code, value in gds_answers(version, {2, 3, 4, 6, 8, 9, 10}).items():
        page.click(f'input[name="{code}"][value="{value}"]')
    with page.expect_navigation():
        page.click('button[type="submit"]')
    assert "/r/" in page.url
    assert Submission.objects.get().total_score == 12
    context.close()


# The API, admin and exports.


@pytest.mark.django_db
def test_the_api_says_a_question_is_yes_no(api, more_questionnaires):
    body = api.get("/api/v1/questionnaires/gds-15/").json()
    first = body["questions"][0]
    assert first["kind"] == "yes_no"
    assert first["options"] == [{"value": 0, "label": YES}, {"value": 1, "label": NO}]
    schema = api.get("/api/schema/?format=json").json()
    kinds = schema["components"]["schemas"]["QuestionKindEnum"]["enum"]
    assert kinds == ["choice", "yes_no", "text"]


@pytest.mark.django_db
def test_clinicians_choose_the_yes_no_kind_in_admin(admin_client, more_questionnaires):
    draft = live("gds-15").new_draft()
    question = draft.questions.get(code="gds15_1")
    page = admin_client.get(
        f"/admin/screening/question/{question.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '<option value="yes_no" selected>是或否</option>' in page
    assert "正好两个选项，“是”在前、“否”在后" in page


@pytest.mark.django_db
def test_the_json_export_keeps_the_kind_and_imports_as_it_was(more_questionnaires):
    data = interchange.export_version(live("gds-15"))
    assert {q["kind"] for q in data["questions"][:15]} == {"yes_no"}
    data["questionnaire"]["slug"] = "gds-15-copy"
    draft = interchange.import_version(data)
    assert interchange.export_version(draft)["questions"] == data["questions"]
    assert draft.problems() == []


@pytest.mark.django_db
def test_an_import_with_an_unknown_kind_is_refused_by_name(more_questionnaires):
    data = interchange.export_version(live("gds-15"))
    data["questions"][0]["kind"] = "boolean"
    with pytest.raises(Exception, match="kind"):
        interchange.import_version(data)
    assert QuestionnaireVersion.objects.filter(questionnaire__slug="gds-15").count() == 1


@pytest.mark.django_db
def test_the_fhir_export_keeps_each_answers_weight(more_questionnaires):
    with translation.override("zh-hans"):
        resource = fhir_questionnaire(live("gds-15"), "https://example.org")
    FhirQuestionnaire.model_validate(resource)
    items = {item["linkId"]: item for item in resource["item"]}
    for code, weights in (("gds15_1", [0, 1]), ("gds15_2", [1, 0])):
        item = items[code]
        assert item["type"] == "choice"
        codings = [option["valueCoding"] for option in item["answerOption"]]
        assert [(c["code"], c["display"]) for c in codings] == [
            ("LA33-6", "Yes"),
            ("LA32-8", "No"),
        ]
        assert [c["_display"]["extension"][0]["extension"][1]["valueString"] for c in codings] == [
            YES,
            NO,
        ]
        assert [o["extension"][0]["valueDecimal"] for o in item["answerOption"]] == weights


# Paper: the blank form and the result sheet.


@pytest.mark.django_db
def test_the_blank_gds15_puts_each_question_and_its_boxes_on_one_line(
    client, more_questionnaires, tmp_path
):
    pdf = get_pdf(client, "/q/gds-15/pdf/").content
    assert page_count(tmp_path, pdf) == 2
    form = poppler(tmp_path, "pdftotext", pdf, "-layout", "-f", "1", "-l", "1")
    with translation.override("zh-hans"):
        texts = [q.text for q in live("gds-15").questions.all()][:15]
    for number, text in enumerate(texts, 1):
        line = next(line for line in form.splitlines() if line.strip().startswith(f"{number}. "))
        assert re.fullmatch(rf"\s*{number}\.\s+{re.escape(text)}\s+{YES}\s+{NO}\s*", line), line
    key = squeeze(poppler(tmp_path, "pdftotext", pdf, "-f", "2", "-l", "2"))
    assert "第1、5、7、11、13题：答“是”记0分，答“否”记1分。" in key
    assert "第2、3、4、6、8、9、10、12、14、15题：答“是”记1分，答“否”记0分。" in key


@pytest.mark.django_db
def test_the_blank_phqa_names_the_crisis_answer_of_its_yes_no_questions(
    client, more_questionnaires, tmp_path
):
    pdf = get_pdf(client, "/q/phq-a/pdf/").content
    assert page_count(tmp_path, pdf) == 2
    text = squeeze(poppler(tmp_path, "pdftotext", pdf))
    for number in (12, 13):
        assert f"第{number}题：答“是”→不论总分多少，都按危机处理" in text


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["gds-15", "epds", "phq-a", "phq-9"])
def test_the_blank_forms_print_questions_and_answers_at_10_points_or_more(
    client, more_questionnaires, tmp_path, slug
):
    pdf = get_pdf(client, f"/q/{slug}/pdf/").content
    # In Chinese a question, or each line of it, is one word to pdftotext; an answer too.
    sizes = text_sizes(tmp_path, pdf, "-f", "1", "-l", "1")
    with translation.override("zh-hans"):
        questions = [q for q in live(slug).questions.all() if not q.is_text]
        texts = [squeeze(q.text) for q in questions]
        labels = {squeeze(o.label) for q in questions for o in q.options.all()}
    for text in texts:
        found = [size for word, size in sizes if word == text or (len(word) >= 4 and word in text)]
        assert found and min(found) >= 10, (text, found)
    for label in labels:
        found = [
            size for word, size in sizes if word == label or (len(word) >= 2 and word in label)
        ]
        assert found and min(found) >= 10, (label, found)


# pdftotext boxes a glyph of the sheets' font (Noto Sans CJK) from its descent to its ascent:
# 1.448 em high (a 7.5 pt footer is 10.86 pt high, an 11 pt question 15.93 pt).
GLYPH_BOX_EM = 1.448


def text_sizes(tmp_path, pdf: bytes, *pages: str) -> list[tuple[str, float]]:
    """Each word of the PDF's text (of ``pages``) with its font size in points, to a tenth."""
    html = poppler(tmp_path, "pdftotext", pdf, "-bbox", *pages)
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html
    )
    return [
        (text.strip(), round((float(bottom) - float(top)) / GLYPH_BOX_EM, 1))
        for top, bottom, text in words
    ]


@pytest.mark.django_db
def test_the_result_sheet_lists_yes_and_no_with_their_points(client, more_questionnaires, tmp_path):
    version = live("gds-15")
    form = {code: str(value) for code, value in gds_answers(version, {1, 2}).items()}
    client.post("/q/gds-15/", form)
    token = Submission.objects.get().token
    pdf = get_pdf(client, f"/r/{token}/pdf/").content
    text = squeeze(poppler(tmp_path, "pdftotext", pdf, "-layout"))
    with translation.override("zh-hans"):
        first, second, fifth = (
            squeeze(version.questions.get(code=f"gds15_{i}").text) for i in (1, 2, 5)
        )
    assert f"1{first}{YES}0" in text
    assert f"2{second}{YES}1" in text
    assert f"5{fifth}{NO}1" in text
