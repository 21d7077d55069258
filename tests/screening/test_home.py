"""The home page offers the tests by plain names, with one clear place to start."""

import re

import pytest

from screening.models import Questionnaire

pytestmark = pytest.mark.django_db


def choices(client, **headers) -> list[tuple[str, str]]:
    page = client.get("/", **headers).content.decode()
    return re.findall(r'<a class="button[^"]*" href="/q/([^/]+)/"[^>]*>([^<]+)</a>', page)


def test_the_tests_are_offered_by_plain_names_without_an_illness(client, questionnaires):
    page = client.get("/").content.decode()
    assert choices(client) == [("phq-9", "心情和睡眠自测"), ("gad-7", "紧张和担心自测")]
    for _slug, name in choices(client):
        assert "抑郁" not in name and "焦虑" not in name and "PHQ" not in name
    # The instrument's name is still there, small, for whoever shows the doctor.
    assert re.search(r'<span class="small instrument">PHQ-9 抑郁筛查</span>', page)
    english = choices(client, HTTP_ACCEPT_LANGUAGE="en")
    assert english == [("phq-9", "Mood and sleep check"), ("gad-7", "Nerves and worry check")]


def test_one_test_is_marked_as_the_place_to_start(client, questionnaires):
    page = client.get("/").content.decode()
    assert page.count("不确定做哪个？从这里开始") == 1
    start = page.index("不确定做哪个？从这里开始")
    assert page.index("/q/phq-9/") > start and page.index("/q/gad-7/") > page.index("/q/phq-9/")


def test_an_editor_chooses_where_to_start(client, questionnaires):
    Questionnaire.objects.filter(slug="phq-9").update(start_here=False)
    Questionnaire.objects.filter(slug="gad-7").update(start_here=True)
    assert [slug for slug, _name in choices(client)] == ["gad-7", "phq-9"]
    # None marked: the first by position.
    Questionnaire.objects.update(start_here=False)
    assert [slug for slug, _name in choices(client)] == ["phq-9", "gad-7"]
    assert "不确定做哪个？从这里开始" in client.get("/").content.decode()


def test_without_a_plain_name_the_title_is_shown(client, questionnaires):
    Questionnaire.objects.filter(slug="gad-7").update(plain_title_zh_hans="", plain_title_en="")
    assert ("gad-7", "GAD-7 焦虑筛查") in choices(client)


def test_the_test_and_its_result_are_headed_and_titled_by_the_plain_name(client, questionnaires):
    # The page title stays in the phone's history and tabs, where others may see it.
    form = client.get("/q/phq-9/").content.decode()
    assert re.search(r"<title>心情和睡眠自测", form)
    answers = {f"phq9_{i}": "1" for i in range(1, 10)} | {"phq9_9": "0"}
    result = client.get(client.post("/q/phq-9/", answers)["Location"]).content.decode()
    title = re.search(r"<title>(.*?)</title>", result, re.S).group(1)
    assert "心情和睡眠自测" in title and "抑郁" not in title
    heading = re.search(r"<h1>(.*?)</h1>", result, re.S).group(1)
    assert heading.startswith("您的结果: 心情和睡眠自测")
    assert '<small class="instrument">PHQ-9 抑郁筛查</small>' in heading
