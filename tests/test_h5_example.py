"""The H5 example (examples/h5/) in headless Chromium against a live API on another origin."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from content.models import Article
from referrals.models import ReferralCase
from screening.models import Questionnaire

H5 = Path(__file__).resolve().parent.parent / "examples" / "h5"

pytestmark = pytest.mark.django_db(transaction=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def h5_origin():
    """examples/h5 as a static site on its own port: another origin than the API's."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=H5))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def open_h5(browser, live_server, h5_origin, settings):
    """Opens the example against the live API; the API allows its origin unless told otherwise."""
    contexts = []

    def open_page(cors_allowed: bool = True):
        # live_server runs in a thread of this process, so the overridden setting reaches it.
        settings.CORS_ALLOWED_ORIGINS = [h5_origin] if cors_allowed else []
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{h5_origin}/index.html?api={live_server.url}")
        return page

    yield open_page
    for context in contexts:
        context.close()


def choose_phq9(page):
    page.click('button[data-slug="phq-9"]')
    page.wait_for_selector('fieldset[data-field="phq9_9"]')


def answer(page, values):
    """Ticks PHQ-9 items 1, 2, … with ``values``; None leaves an item unanswered."""
    for i, value in enumerate(values, 1):
        if value is not None:
            page.check(f'input[name="phq9_{i}"][value="{value}"]')


def submit(page, live_server):
    """Sends the answers; returns the API's result body."""
    url = f"{live_server.url}/api/v1/questionnaires/phq-9/submissions/"
    with page.expect_response(lambda r: r.url.startswith(url) and r.request.method == "POST") as r:
        page.click("form.questions button[type=submit]")
    page.wait_for_selector("section.result")
    # The page sends the version it showed, so a newer one going live cannot rescore it.
    assert r.value.request.post_data_json["version"] == 1
    return r.value.json()


def result_of(open_h5, live_server, values):
    """A fresh page that took PHQ-9 with ``values``: the page and the API's result body."""
    page = open_h5()
    choose_phq9(page)
    answer(page, values)
    return page, submit(page, live_server)


def test_a_mild_result_shows_articles_hotlines_and_the_pdf(open_h5, live_server, demo_data):
    page = open_h5()
    page.locator(".tests").wait_for()
    # One button for each published self-test.
    assert page.locator(".tests button").count() == Questionnaire.objects.published().count()
    choose_phq9(page)
    # The nine items, how hard they made things, and the closing free-text question.
    assert page.locator("fieldset").count() == 11
    assert page.locator('fieldset[data-field="phq9_more"] textarea[maxlength="500"]').count() == 1
    assert page.locator('fieldset[data-field="phq9_1"] input[type=radio]').count() == 4

    # Question 4 left out: the API's 400 names it and the page marks it, keeping the answers.
    answer(page, (1, 1, 1, None, 1, 1, 0, 0, 0))
    page.click("form.questions button[type=submit]")
    missing = page.locator('fieldset[data-field="phq9_4"]')
    missing.locator(".error").wait_for()
    assert "invalid" in missing.get_attribute("class")
    assert page.locator("fieldset.invalid").count() == 1
    assert page.is_checked('input[name="phq9_1"][value="1"]')

    page.check('input[name="phq9_4"][value="1"]')
    result = submit(page, live_server)
    assert (result["total_score"], result["tier"]) == (6, "mild")

    sections = page.locator("main > section")
    assert "crisis" not in (sections.first.get_attribute("class") or "")
    assert "6 / 27" in page.inner_text("section.result")
    assert "轻度" in page.inner_text("section.result")
    items = result["recommendation"]["items"]
    assert items
    articles = page.locator('section[data-kind="content"] .items > li > a')
    assert articles.all_inner_texts() == [item["title"] for item in items]
    assert articles.first.get_attribute("href") == items[0]["url"]
    assert items[0]["url"].startswith(f"{live_server.url}/articles/")
    assert page.locator('main a[href="tel:12356"]').count() == 1
    pdf = page.get_attribute("a#pdf", "href")
    assert pdf == result["pdf_url"]
    assert pdf == f"{live_server.url}/r/{result['token']}/pdf/"


def test_a_moderate_result_lists_the_sessions_and_the_reading_marked_for_it(
    open_h5, live_server, demo_data
):
    page, result = result_of(open_h5, live_server, (2, 2, 2, 1, 1, 1, 1, 0, 0))
    assert (result["tier"], result["crisis"]) == ("moderate", False)
    next_step = result["recommendation"]
    assert next_step["kind"] == "schedule"
    assert next_step["sessions"] and next_step["items"]

    sessions = page.locator('section[data-kind="schedule"] .items > li')
    assert sessions.count() == len(next_step["sessions"])
    for shown, session in zip(sessions.all(), next_step["sessions"], strict=True):
        assert shown.locator("strong").inner_text() == session["title"]
        assert shown.locator(f'a[href="{session["ics_url"]}"]').count() == 1
    # Below the sessions, the articles an editor marked as suiting moderate results.
    reading = page.locator("section.reading .items > li > a")
    assert reading.all_inner_texts() == [item["title"] for item in next_step["items"]]
    assert reading.first.get_attribute("href") == next_step["items"][0]["url"]
    # Every result keeps its hotlines, 12356 among them.
    assert page.locator('main a[href="tel:12356"]').count() == 1


