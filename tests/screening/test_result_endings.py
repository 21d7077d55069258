"""How a result ends: a crisis with what to do now, a calm result with the advice to test again,
a severe one with a line on self-harm; "not a diagnosis" said once."""

import subprocess

import pytest

from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db

MILD = (1, 1, 1, 1, 1, 1, 0, 0, 0)
SEVERE = (3, 3, 3, 3, 3, 3, 3, 3, 0)  # 24, no self-harm answer
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)
RETEST = "过两周左右再测一次"
SAFETY_LINE = "如果您有伤害自己的念头，请马上拨打12356或120。"


def result_of(values) -> Submission:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    return Submission.create_from_answers(version=version, answers=answers, language="zh-hans")


def page_of(client, values) -> str:
    return client.get(result_of(values).result_path()).content.decode()


def sheet_text(client, tmp_path, values) -> str:
    pdf = client.get(result_of(values).get_pdf_url()).content
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(text.split())


def test_a_crisis_result_ends_with_what_to_do_now_not_with_waiting(client, demo_data):
    page = page_of(client, CRISIS)
    assert RETEST not in page
    ending = page.split('class="next"')[1].split("</section>")[0]
    assert "今天就拨打上面的热线" in ending and "110" in ending


def test_a_calm_result_ends_with_the_advice_to_test_again(client, demo_data):
    page = page_of(client, MILD)
    assert RETEST in page.split('class="next"')[1]
    assert SAFETY_LINE not in page


def test_a_severe_result_without_self_harm_has_one_safety_line_not_the_crisis_box(
    client, demo_data
):
    page = page_of(client, SEVERE)
    assert SAFETY_LINE in page
    assert 'class="crisis"' not in page
    assert RETEST not in page


@pytest.mark.parametrize("values", [MILD, SEVERE, CRISIS], ids=["mild", "severe", "crisis"])
def test_not_a_diagnosis_is_said_once(client, demo_data, values):
    assert page_of(client, values).count("不是诊断") == 1


def test_the_crisis_sheet_does_not_say_wait_two_weeks(client, demo_data, tmp_path):
    assert RETEST not in sheet_text(client, tmp_path, CRISIS)
    assert RETEST in sheet_text(client, tmp_path, MILD)
    severe = sheet_text(client, tmp_path, SEVERE)
    assert RETEST not in severe and SAFETY_LINE in severe
