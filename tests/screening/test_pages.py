"""The villagers' pages, through Django's test client: landing, form, result, errors."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders

from screening.models import QuestionnaireVersion, ScoreBand, Submission
from tests.screening.form_answers import answers

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def test_home_lists_the_self_tests_and_the_hotline(client, demo_data):
    page = client.get("/").content.decode()
    assert 'href="/q/phq-9/"' in page and 'href="/q/gad-7/"' in page
    assert 'href="tel:12356"' in page
    assert "匿名" in page or "Anonymous" in page


def test_the_privacy_notice_says_who_may_read_the_answers(client, demo_data):
    # Clinicians read submissions in the admin and statistics count them: a notice saying the
    # answers only serve the person's own result would be untrue.
    footer = client.get("/").content.decode().split("<footer>")[1]
    assert "不问您的名字" in footer
    assert "本服务的医生可能会查看回答" in footer
    assert "只用来" not in footer


def test_the_form_is_plain_html_with_fieldsets_and_radios(client, demo_data):
    page = client.get("/q/phq-9/").content.decode()
    # The nine items, how hard they made things, and the closing free-text question.
    assert page.count("<fieldset") == 11
    assert page.count("<legend") == 11
    assert len(re.findall(r'type="radio" name="phq9_1" value="[0-3]"', page)) == 4
    assert "csrfmiddlewaretoken" in page
    assert 'name="viewport"' in page


def test_a_missing_answer_rerenders_with_answers_kept_and_the_question_named(client, demo_data):
    sent = answers((2, 1, 0, 3, 0, 0, 0, 0))  # no item 9
    response = client.post("/q/phq-9/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert (
        "有不如死掉或用某种方式伤害自己的念头" in page.split('role="alert"')[1].split("</div>")[0]
    )
    assert re.search(r'name="phq9_1" value="2"[^>]*checked', page)
    assert re.search(r'name="phq9_4" value="3"[^>]*checked', page)
    assert not re.search(r'name="phq9_4" value="2"[^>]*checked', page)
    assert Submission.objects.count() == 0


def test_a_form_sent_back_with_self_harm_answered_leads_with_the_crisis_help(client, demo_data):
    # Item 9 above 0 and a question skipped: nothing is scored, but the help cannot wait.
    sent = answers((0, 2, 1)) | {"phq9_9": "2"}
    response = client.post("/q/phq-9/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    crisis = page.index('class="crisis"')
    # The page header's 12356 aside, the crisis box's lines come before what is missing.
    assert page.index('href="tel:12356"', crisis) < page.index('role="alert"')
    assert page.index('role="alert"') < page.index('<form method="post" class="questions"')
    assert "12356" in page[crisis : page.index("</section>", crisis)]
    assert re.search(r'name="phq9_9" value="2"[^>]*checked', page)
    assert Submission.objects.count() == 0
    # Without a self-harm answer, the page only asks for the missing answers.
    calm = client.post("/q/phq-9/", answers((0, 2, 1)) | {"phq9_9": "0"}).content.decode()
    assert 'class="crisis"' not in calm


@pytest.mark.parametrize("value", ["4", "10", "99", "-1", "true", "yes", "是", "1.5", "[1]", "２ "])
def test_an_odd_self_harm_answer_on_the_form_brings_the_crisis_help(client, demo_data, value):
    response = client.post("/q/phq-9/", answers((0,) * 8) | {"phq9_9": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert crisis_lines(page)[0] == "12356"
    assert "q-phq9_9" in page.split('role="alert"')[1].split("</div>")[0]
    assert Submission.objects.count() == 0


def test_a_field_sent_twice_is_refused_by_name_not_decided_by_the_last(client, demo_data):
    sent = [(f"phq9_{i}", "0") for i in range(1, 9)] + [("phq9_9", "2"), ("phq9_9", "0")]
    response = client.post("/q/phq-9/", urlencode(sent), content_type=FORM)
    assert response.status_code == 400
    page = response.content.decode()
    alert = page.split('role="alert"')[1].split("</div>")[0]
    assert "q-phq9_9" in alert and "选一个答案" in alert
    # One of its values shows self-harm: the help comes with the refusal.
    assert crisis_lines(page)[0] == "12356"
    assert Submission.objects.count() == 0
    # Twice at its lowest: refused all the same, without the crisis help.
    sent = [(f"phq9_{i}", "0") for i in range(1, 10)] + [("phq9_3", "1")]
    calm = client.post("/q/phq-9/", urlencode(sent), content_type=FORM)
    assert calm.status_code == 400
    assert "q-phq9_3" in calm.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert crisis_lines(calm.content.decode()) == []
    assert Submission.objects.count() == 0


def test_the_form_shares_the_apis_limit_and_its_429_is_a_page_with_the_hotlines(
    client, api, demo_data, settings
):
    settings.THROTTLE_SUBMISSIONS = "3/minute"
    calm = answers((0,) * 9)
    assert client.post("/q/phq-9/", calm).status_code == 303
    body = {"answers": {k: int(v) for k, v in calm.items()}}
    assert (
        api.post("/api/v1/questionnaires/phq-9/submissions/", body, format="json").status_code
        == 201
    )
    assert client.post("/q/phq-9/", calm).status_code == 303
    refused = client.post("/q/phq-9/", answers((1,) * 8 + (0,)))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    limited = page.split('id="limited"')[1].split("</div>")[0]
    assert 'href="tel:12356"' in limited
    # The answers come back, ready to send again.
    assert re.search(r'name="phq9_5" value="1"[^>]*checked', page)
    assert Submission.objects.count() == 3
    # The API is refused too: the form used up the same limit.
    assert (
        api.post("/api/v1/questionnaires/phq-9/submissions/", body, format="json").status_code
        == 429
    )


def test_a_refused_crisis_sheet_over_the_limit_gets_the_crisis_help(client, demo_data, settings):
    settings.THROTTLE_SUBMISSIONS = "1/minute"
    assert client.post("/q/phq-9/", answers((0,) * 9)).status_code == 303
    refused = client.post("/q/phq-9/", answers((0,) * 8 + (1,)))
    assert refused.status_code == 429
    page = refused.content.decode()
    assert crisis_lines(page)[0] == "12356"
    assert "no-store" in refused["Cache-Control"]


def crisis_lines(page: str) -> list[str]:
    """The numbers the page's crisis box offers, in order; [] without one."""
    if 'class="crisis"' not in page:
        return []
    box = page.split('class="crisis"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="tel:([^"]+)"', box)


