"""A reverse-scored item typed the wrong way round stops its version from being published."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from screening import interchange
from screening.models import QuestionnaireVersion

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/screening/questionnaireversion/"


def live(slug):
    return QuestionnaireVersion.objects.current_for(slug)


def problems_in_english(version):
    with translation.override("en"):
        return version.problems()


def test_a_reversed_item_scored_the_usual_way_round_is_refused(more_questionnaires):
    draft = live("epds").new_draft()
    # A clinician retypes item 3 ("blamed myself… Yes, most of the time" first) as 0, 1, 2, 3.
    item3 = draft.questions.get(code="epds_3")
    options = list(item3.options.all())
    for option in options:
        option.value += 10  # out of the way of the unique values first
        option.save()
    for position, option in enumerate(options):
        option.value = position
        option.save()

    found = problems_in_english(draft)

    assert found == [
        "Question “epds_3” is reverse-scored, so its scores must fall from the first option to "
        "the last, but they run 0, 1, 2, 3: check that they are not the wrong way round, and "
        "the options' positions."
    ]
    with pytest.raises(ValidationError):
        draft.publish()
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_item_marked_reversed_by_mistake_is_refused(questionnaires):
    draft = live("phq-9").new_draft()
    draft.questions.filter(code="phq9_4").update(reverse_scored=True)
    assert problems_in_english(draft) == [
        "Question “phq9_4” is reverse-scored, so its scores must fall from the first option to "
        "the last, but they run 0, 1, 2, 3: check that they are not the wrong way round, and "
        "the options' positions."
    ]


def test_a_usual_item_whose_scores_fall_is_refused(questionnaires):
    draft = live("phq-9").new_draft()
    item = draft.questions.get(code="phq9_2")
    first, *_middle, last = item.options.all()
    first.position, last.position = last.position, first.position
    first.save()
    last.save()
    assert problems_in_english(draft) == [
        "Question “phq9_2” is not reverse-scored, so its scores must rise from the first option "
        "to the last, but they run 3, 1, 2, 0: check the scores and the options' positions, or "
        "mark the question reverse-scored."
    ]


def test_the_shipped_reversed_items_pass(more_questionnaires):
    for slug in ("phq-9", "gad-7", "gds-15", "epds", "phq-a"):
        assert live(slug).new_draft().problems() == [], slug


def test_reverse_scoring_travels_in_the_json_export(admin_client, more_questionnaires):
    epds = live("epds")
    exported = admin_client.get(f"{CHANGELIST}{epds.pk}/export.json")
    questions = {q["code"]: q for q in json.loads(exported.content)["questions"]}
    assert [c for c, q in questions.items() if q.get("reverse_scored")] == [
        f"epds_{i}" for i in (3, 5, 6, 7, 8, 9, 10)
    ]
    upload = io.BytesIO(exported.content)
    upload.name = "epds-v1.json"
    assert admin_client.post(f"{CHANGELIST}import/", {"file": upload}).status_code == 302
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="epds", number=2)
    assert interchange.export_version(draft)["questions"] == list(questions.values())
    assert draft.problems() == []


def test_an_import_without_the_flag_reads_it_as_usual_scoring(more_questionnaires):
    data = interchange.export_version(live("gds-15"))
    for question in data["questions"]:
        question.pop("reverse_scored")
    data["questionnaire"]["slug"] = "gds-15-old-export"
    version = interchange.import_version(data)
    found = problems_in_english(version)
    # The five items that score "no" are caught, not published scoring backwards.
    assert [p.split("”")[0] for p in found] == [f"Question “gds15_{i}" for i in (1, 5, 7, 11, 13)]


def test_clinicians_see_the_flag_beside_each_question(admin_client, more_questionnaires):
    page = admin_client.get(
        f"{CHANGELIST}{live('epds').pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "反向计分" in page


def swap_scores(question):
    yes, no = question.options.all()
    for option, value in ((yes, 10), (no, yes.value), (yes, no.value)):
        option.value = value  # by way of 10: the values are unique to their question
        option.save()


def test_a_yes_no_item_scoring_no_without_the_flag_is_refused(more_questionnaires):
    draft = live("gds-15").new_draft()
    swap_scores(draft.questions.get(code="gds15_2"))  # "dropped many activities": now "no" 1
    assert problems_in_english(draft) == [
        "Question “gds15_2” is a yes-or-no question that is not reverse-scored, so “yes” (its "
        "first option) must score more than “no”, but they score 0, 1: check the scores and the "
        "options' positions, or mark the question reverse-scored."
    ]
    draft.questions.filter(code="gds15_2").update(reverse_scored=True)
    assert problems_in_english(draft) == []


def test_a_reversed_yes_no_item_scoring_yes_is_refused(more_questionnaires):
    draft = live("gds-15").new_draft()
    swap_scores(draft.questions.get(code="gds15_1"))  # "satisfied with your life": now "yes" 1
    assert problems_in_english(draft) == [
        "Question “gds15_1” is a reverse-scored yes-or-no question, so “no” (its second option) "
        "must score more than “yes”, but they score 1, 0: check the scores and the options' "
        "positions."
    ]
