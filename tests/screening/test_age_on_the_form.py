"""The questionnaire form says which age band was chosen on the home page this visit (it goes
with the answers), with a link back to change it; without one chosen it says nothing."""

import re

import pytest

from screening.views import AGE_BAND_COOKIE, LARGE_TEXT_COOKIE
from tests.csp import inline_code

pytestmark = pytest.mark.django_db

FORM = "/q/phq-9/"
AGE_LINE = re.compile(r'<p class="age-chosen" id="age-chosen">(.*?)</p>', re.S)


def age_line(html: str) -> str | None:
    found = AGE_LINE.search(html)
    return found.group(1) if found else None


def questions(html: str) -> list[str]:
    return re.findall(r"<fieldset.*?</fieldset>", html, re.S)


def test_without_an_age_chosen_the_form_says_none(client, questionnaires):
    html = client.get(FORM).content.decode()
    assert age_line(html) is None
    assert "年龄：" not in html


def test_an_unknown_age_in_the_cookie_is_no_age_chosen(client, questionnaires):
    client.cookies[AGE_BAND_COOKIE] = "ancient"
    assert age_line(client.get(FORM).content.decode()) is None


@pytest.mark.parametrize(
    "band, label",
    [
        ("under_14", "14岁以下"),
        ("14_17", "14–17岁"),
        ("18_59", "18–59岁"),
        ("60_plus", "60岁及以上"),
    ],
)
def test_the_age_chosen_on_the_home_page_is_shown_near_the_top(client, questionnaires, band, label):
    client.post("/age/", {"age_band": band})
    html = client.get(FORM).content.decode()
    line = age_line(html)
    assert line.startswith(f"年龄：{label} · <a ")
    assert re.search(r">更改</a>$", line)
    # Under the heading, before the instructions and the first question.
    assert html.index("</h1>") < html.index('id="age-chosen"') < html.index('class="lead"')
    assert html.index('id="age-chosen"') < html.index("<fieldset")


def test_the_change_link_leads_to_the_home_pages_age_choice(client, questionnaires):
    client.post("/age/", {"age_band": "60_plus"})
    link = re.search(
        r'<a class="tap" href="([^"]+)" aria-label="([^"]+)">',
        age_line(client.get(FORM).content.decode()),
    )
    href, name = link.groups()
    assert href == "/#age" and name == "更改年龄"
    path, anchor = href.split("#")
    home = client.get(path)
    assert home.status_code == 200
    html = home.content.decode()
    # The anchor is the age form, with the band chosen shown pressed, to choose another.
    form = re.search(rf'<form [^>]*id="{anchor}"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert re.search(r'<button name="age_band" value="60_plus"[^>]*aria-pressed="true"', form)
    # Choosing "rather not say" there takes the line off the form.
    client.post("/age/", {"age_band": ""})
    assert age_line(client.get(FORM).content.decode()) is None


def test_the_line_changes_no_question(client, questionnaires):
    without = client.get(FORM).content.decode()
    client.post("/age/", {"age_band": "14_17"})
    with_age = client.get(FORM).content.decode()
    assert questions(with_age) == questions(without)
    assert len(questions(with_age)) == 11


def test_it_is_in_english_too(client, questionnaires):
    client.post("/age/", {"age_band": "60_plus"})
    html = client.get(FORM, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = age_line(html)
    assert line.startswith("Age: 60 and over · <a ")
    assert 'aria-label="Change your age">Change</a>' in line


def test_it_stays_with_large_text_and_needs_no_inline_code(client, questionnaires):
    client.post("/age/", {"age_band": "14_17"})
    client.cookies[LARGE_TEXT_COOKIE] = "1"
    response = client.get(FORM)
    html = response.content.decode()
    assert '<body class="large">' in html
    assert age_line(html).startswith("年龄：14–17岁")
    # Kept within the page's Content-Security-Policy: no inline style or script.
    assert "Content-Security-Policy" in response
    assert inline_code(html) == []


def test_a_form_sent_back_with_a_missing_answer_still_shows_it(client, questionnaires):
    client.post("/age/", {"age_band": "60_plus"})
    answers = {f"phq9_{i}": 0 for i in range(1, 9)}  # item 9 left out
    response = client.post(FORM, answers | {"age_band": "60_plus"})
    assert response.status_code == 400
    assert age_line(response.content.decode()).startswith("年龄：60岁及以上")
