"""The home page's age choice in real headless Chromium on a 375-pixel phone, with and without
JavaScript: an older person chooses their age, sees GDS-15 suggested first, and their answers
carry the band."""

import pytest

from screening.models import Submission
from tests.screening.test_browser import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_choosing_60_plus_suggests_gds15_and_the_answers_carry_it(
    browser, live_server, demo_data, javascript
):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=1,
        java_script_enabled=javascript,
        locale="zh-CN",
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator(".suggested").count() == 0
    choices = page.locator(".age-bands button")
    assert choices.count() == 5
    for i in range(5):
        box = choices.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, "big enough for a thumb"
        assert box["x"] + box["width"] <= 375, "no sideways scrolling"
    with page.expect_navigation():
        page.click('.age-bands button[value="60_plus"]')
    first = page.locator(".tests li").first
    assert first.locator(".suggested").inner_text() == "为您的年龄推荐"
    assert first.locator("a.button").get_attribute("href") == "/q/gds-15/"
    # Every other test is still offered.
    assert page.locator(".tests li a.button").count() == 6
    assert page.locator('.age-bands button[value="60_plus"]').get_attribute("aria-pressed")
    if javascript:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "home-age-60-375x740.png", full_page=False)

    with page.expect_navigation():
        first.locator("a.button").click()
    assert page.get_attribute('input[name="age_band"]', "value") == "60_plus"
    fieldsets = page.locator("fieldset")
    for i in range(fieldsets.count()):
        options = fieldsets.nth(i).locator('input[type="radio"]')
        if options.count():  # not the closing free-text question
            options.first.check()
    with page.expect_navigation():
        page.click('button[type="submit"]')
    assert "/r/" in page.url
    assert Submission.objects.get().age_band == "60_plus"
    context.close()


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_the_form_shows_the_age_chosen_and_still_its_first_answers_first(
    browser, live_server, demo_data, large_text
):
    width, height = 375, 667  # as tests/screening/test_phone_screens.py
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        java_script_enabled=False,
        locale="zh-CN",
    )
    cookies = [("age_band", "60_plus")] + ([("large_text", "1")] if large_text else [])
    context.add_cookies([{"name": n, "value": v, "url": live_server.url} for n, v in cookies])
    page = context.new_page()
    page.goto(f"{live_server.url}/q/phq-9/")
    line = page.locator("#age-chosen")
    assert line.inner_text() == "年龄：60岁及以上 · 更改"
    link = line.locator("a").bounding_box()
    assert link["height"] >= 44 and link["x"] + link["width"] <= width, "a finger can take it"
    first_answer = page.locator("fieldset").first.locator("label").first.bounding_box()
    assert first_answer["y"] + first_answer["height"] <= height, "still on the first screen"
    with page.expect_navigation():
        line.locator("a").click()
    assert page.url.endswith("/#age")
    assert page.locator('#age button[value="60_plus"]').get_attribute("aria-pressed") == "true"
    context.close()
