"""What a villager sees on a 375-pixel phone, in real headless Chromium: where to start, 12356
a tap away under a short header, progress through the form, targets a finger can take, and
results that end with what to do and where to go."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 375, 667  # a common small phone's screen
TOUCH = 44  # px: the smallest target for a finger (Apple's and WCAG 2.5.5's figure)
MODERATE = (2, 2, 2, 2, 2, 0, 0, 0, 0)
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(javascript: bool = True, large_text: bool = False):
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=1,
            java_script_enabled=javascript,
            locale="zh-CN",
        )
        if large_text:
            context.add_cookies([{"name": "large_text", "value": "1", "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def take_test(page, values, slug="phq-9"):
    prefix = slug.replace("-", "")
    for i, value in enumerate(values, 1):
        page.check(f'input[name="{prefix}_{i}"][value="{value}"]')
    with page.expect_navigation():
        page.click('button[type="submit"]')


def on_first_screen(box) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


def test_the_home_page_says_where_to_start(phone, live_server, demo_data):
    page = phone()
    page.goto(f"{live_server.url}/")
    label = page.locator(".start-label")
    assert label.inner_text() == "不确定做哪个？从这里开始"
    start = page.locator(".tests .start a.button")
    # The four-question quick check, which leads on to the fuller tests where it needs to.
    assert start.inner_text() == "四个问题的快速自测"
    box = start.bounding_box()
    assert on_first_screen(box) and box["height"] >= TOUCH
    assert page.locator(".tests li").first.get_attribute("class") == "start"
    # The instrument's name is there for the doctor, smaller than the plain name.
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    instrument = page.locator(".tests .start .instrument")
    assert instrument.inner_text() == "PHQ-4 焦虑和抑郁快速筛查"
    assert instrument.evaluate(size) < start.evaluate(size)


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_12356_is_one_tap_away_and_the_first_answers_show_on_the_first_screen(
    phone, live_server, demo_data, large_text
):
    page = phone(large_text=large_text)
    page.goto(f"{live_server.url}/q/phq-9/")
    header = page.locator("header.top").bounding_box()
    # About a third of the 35 % of the screen the header used to take; two rows with large text.
    assert header["height"] <= HEIGHT * (0.18 if large_text else 0.12), header
    call = page.locator('header a[href="tel:12356"]')
    assert on_first_screen(call.bounding_box()) and call.bounding_box()["height"] >= TOUCH
    first_answer = page.locator("fieldset").first.locator("label").first
    assert on_first_screen(first_answer.bounding_box())


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_each_question_says_how_far_along_it_is(phone, live_server, demo_data, javascript):
    page = phone(javascript=javascript)
    page.goto(f"{live_server.url}/q/phq-9/")
    progress = page.locator("fieldset legend .progress").all_inner_texts()
    # Nine questions, the one on how hard it made life, and the closing free-text question.
    assert progress == [f"第 {n} 题，共 11 题" for n in range(1, 12)]
    assert page.locator("fieldset").nth(2).locator(".progress").is_visible()


def test_one_read_aloud_button_per_question_inside_its_box(phone, live_server, demo_data):
    page = phone()
    page.goto(f"{live_server.url}/q/phq-9/")
    fieldsets = page.locator("fieldset")
    assert fieldsets.count() == 11
    for i in range(fieldsets.count()):
        fieldset = fieldsets.nth(i)
        buttons = fieldset.locator("button.read")
        assert buttons.count() == 1
        outer, inner = fieldset.bounding_box(), buttons.first.bounding_box()
        assert inner["height"] >= TOUCH
        assert (
            outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        )
        assert (
            outer["y"] <= inner["y"]
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
        )
        # Under the question, not on the box's border line with it.
        legend = fieldset.locator("legend").bounding_box()
        assert inner["y"] >= legend["y"] + legend["height"] - 1
    # Beside them only the whole page's: 12 in all for 11 questions (there were 13 for 10).
    assert page.locator("button.read").count() == 12


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_answers_and_the_consent_box_are_big_enough_to_tap(
    phone, live_server, demo_data, large_text
):
    page = phone(large_text=large_text)
    page.goto(f"{live_server.url}/q/phq-9/")
    labels = page.locator("fieldset label")
    for i in range(labels.count()):
        box = labels.nth(i).bounding_box()
        # The whole row is the target (the first beside its question's read-aloud button).
        assert box["height"] >= TOUCH and box["width"] >= WIDTH * 0.6, labels.nth(i).inner_text()
    radio = page.locator("input[type=radio]").first.bounding_box()
    if large_text:
        # Large text enlarges the controls themselves, not only the words beside them.
        assert radio["height"] >= TOUCH and radio["width"] >= TOUCH
    else:
        assert radio["height"] >= 24
    take_test(page, CRISIS)
    # The consent box, and the one asking for a text message.
    checks = page.locator("#callback label.check")
    assert checks.count() == 2
    for i in range(checks.count()):
        assert checks.nth(i).bounding_box()["height"] >= TOUCH
    for name in ("consent", "confirm_by_sms"):
        checkbox = page.locator(f'input[name="{name}"]').bounding_box()
        assert checkbox["height"] >= (TOUCH if large_text else 24)
    button = page.locator("#callback button").bounding_box()
    assert button["height"] >= TOUCH


def test_a_crisis_result_ends_with_what_to_do_now(phone, live_server, demo_data):
    page = phone()
    page.goto(f"{live_server.url}/q/phq-9/")
    take_test(page, CRISIS)
    # The crisis help first, on the first screen, with 12356 to tap.
    first = page.locator("main > *").first
    assert "crisis" in first.get_attribute("class")
    call = page.locator('main .crisis a[href="tel:12356"]')
    assert on_first_screen(call.bounding_box()) and call.bounding_box()["height"] >= TOUCH
    ending = page.locator("main > section").last.inner_text()
    assert "不要等：今天就拨打上面的热线" in ending
    assert "两周" not in page.inner_text("main")


def test_a_moderate_result_lists_each_session_once_and_help_near_you(phone, live_server, demo_data):
    page = phone()
    # A poster in Anding District; the demo's expert hours are on Tuesdays and Saturdays.
    with time_machine.travel(datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Asia/Shanghai"))):
        page.goto(f"{live_server.url}/c/demo-gansu/")
        page.goto(f"{live_server.url}/q/phq-9/")
        take_test(page, MODERATE)
    series = page.locator("main .series")
    assert series.count() == 2
    titles = [series.nth(i).locator("strong").inner_text() for i in range(2)]
    assert len(set(titles)) == 2, "each weekly session once"
    for i in range(2):
        dates = series.nth(i).locator("time").all_inner_texts()
        assert len(dates) == 3
        assert all(re.match(r"12月\d+日 星期. \d\d:\d\d", d) for d in dates), dates
    near = page.locator("#near")
    assert near.locator("h2").inner_text() == "身边的帮助"
    assert "示例：安定区精神卫生中心" in near.inner_text()
    call = near.locator('a[href="tel:09328123400"]')
    assert call.bounding_box()["height"] >= TOUCH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