@pytest.mark.parametrize("button", ["/text-size/", "/i18n/setlang/"])
def test_the_crisis_help_stays_when_text_size_or_language_is_switched(client, demo_data, button):
    # Those most likely to press "Large text" are the ones who need to read the help.
    client.cookies["channel"] = client.get("/c/demo/").cookies["channel"].value
    refused = client.post("/q/phq-9/", answers((0, 2, 1)) | {"phq9_9": "2"}).content.decode()
    back = re.findall(r'name="next" value="([^"]+)"', refused)
    assert back == ["/q/phq-9/?help=1"] * 2
    switched = client.post(button, {"language": "en", "next": back[0]}, follow=True)
    page = switched.content.decode()
    assert switched.redirect_chain[-1][0] == "/q/phq-9/?help=1"
    # The same lines, in the same order, as the refused form listed from the same poster.
    assert crisis_lines(page) == crisis_lines(refused)
    assert crisis_lines(page)[0] == "12356" and len(crisis_lines(page)) > 1
    # And its buttons keep it there; without the flag, a plain form has none.
    assert re.findall(r'name="next" value="([^"]+)"', page) == ["/q/phq-9/?help=1"] * 2
    plain = client.get("/q/phq-9/").content.decode()
    assert crisis_lines(plain) == []
    assert re.findall(r'name="next" value="([^"]+)"', plain) == ["/q/phq-9/"] * 2
    # Private as the refused form was: the help says what was answered.
    assert "no-store" in switched["Cache-Control"] and "noindex" in switched["X-Robots-Tag"]
    assert "no-store" not in (client.get("/q/phq-9/").get("Cache-Control") or "")
    # A calm sheet sent from there goes back to the plain form.
    calm = client.post("/q/phq-9/?help=1", answers((0, 2, 1)) | {"phq9_9": "0"}).content.decode()
    assert crisis_lines(calm) == []
    assert re.findall(r'name="next" value="([^"]+)"', calm) == ["/q/phq-9/"] * 2


@pytest.mark.parametrize("forged", ["7", "x", "--1", "²", "١", "1.0", "9" * 400])
def test_a_forged_value_is_refused_without_a_500(client, demo_data, forged):
    response = client.post("/q/phq-9/", answers((0,) * 8) | {"phq9_9": forged, "bogus": "x"})
    assert response.status_code == 400
    assert Submission.objects.count() == 0


def test_submitting_redirects_303_to_the_result(client, demo_data):
    response = client.post("/q/phq-9/", answers((1, 1, 1, 1, 1, 1, 0, 0, 0)))
    assert response.status_code == 303
    token = Submission.objects.get().token
    assert response["Location"] == f"/r/{token}/"
    page = client.get(response["Location"]).content.decode()
    assert "6" in page and "轻度" in page
    assert "不是诊断" in page or "not a diagnosis" in page
    assert f'href="/r/{token}/pdf/"' in page
    assert "/articles/" in page


def test_a_moderate_result_lists_sessions_with_calendar_links(client, demo_data):
    response = client.post("/q/gad-7/", answers((2, 2, 2, 2, 2, 0, 0), "gad7"), follow=True)
    page = response.content.decode()
    # One calendar link for each livestream or weekly hours, listed once with its dates.
    assert page.count(".ics") == page.count('class="series"') >= 2