def test_a_severe_result_refers_to_the_hotlines_with_a_call_back_and_marked_reading(
    open_h5, live_server, demo_data
):
    Article.objects.filter(slug="what-is-low-mood").update(suits_severe=True)
    page, result = result_of(open_h5, live_server, (3, 3, 3, 3, 3, 2, 2, 2, 0))
    assert (result["tier"], result["crisis"]) == ("severe", False)
    next_step = result["recommendation"]
    assert next_step["kind"] == "referral"

    # No crisis banner without a self-harm answer: the result first, with its band's label.
    first = page.locator("main > section").first
    assert "result" in first.get_attribute("class")
    assert result["band"]["label"] in page.locator("p.score").inner_text()
    # The referral says what to do and lists the hotlines, 12356 first, then the call-back.
    referral = page.locator('section[data-kind="referral"]')
    assert next_step["message"] in referral.inner_text()
    numbers = referral.locator("ul.hotlines a.call").all_inner_texts()
    assert numbers == [line["number"] for line in next_step["hotlines"]]
    assert numbers[0] == "12356"
    assert page.locator("main a[href^='tel:']").first.get_attribute("href") == "tel:12356"
    assert page.locator("form.callback #phone").is_visible()
    after = "document.querySelector('section[data-kind=referral]').nextElementSibling.id"
    assert page.evaluate(after) == "callback"
    # Then the reading an editor marked as suiting severe results.
    reading = page.locator("section.reading .items > li > a")
    assert reading.all_inner_texts() == [item["title"] for item in next_step["items"]]
    assert [item["slug"] for item in next_step["items"]] == ["what-is-low-mood"]
    assert page.get_attribute("a#pdf", "href") == result["pdf_url"]


def test_a_crisis_result_leads_with_the_safety_message_and_hotlines(
    open_h5, live_server, demo_data
):
    page, result = result_of(open_h5, live_server, (0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result["crisis"] is True

    first = page.locator("main > section").first
    assert "crisis" in first.get_attribute("class")
    assert result["recommendation"]["safety_message"] in first.inner_text()
    # The score stands without its low band's label ("minimal"): not beside a self-harm answer.
    score = page.locator("p.score").inner_text()
    assert str(result["total_score"]) in score and result["band"]["label"] not in score
    assert page.locator("main a[href^='tel:']").first.get_attribute("href") == "tel:12356"
    assert first.locator('a[href="tel:12356"]').is_visible()
    assert page.get_attribute("a#pdf", "href") == result["pdf_url"]

    # The call-back offer: without consent the API's 400 is shown by the checkbox.
    page.fill("#phone", "139 1234 5678")
    page.click("form.callback button[type=submit]")
    consent = page.locator('[data-field="consent"]')
    consent.locator(".error").wait_for()
    assert "invalid" in consent.get_attribute("class")
    page.check('input[name="consent"]')
    page.click("form.callback button[type=submit]")
    page.wait_for_selector("#callback .ok")
    assert ReferralCase.objects.get().submission.token == result["token"]


def test_a_call_back_request_the_api_cannot_read_shows_the_hotlines_it_sent(
    open_h5, live_server, demo_data
):
    page, result = result_of(open_h5, live_server, (0, 0, 0, 0, 0, 0, 0, 0, 1))
    # Cut off on the way, as on a weak signal: the API refuses it with its hotlines.
    page.route("**/callback/**", lambda route: route.continue_(post_data='{"phone": "139'))
    page.fill("#phone", "139 1234 5678")
    page.check('input[name="consent"]')
    with page.expect_response("**/callback/**") as refused:
        page.click("form.callback button[type=submit]")
    assert refused.value.status == 400
    sent = [line["number"] for line in refused.value.json()["hotlines"]]
    alert = page.locator("form.callback .form-error .alert")
    alert.wait_for()
    assert alert.locator("a.call").all_inner_texts() == sent
    assert sent[0] == "12356"
    assert "object" not in alert.inner_text()
    # Nothing is marked as a mistake of the person's.
    assert page.locator("form.callback .invalid").count() == 0
    assert ReferralCase.objects.count() == 0


def test_self_harm_answered_with_a_question_left_out_shows_the_crisis_help_first(
    open_h5, live_server, demo_data
):
    page = open_h5()
    choose_phq9(page)
    answer(page, (None, 0, 0, 0, 0, 0, 0, 0, 2))
    page.click("form.questions button[type=submit]")
    help = page.locator("#crisis-help")
    help.wait_for()
    assert "12356" in help.locator("p").first.inner_text()
    assert help.locator('a[href="tel:12356"]').is_visible()
    assert page.locator("main a[href^='tel:']").first.get_attribute("href") == "tel:12356"
    assert help.evaluate("e => e.nextElementSibling.tagName") == "H1"
    assert "invalid" in page.locator('fieldset[data-field="phq9_1"]').get_attribute("class")
    # No field errors for what is help, not a mistake.
    assert page.locator(".form-error").inner_text() == ""

    page.check('input[name="phq9_1"][value="0"]')
    result = submit(page, live_server)
    assert result["crisis"] is True
    assert page.locator("#crisis-help").count() == 0
    assert "crisis" in page.locator("main > section").first.get_attribute("class")


def test_without_cors_the_page_shows_its_network_error_and_12356(open_h5, demo_data):
    page = open_h5(cors_allowed=False)
    alert = page.locator(".alert")
    alert.wait_for()
    assert "连不上服务器" in alert.inner_text()
    assert alert.locator('a[href="tel:12356"]').is_visible()
    assert page.locator(".tests").count() == 0
