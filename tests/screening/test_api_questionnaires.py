import time

import pytest

from screening.models import Questionnaire, QuestionnaireVersion
from screening.models import versions as live

pytestmark = pytest.mark.django_db


def test_list_gives_published_questionnaires_with_version_and_size(api, questionnaires):
    response = api.get("/api/v1/questionnaires/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "phq-9",
            "title": "PHQ-9 抑郁筛查",
            "plain_name": "心情和睡眠自测",
            "start_here": True,
            "summary": "9个问题，约3分钟，看看最近两周的情绪和睡眠等情况。",
            "version": 1,
            "question_count": 11,
            "min_age": None,
            "max_age": None,
        },
        {
            "slug": "gad-7",
            "title": "GAD-7 焦虑筛查",
            "plain_name": "紧张和担心自测",
            "start_here": False,
            "summary": "7个问题，约2分钟，看看最近两周的紧张和担忧情况。",
            "version": 1,
            "question_count": 8,
            "min_age": None,
            "max_age": None,
        },
    ]


def test_detail_gives_questions_in_order_with_options(api, questionnaires):
    body = api.get("/api/v1/questionnaires/phq-9/").json()
    assert body["slug"] == "phq-9"
    assert body["plain_name"] == "心情和睡眠自测"
    assert body["version"] == 1
    assert body["max_score"] == 27
    assert body["instructions"].startswith("在过去两个星期")
    assert [q["code"] for q in body["questions"]] == [
        *(f"phq9_{i}" for i in range(1, 11)),
        "phq9_more",
    ]
    assert body["questions"][0]["options"] == [
        {"value": 0, "label": "完全不会"},
        {"value": 1, "label": "好几天"},
        {"value": 2, "label": "一半以上的天数"},
        {"value": 3, "label": "几乎每天"},
    ]
    assert body["questions"][9]["scored"] is False
    assert body["questions"][9]["required"] is False
    assert "Pfizer" in body["copyright"]


def test_detail_speaks_english_when_asked(api, questionnaires):
    response = api.get("/api/v1/questionnaires/gad-7/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response["Content-Language"] == "en"
    assert body["title"] == "GAD-7 anxiety screen"
    assert body["questions"][0]["text"] == "Feeling nervous, anxious or on edge"
    assert body["questions"][0]["options"][3]["label"] == "Nearly every day"


def test_unknown_questionnaire_is_404(api, questionnaires):
    response = api.get("/api/v1/questionnaires/phq-99/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_detail_answers_304_to_a_matching_etag_and_changes_with_language(api, questionnaires):
    first = api.get("/api/v1/questionnaires/phq-9/")
    etag = first["ETag"]
    assert etag
    again = api.get("/api/v1/questionnaires/phq-9/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    english = api.get(
        "/api/v1/questionnaires/phq-9/", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 200
    assert english["ETag"] != etag


def test_schema_describes_every_endpoint(api, questionnaires):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/questionnaires/",
        "/api/v1/questionnaires/{slug}/",
        "/api/v1/questionnaires/{slug}/submissions/",
        "/api/v1/submissions/{token}/",
    } <= set(paths)
    submit = paths["/api/v1/questionnaires/{slug}/submissions/"]["post"]
    assert {"201", "400", "404", "413", "429"} <= set(submit["responses"])


def test_api_docs_page_is_served(api, questionnaires):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_a_repeated_detail_costs_no_query_and_follows_a_new_version(
    api, questionnaires, django_assert_num_queries, monkeypatch
):
    first = api.get("/api/v1/questionnaires/phq-9/").json()
    with django_assert_num_queries(0):
        again = api.get("/api/v1/questionnaires/phq-9/").json()
    assert again == first
    # Once its memory of which version is live has aged, the process asks: one small query.
    monkeypatch.setattr(live, "LIVE_STATE_SECONDS", 0.2)
    time.sleep(0.3)
    with django_assert_num_queries(1):
        assert api.get("/api/v1/questionnaires/phq-9/").json() == first
    # Publishing a new version shows at once, though the old one was cached.
    draft = QuestionnaireVersion.objects.current_for("phq-9").new_draft()
    question = draft.questions.get(code="phq9_1")
    question.text = "新的问题文字"
    question.save()
    draft.publish()
    newer = api.get("/api/v1/questionnaires/phq-9/").json()
    assert (newer["version"], newer["questions"][0]["text"]) == (2, "新的问题文字")


def test_an_edited_questionnaire_title_shows_at_once(api, questionnaires):
    api.get("/api/v1/questionnaires/phq-9/")
    questionnaire = Questionnaire.objects.get(slug="phq-9")
    questionnaire.title = "情绪自测"
    questionnaire.save()
    assert api.get("/api/v1/questionnaires/phq-9/").json()["title"] == "情绪自测"


def test_the_list_leads_with_the_questionnaire_to_start_with(api, questionnaires):
    Questionnaire.objects.filter(slug="phq-9").update(start_here=False)
    Questionnaire.objects.filter(slug="gad-7").update(
        start_here=True, plain_title_zh_hans="", plain_title_en=""
    )
    body = api.get("/api/v1/questionnaires/").json()
    assert [(q["slug"], q["start_here"]) for q in body] == [("gad-7", True), ("phq-9", False)]
    # No plain name written: the title stands in.
    assert body[0]["plain_name"] == "GAD-7 焦虑筛查"