def test_a_moderate_result_without_sessions_says_so_and_points_to_the_hotlines(
    client, questionnaires, hotlines
):
    client.post("/q/phq-9/", answers((2, 2, 2, 2, 1, 1, 0, 0, 0)))
    submission = Submission.objects.get()
    assert submission.tier == "moderate"
    page = client.get(f"/r/{submission.token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sessions = page.split("Talk to an expert")[1].split("</section>")[0]
    assert "New sessions are on their way: call a hotline below in the meantime." in sessions
    hotlines = page.split("<h2>Hotlines</h2>")[1]
    assert page.index("New sessions are on their way") < page.index("<h2>Hotlines</h2>")
    assert 'href="tel:12356"' in hotlines


def test_a_crisis_result_leads_with_hotlines_before_the_score(client, demo_data):
    response = client.post("/q/phq-9/", answers((0,) * 8 + (1,)), follow=True)
    page = response.content.decode()
    main = page.split('<main id="main">')[1]
    assert main.index('class="crisis"') < main.index('class="result"')
    crisis = main.split('class="crisis"')[1].split("</section>")[0]
    assert 'href="tel:12356"' in crisis and "110" in crisis
    assert 'action="/r/' in page and 'name="consent"' in page


@pytest.mark.parametrize("url", ["/q/no-such-test/", "/r/no-such-token/", "/nothing/here/"])
def test_unknown_pages_are_a_friendly_404_with_the_hotline(client, demo_data, settings, url):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    assert 'href="tel:12356"' in response.content.decode()


def test_a_questionnaire_without_a_published_version_is_404(client, demo_data, settings):
    settings.DEBUG = False
    QuestionnaireVersion.objects.filter(questionnaire__slug="gad-7").update(published_at=None)
    response = client.get("/q/gad-7/")
    assert response.status_code == 404
    assert "12356" in response.content.decode()


def test_a_rejected_form_token_is_a_friendly_page_with_the_hotline(demo_data):
    from tests.clients import FormClient

    # An expired or cookie-less form post: Django refuses it before any view runs.
    strict = FormClient(enforce_csrf_checks=True)
    response = strict.post("/q/phq-9/", answers((0,) * 9))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'href="tel:12356"' in page
    assert "请重新提交" in page
    assert 'href="/q/phq-9/"' in page
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("button", ["/text-size/", "/i18n/setlang/"])
def test_a_refused_form_token_on_a_header_button_leads_back_to_its_page(demo_data, button):
    from tests.clients import FormClient

    strict = FormClient(enforce_csrf_checks=True)
    for back, expected in (("/q/phq-9/", "/q/phq-9/"), ("https://elsewhere.example/", "/")):
        refused = strict.post(button, {"language": "en", "next": back})
        assert refused.status_code == 403
        assert f'<a class="button" href="{expected}">' in refused.content.decode()


def test_the_500_page_shows_the_hotline_without_the_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert 'href="tel:12356"' in html and "110" in html


def test_english_via_the_language_switch(client, demo_data):
    client.post("/i18n/setlang/", {"language": "en", "next": "/q/gad-7/"})
    page = client.get("/q/gad-7/").content.decode()
    assert "Feeling nervous, anxious or on edge" in page
    assert '<html lang="en"' in page


def test_large_text_is_remembered_in_a_cookie(client, demo_data):
    client.post("/text-size/", {"next": "/q/phq-9/"})
    assert '<body class="large">' in client.get("/q/phq-9/").content.decode()
    client.post("/text-size/", {"next": "/"})
    assert '<body class="large">' not in client.get("/q/phq-9/").content.decode()
    away = client.post("/text-size/", {"next": "https://evil.example/"})
    assert away["Location"] == "/"


def test_the_form_page_weighs_under_30_kb(client, demo_data):
    html = client.get("/q/phq-9/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert {b"css/site.css", b"js/read-aloud.js"} <= set(assets)
    weight = len(html) + sum(len(open(finders.find(a.decode()), "rb").read()) for a in assets)
    print(f"form page weight: {weight} bytes")
    assert weight < 30 * 1024


def test_pages_are_gzipped_for_slow_connections(client, demo_data):
    response = client.get("/q/phq-9/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_a_crisis_result_page_does_not_show_the_low_bands_reassurance(client, demo_data):
    band = ScoreBand.objects.get(version__questionnaire__slug="phq-9", code="minimal")
    response = client.post("/q/phq-9/", answers((0,) * 8 + (1,)), follow=True)
    page = response.content.decode()
    assert band.meaning_zh_hans not in page
    # Nor its label ("minimal or none") in bold beside the score: the person is in a crisis.
    assert band.label_zh_hans not in page
    assert "总分" in page.split('class="result"')[1]
    # A result without a crisis names its band.
    calm = client.post("/q/phq-9/", answers((0,) * 9), follow=True).content.decode()
    assert f"<strong>{band.label_zh_hans}</strong>" in calm
