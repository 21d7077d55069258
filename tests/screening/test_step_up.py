"""PHQ-4 leads on to PHQ-9 and GAD-7 with the answers already given carried over (the form)."""

import re
import subprocess

import pytest

from screening.models import Submission

pytestmark = pytest.mark.django_db


def quick_check(client, a1=0, a2=0, d1=0, d2=0) -> Submission:
    """PHQ-4 sent through the form: items 1-2 (GAD-2), items 3-4 (PHQ-2)."""
    answers = {"phq4_1": a1, "phq4_2": a2, "phq4_3": d1, "phq4_4": d2}
    response = client.post("/q/phq-4/", {k: str(v) for k, v in answers.items()})
    assert response.status_code == 303
    return Submission.objects.get(token=response["Location"].split("/")[2])


def radios(page: str, code: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{code}" value="(\d+)"', page)


def rest_of_phq9(**overrides) -> dict[str, str]:
    answers = {f"phq9_{i}": "1" for i in range(3, 11)} | {"phq9_9": "0"}
    return answers | overrides


def test_a_quick_check_below_3_in_both_parts_leads_nowhere(client, demo_data):
    earlier = quick_check(client, 1, 1, 1, 1)
    assert earlier.step_ups == []
    page = client.get(earlier.result_path()).content.decode()
    assert "?after=" not in page and 'id="step-up"' not in page


def test_the_depression_part_reaching_3_leads_on_to_phq9(client, demo_data):
    earlier = quick_check(client, 0, 1, 2, 1)
    assert earlier.step_ups == ["depression"]
    page = client.get(earlier.result_path(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    links = re.findall(r'href="(/q/[^"]+\?after=[^"]+)"', page)
    assert links == [f"/q/phq-9/?after={earlier.token}"]
    assert "Go on to Mood and sleep check — 9 more questions" in page
    chinese = client.get(earlier.result_path()).content.decode()
    assert "继续做心情和睡眠自测——还有 9 道题" in chinese


def test_both_parts_reaching_3_lead_on_to_both(client, demo_data):
    earlier = quick_check(client, 2, 2, 3, 0)
    page = client.get(earlier.result_path()).content.decode()
    assert re.findall(r'href="/q/([^/]+)/\?after=', page) == ["gad-7", "phq-9"]


def test_the_fuller_form_shows_the_carried_answers_and_asks_only_the_rest(client, demo_data):
    earlier = quick_check(client, 0, 0, 2, 1)
    page = client.get(f"/q/phq-9/?after={earlier.token}").content.decode()
    assert radios(page, "phq9_1") == [] and radios(page, "phq9_2") == []
    assert radios(page, "phq9_3") == ["0", "1", "2", "3"]
    assert page.count("已带入") == 2
    carried = re.search(r'id="q-phq9_1" class="carried">(.*?)</fieldset>', page, re.S).group(1)
    assert "一半以上的天数" in carried  # the answer 2, as given
    assert f'<input type="hidden" name="after" value="{earlier.token}">' in page
    # Numbered among the questions still asked: 9 of them (items 3-10 and the free text).
    assert "第 1 题，共 9 题" in page and "第 9 题，共 9 题" in page
    assert "第 10 题" not in page


def test_the_carried_answers_are_stored_from_the_quick_check(client, demo_data):
    earlier = quick_check(client, 0, 0, 2, 1)
    # The browser says 3 and 3: the stored quick check says 2 and 1, and is what counts.
    sent = rest_of_phq9(phq9_1="3", phq9_2="3", after=earlier.token)
    response = client.post("/q/phq-9/", sent)
    assert response.status_code == 303
    later = Submission.objects.get(token=response["Location"].split("/")[2])
    assert later.follows == earlier
    assert later.answers["phq9_1"] == 2 and later.answers["phq9_2"] == 1
    assert later.total_score == 2 + 1 + 6  # items 3-8 at 1, item 9 at 0; 10 is not scored


def test_the_result_pages_link_both_ways(client, demo_data):
    earlier = quick_check(client, 2, 2, 2, 1)
    response = client.post("/q/phq-9/", rest_of_phq9(after=earlier.token))
    later = Submission.objects.get(token=response["Location"].split("/")[2])
    later_page = client.get(later.result_path()).content.decode()
    assert f'href="/r/{earlier.token}/"' in later_page
    assert "这个结果接着您的快速自测" in later_page
    earlier_page = client.get(earlier.result_path()).content.decode()
    assert f'href="/r/{later.token}/"' in earlier_page
    # PHQ-9 is taken: only GAD-7 is still offered.
    assert re.findall(r'href="/q/([^/]+)/\?after=', earlier_page) == ["gad-7"]
    # Another person's results of the same kinds show their own links, never these.
    other = quick_check(client, 2, 2, 2, 1)
    other_page = client.get(other.result_path()).content.decode()
    assert later.token not in other_page and earlier.token not in other_page
    assert re.findall(r'href="/q/([^/]+)/\?after=', other_page) == ["gad-7", "phq-9"]


def test_a_refused_fuller_form_keeps_the_carried_answers(client, demo_data):
    earlier = quick_check(client, 0, 0, 3, 3)
    sent = rest_of_phq9(after=earlier.token)
    del sent["phq9_5"]
    response = client.post("/q/phq-9/", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert radios(page, "phq9_1") == [] and page.count("已带入") == 2
    assert f'name="after" value="{earlier.token}"' in page
    assert "第 3 题" in re.search(r'id="errors".*?</div>', page, re.S).group(0)
    assert not Submission.objects.filter(follows=earlier).exists()


@pytest.mark.parametrize("token", ["x" * 32, "", "../../etc", "a" * 200, "%00"])
def test_an_unknown_token_gives_the_plain_form(client, demo_data, token):
    response = client.get("/q/phq-9/", {"after": token})
    assert response.status_code == 200
    page = response.content.decode()
    assert radios(page, "phq9_1") == ["0", "1", "2", "3"] and "已带入" not in page


def test_a_quick_check_carries_only_to_the_step_up_it_fired(client, demo_data):
    anxious = quick_check(client, 2, 2, 0, 0)
    page = client.get(f"/q/phq-9/?after={anxious.token}").content.decode()
    assert radios(page, "phq9_1") == ["0", "1", "2", "3"] and "已带入" not in page
    # Sent anyway: nothing is carried and nothing is linked.
    response = client.post("/q/phq-9/", rest_of_phq9(after=anxious.token))
    assert response.status_code == 400
    response = client.post("/q/phq-9/", rest_of_phq9(phq9_1="0", phq9_2="0", after=anxious.token))
    later = Submission.objects.get(token=response["Location"].split("/")[2])
    assert later.follows is None and later.answers["phq9_1"] == 0
    # Its own step-up: GAD-7 with items 1 and 2 carried.
    page = client.get(f"/q/gad-7/?after={anxious.token}").content.decode()
    assert radios(page, "gad7_1") == [] and radios(page, "gad7_3") == ["0", "1", "2", "3"]


def test_the_start_here_test_is_the_quick_check(client, demo_data):
    page = client.get("/").content.decode()
    start = page.index("不确定做哪个？从这里开始")
    assert page.index("/q/phq-4/") > start
    assert page.index("/q/phq-4/") < page.index("/q/phq-9/")


def pdf_text(client, tmp_path, submission: Submission) -> str:
    response = client.get(f"/r/{submission.token}/pdf/")
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(text.split())


def test_the_printed_quick_check_says_which_fuller_check_is_next(client, demo_data, tmp_path):
    earlier = quick_check(client, 0, 0, 2, 1)
    flat = pdf_text(client, tmp_path, earlier)
    assert "下一步：做更完整的自测" in flat
    assert "PHQ-9抑郁筛查，还有9道题：扫码继续" in flat
    calm = quick_check(client, 1, 0, 1, 0)
    assert "下一步：做更完整的自测" not in pdf_text(client, tmp_path, calm)
