"""The whole step-up on a 375px phone in real headless Chromium, with and without JavaScript:
the quick check, its link on, the fuller form with the carried answers, both results linked."""

import pytest

from screening.models import Submission
from tests.screening.test_browser import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def phone(browser, javascript: bool):
    return browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=1,
        java_script_enabled=javascript,
        locale="zh-CN",
    )


def answer(page, answers: dict[str, int]) -> None:
    for code, value in answers.items():
        page.check(f'input[name="{code}"][value="{value}"]')
    with page.expect_navigation():
        page.click('button[type="submit"]')


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_quick_check_steps_up_to_phq9_with_two_answers_carried(
    browser, live_server, demo_data, javascript
):
    context = phone(browser, javascript)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    # The quick check is where the home page says to start.
    with page.expect_navigation():
        page.locator('a[href="/q/phq-4/"]').first.click()
    answer(page, {"phq4_1": 0, "phq4_2": 1, "phq4_3": 2, "phq4_4": 1})
    quick_url = page.url
    go_on = page.locator('#step-up a.button[href^="/q/phq-9/?after="]')
    assert go_on.count() == 1 and go_on.is_visible()
    assert "还有 9 道题" in go_on.inner_text()
    assert page.locator('a[href^="/q/gad-7/"]').count() == 0
    box = go_on.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, "the button fits the phone"
    with page.expect_navigation():
        go_on.click()

    # The two answers already given are shown, not asked again.
    assert page.locator('input[name="phq9_1"]').count() == 0
    assert page.locator('input[name="phq9_2"]').count() == 0
    carried = page.locator("fieldset.carried")
    assert carried.count() == 2
    assert "一半以上的天数" in carried.first.inner_text()
    assert "第 1 题，共 9 题" in page.inner_text("main")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "nothing runs off the side of the phone"
    if javascript:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "step-up-form-375.png", full_page=False)
    rest = {f"phq9_{i}": 1 for i in range(3, 9)} | {"phq9_9": 0}
    answer(page, rest)

    assert "/r/" in page.url
    later = Submission.objects.get(token=page.url.rstrip("/").split("/")[-1])
    assert later.answers["phq9_1"] == 2 and later.answers["phq9_2"] == 1
    assert later.follows.token in quick_url
    # Each result links to the other.
    back = page.locator("#follows a")
    assert back.get_attribute("href") == f"/r/{later.follows.token}/"
    with page.expect_navigation():
        back.click()
    assert page.url == quick_url
    assert page.locator(f'a[href="/r/{later.token}/"]').is_visible()
    assert page.locator('a[href^="/q/phq-9/?after="]').count() == 0
    context.close()


def test_a_calm_quick_check_offers_no_step_up(browser, live_server, demo_data):
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/phq-4/")
    answer(page, {"phq4_1": 1, "phq4_2": 1, "phq4_3": 1, "phq4_4": 1})
    assert "/r/" in page.url
    assert page.locator("#step-up").count() == 0
    assert page.locator('a[href*="?after="]').count() == 0
    context.close()
