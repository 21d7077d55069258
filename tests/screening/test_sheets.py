"""What a result sheet prints: the result, the crisis help first, sessions, no phone number."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import translation
from PIL import Image

from content.models import Livestream, Session, upcoming_sessions
from referrals.models import Hotline, ReferralCase
from screening import sheets
from screening.models import Question, ScoreBand, Submission
from screening.recommendations import safety_message
from tests.screening.pdf_sheets import (
    CRISIS,
    MILD,
    MODERATE,
    MONDAY_NOON,
    WEEK,
    dark_pixels,
    get_pdf,
    in_chinese,
    page_image,
    poppler,
    squeeze,
    submit,
)

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


PRIVACY_NOTICE = (
    "Anonymous: we do not ask your name, and keep your answers without it.",
    "The service's doctors may read answers to improve its care; its statistics name no one.",
)


def test_a_result_sheet_shows_the_result_in_chinese_with_the_hotlines(
    api, client, demo_data, tmp_path
):
    token = submit(api, MILD)
    text = poppler(tmp_path, "pdftotext", get_pdf(client, f"/r/{token}/pdf/").content, "-layout")
    flat = squeeze(text)
    assert "PHQ-9抑郁筛查" in flat
    assert "自测结果" in flat
    assert f"{in_chinese('Total score')}6/27" in flat
    assert ScoreBand.objects.get(version__questionnaire__slug="phq-9", code="mild").label in flat
    assert "不是诊断" in flat
    # The privacy notice as the result page gives it: who may read the answers.
    for sentence in PRIVACY_NOTICE:
        assert in_chinese(sentence) in flat
    assert in_chinese("Reference: %(ref)s") % {"ref": token[:8]} in flat
    assert "Pfizer" in flat
    numbers = [hotline.number for hotline in Hotline.objects.serving("110108")]
    assert "12356" in numbers
    for number in numbers:
        assert number in flat


def test_the_crisis_sheets_code_is_where_its_words_say(api, client, demo_data, tmp_path):
    flat = result_text(client, tmp_path, submit(api, CRISIS))
    # The code is printed below the crisis box, on the right, captioned for the call-back.
    assert (
        in_chinese(
            "Call a hotline today, or scan the code below on the right to ask the crisis team to "
            "call you back."
        )
        in flat
    )
    assert in_chinese("Scan to open this result and ask for a call-back.") in flat
    assert in_chinese("Scan to open this result on a phone.") not in flat


def test_the_answer_that_made_a_crisis_is_marked_in_the_answers(api, client, demo_data, tmp_path):
    flat = result_text(client, tmp_path, submit(api, CRISIS))
    answers = flat[flat.index(in_chinese("Your answers")) :]
    mark = in_chinese("Needs a talk today")
    assert answers.count(mark) == 1
    # On item 9's row: after its question, before item 10's.
    item9 = squeeze(Question.objects.get(code="phq9_9", version__number=1).text)
    assert answers.index(item9) < answers.index(mark) < answers.index("10")
    flat = result_text(client, tmp_path, submit(api, (3, 3, 3, 3, 3, 3, 3, 3, 0)))
    assert mark not in flat


def result_text(client, tmp_path, token: str) -> str:
    pdf = get_pdf(client, f"/r/{token}/pdf/").content
    return squeeze(poppler(tmp_path, "pdftotext", pdf, "-layout"))


def test_a_crisis_sheet_leads_with_the_safety_message_and_hotlines(
    api, client, demo_data, tmp_path
):
    flat = result_text(client, tmp_path, submit(api, CRISIS))
    with translation.override("zh-hans"):
        safety = squeeze(safety_message())
    hotline = squeeze(Hotline.objects.get(number="12356").name)
    score = flat.index(in_chinese("Total score"))
    answers = flat.index(in_chinese("Your answers"))
    assert flat.index(in_chinese("URGENT")) < score
    assert flat.index(safety) < score
    assert flat.index(f"12356{hotline}") < score < answers
    # The score stands without its low band's label ("minimal"), as on the result page.
    minimal = ScoreBand.objects.get(version__questionnaire__slug="phq-9", code="minimal")
    assert squeeze(minimal.label) not in flat
    # Nor under a "Severe" grade: the next step says what to do.
    assert squeeze(in_chinese("Crisis: call a hotline now")) in flat
    assert squeeze(in_chinese("Severe: crisis referral")) not in flat


@pytest.mark.parametrize(
    "values, band, step, grade",
    [
        ((1, 1, 1, 0, 0, 0, 0, 0, 0), "minimal", "Self-help: read and try the ideas below", "Mild"),
        (
            (2, 2, 2, 2, 2, 2, 2, 2, 0),
            "moderately_severe",
            "Get help today: call a hotline below",
            "Severe",
        ),
    ],
)
def test_the_next_step_says_what_to_do_not_a_grade_beside_the_bands_label(
    api, client, demo_data, tmp_path, values, band, step, grade
):
    # "Minimal or none · Next step: Mild" would contradict itself.
    flat = result_text(client, tmp_path, submit(api, values, HTTP_ACCEPT_LANGUAGE="en"))
    label = ScoreBand.objects.get(version__questionnaire__slug="phq-9", code=band).label_en
    assert squeeze(label) in flat
    assert squeeze(step) in flat
    assert f"{grade}:" not in flat


def test_a_mild_sheet_leads_with_the_result(api, client, demo_data, tmp_path):
    flat = result_text(client, tmp_path, submit(api, MILD))
    assert in_chinese("URGENT") not in flat
    assert flat.index(in_chinese("Total score")) < flat.index("12356")
    assert squeeze(in_chinese("Scan the code above to read them on a phone.")) in flat


def test_a_mild_sheet_without_articles_sends_nobody_to_read_them(
    api, client, questionnaires, hotlines, tmp_path
):
    flat = result_text(client, tmp_path, submit(api, MILD))
    assert squeeze(in_chinese("New articles are on their way.")) in flat
    assert squeeze(in_chinese("Scan the code above to read them on a phone.")) not in flat


def thickest_rule(image: Image.Image, top: int, bottom: int) -> int:
    """How many consecutive pixel rows between top and bottom are at least 80 % dark."""
    dark = dark_pixels(image)
    width, run, longest = image.width, 0, 0
    for y in range(top, bottom):
        run = run + 1 if sum(dark[y * width : (y + 1) * width]) > 0.8 * width else 0
        longest = max(longest, run)
    return longest


def test_a_crisis_sheet_is_framed_in_a_thick_black_rule(api, client, demo_data, tmp_path):
    crisis = page_image(tmp_path, get_pdf(client, f"/r/{submit(api, CRISIS)}/pdf/").content)
    mild = page_image(tmp_path, get_pdf(client, f"/r/{submit(api, MILD)}/pdf/").content)
    # At 100 dpi the crisis frame (1.8 mm) is about 7 rows; ordinary rules (0.5 mm) 2.
    assert thickest_rule(crisis, 0, crisis.height // 3) >= 5
    assert thickest_rule(mild, 0, mild.height // 3) < 5


def test_a_call_back_phone_number_never_appears_on_the_sheet(api, client, demo_data, tmp_path):
    token = submit(api, CRISIS)
    response = api.post(
        f"/api/v1/submissions/{token}/callback/",
        {"phone": PHONE, "consent": True, "preferred_time": "晚上", "note": ""},
        format="json",
    )
    assert response.status_code == 201
    case = ReferralCase.objects.get(submission__token=token)
    assert case.phone == PHONE
    text = poppler(tmp_path, "pdftotext", get_pdf(client, f"/r/{token}/pdf/").content, "-layout")
    flat = squeeze(text)
    assert "12356" in flat  # the text was read
    assert PHONE not in flat
    assert case.masked_phone not in flat
    assert PHONE[-4:] not in flat


def test_the_sheet_is_in_the_language_the_test_was_taken_in(api, client, demo_data, tmp_path):
    token = submit(api, MILD, HTTP_ACCEPT_LANGUAGE="en")
    assert Submission.objects.get(token=token).language == "en"
    # The downloader's own language does not matter: the sheet follows the submission.
    response = get_pdf(client, f"/r/{token}/pdf/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    flat = squeeze(poppler(tmp_path, "pdftotext", response.content, "-layout"))
    assert "Totalscore6/27" in flat
    assert "notadiagnosis" in flat
    assert "总分" not in flat


def test_a_crisis_sheet_keeps_12356_whatever_kind_an_editor_gave_it(
    api, client, demo_data, tmp_path
):
    # The crisis box leaves out the emergency lines (110, 120: the safety message names them).
    Hotline.objects.filter(number="12356").update(kind=Hotline.Kind.EMERGENCY)
    text = result_text(client, tmp_path, submit(api, CRISIS))
    crisis_box = text[: text.index(in_chinese("Total score"))]
    assert squeeze(Hotline.objects.get(number="12356").name) in crisis_box
    assert crisis_box.index("12356") < crisis_box.index("400-161-9995")


def test_a_moderate_sheet_prints_the_next_session_of_each_with_how_to_join(
    api, client, demo_data, tmp_path
):
    Livestream.objects.create(
        title="冬季情绪健康直播", host="县人民医院心理科", platform="微信视频号",
        starts_at=MONDAY_NOON + timedelta(days=9, hours=7),
        ends_at=MONDAY_NOON + timedelta(days=9, hours=8), join_url="https://example.org/live",
    )  # fmt: skip
    with time_machine.travel(MONDAY_NOON):
        listed = upcoming_sessions(limit=5)
        flat = result_text(client, tmp_path, submit(api, MODERATE))
    assert squeeze(in_chinese("Talk to an expert")) in flat
    # Tuesday's and Saturday's hours, then the same hours again before the livestream.
    assert [s.starts_at.day for s in listed] == [8, 12, 15, 16, 19]
    for session in (listed[0], listed[1], listed[3]):
        assert squeeze(session.title) in flat
        if session.kind == Session.EXPERT_HOURS:
            assert squeeze(session.description) in flat
    # Each printed session starts with its date, weekday and times.
    printed = re.findall(r"(\d{4}-\d{2}-\d{2})星期.\d{2}:\d{2}–\d{2}:\d{2}", flat)
    assert printed == ["2026-12-08", "2026-12-12", "2026-12-16"]


def test_a_sheet_prints_three_sessions_at_most():
    hours, live = Session.EXPERT_HOURS, Session.LIVESTREAM
    kinds_and_sources = [(hours, 1), (live, 1), (hours, 1), (live, 2), (live, 3)]
    sessions = [
        Session(source=SimpleNamespace(pk=pk), kind=kind, starts_at=day, ends_at=day)
        for day, (kind, pk) in zip(WEEK, kinds_and_sources, strict=False)
    ]
    # The hours again on the third day are left out; the fifth session is a fourth one.
    assert sheets.sessions_on_paper(sessions) == [sessions[0], sessions[1], sessions[3]]
