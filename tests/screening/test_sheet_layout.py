"""A result sheet's paper: its own font cut, under 100 KB, inked, one page at its fullest."""

from datetime import datetime, timedelta

import pytest
import time_machine

from content.models import Livestream
from referrals.models import Hotline
from screening import sheets
from screening.models import ScoreBand, Submission
from tests.screening.pdf_sheets import (
    CRISIS,
    MILD,
    MODERATE,
    MONDAY_NOON,
    WEEK,
    dark_pixels,
    get_pdf,
    page_count,
    page_image,
    poppler,
    squeeze,
    submit,
)

pytestmark = pytest.mark.django_db
WORST_CASES_FOR_SIZE = [MILD, MODERATE, (3, 3, 3, 3, 3, 3, 3, 3, 3)]


def embedded_fonts(tmp_path, pdf: bytes) -> list[list[str]]:
    return [line.split() for line in poppler(tmp_path, "pdffonts", pdf).splitlines()[2:]]


def test_a_result_sheet_embeds_only_its_own_cut_of_noto_cjk(api, client, demo_data, tmp_path):
    token = submit(api, MILD)
    rows = embedded_fonts(tmp_path, get_pdf(client, f"/r/{token}/pdf/").content)
    assert len(rows) == 1
    # name, type…, encoding, emb, sub, uni, object id: emb is the fifth column from the end
    assert "Xinqiao-Sheet-Sans" in rows[0][0]
    assert rows[0][-5] == "yes" and rows[0][-4] == "yes", "embedded and subset"


def test_a_character_outside_the_sheets_font_still_prints(api, client, demo_data, tmp_path):
    # 堃 (in names) is outside GB 2312: the whole system font prints it.
    ScoreBand.objects.filter(version__questionnaire__slug="phq-9", code="mild").update(
        meaning_zh_hans="堃村卫生室的医生可以帮您。"
    )
    token = submit(api, MILD)
    pdf = get_pdf(client, f"/r/{token}/pdf/").content
    assert "堃村卫生室" in squeeze(poppler(tmp_path, "pdftotext", pdf))
    assert any("Noto-Sans-CJK-SC" in row[0] for row in embedded_fonts(tmp_path, pdf))


SHEET_BUDGET = 100_000  # bytes: a few seconds on a rural data plan, not a minute


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("values", WORST_CASES_FOR_SIZE, ids=["mild", "moderate", "crisis"])
def test_a_result_sheet_weighs_at_most_100_kb(api, client, demo_data, values, language):
    with time_machine.travel(MONDAY_NOON):
        token = submit(api, values, HTTP_ACCEPT_LANGUAGE=language)
        pdf = get_pdf(client, f"/r/{token}/pdf/").content
    assert len(pdf) <= SHEET_BUDGET, f"{len(pdf):,} bytes"


def test_a_result_sheet_page_renders_with_ink_on_it(api, client, demo_data, tmp_path):
    token = submit(api, MILD)
    image = page_image(tmp_path, get_pdf(client, f"/r/{token}/pdf/").content)
    share = sum(dark_pixels(image)) / (image.width * image.height)
    assert share > 0.01, f"page 1 is almost blank ({share:.2%} dark pixels)"


@pytest.mark.parametrize("values", [MILD, CRISIS], ids=["mild", "crisis"])
def test_a_result_sheet_fits_on_one_page(api, client, demo_data, tmp_path, values):
    token = submit(api, values)
    assert page_count(tmp_path, get_pdf(client, f"/r/{token}/pdf/").content) == 1


WORST_CASES = {
    "crisis": (3, 3, 3, 3, 3, 3, 3, 3, 3),
    "crisis, low total": CRISIS,
    "severe": (3, 3, 3, 3, 3, 3, 3, 3, 0),
    "moderately severe": (2, 2, 2, 2, 2, 2, 2, 2, 0),  # 16: the severe tier
    "moderate": MODERATE,
    "mild": MILD,
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("values", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_a_result_sheet_fits_on_one_page_at_its_fullest(
    api, client, demo_data, tmp_path, values, language
):
    # A county with a provincial, a city and a county line, and a busy week of livestreams: a
    # doctor still prints one page, in either language. On a Monday the Tuesday hours, with the
    # longest "how to join", are among the three sessions printed.
    lines = (
        ("62", "甘肃省心理援助热线"),
        ("6211", "定西市心理援助热线"),
        ("621102", "安定区心理热线"),
    )
    for region, name in lines:
        Hotline.objects.create(
            name=name, name_en=f"{name} (psychological assistance hotline)", number="0931-2345678",
            region=region, kind=Hotline.Kind.CRISIS,
            hours_note="每天 8:00–22:00，节假日照常；可匿名",
            hours_note_en="Daily 8:00–22:00, holidays included; you need not give your name",
            last_verified=MONDAY_NOON.date(),
        )  # fmt: skip
    soon = MONDAY_NOON + timedelta(hours=2)
    for day in range(6):
        Livestream.objects.create(
            title=f"冬季情绪健康直播：如何照顾好自己和家人的情绪（第{day + 1}讲）",
            title_en=f"Winter mood health livestream: looking after yourself and your family, "
            f"part {day + 1}",
            host="县人民医院心理科主任医师",
            host_en="Chief psychiatrist of the county people's hospital",
            platform="微信视频号",
            description="在微信里搜索“县人民医院心理科”视频号，点“直播”进入；错过了可以看回放。",
            description_en="In WeChat, search for the county people's hospital's psychiatry "
            "channel and tap 'Live'; missed it? Watch the replay.",
            starts_at=soon + timedelta(days=day),
            ends_at=soon + timedelta(days=day, hours=1),
            join_url="https://example.org/live",
        )
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    with time_machine.travel(MONDAY_NOON):
        response = api.post(
            "/api/v1/questionnaires/phq-9/submissions/",
            {"answers": answers, "channel": "demo-gansu"},
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        token = response.json()["token"]
        pdf = get_pdf(client, f"/r/{token}/pdf/").content
    assert page_count(tmp_path, pdf) == 1
    assert "12356" in poppler(tmp_path, "pdftotext", pdf, "-layout")


def test_a_sheet_that_would_run_over_is_set_tighter_onto_one_page(api, client, demo_data, tmp_path):
    # Clinician-edited texts longer than the shipped ones: the normal setting takes two pages.
    from screening.models import ScoreBand

    band = ScoreBand.objects.filter(version__questionnaire__slug="phq-9", min_score=5).first()
    extra = " Talking with someone you trust, moving a little and sleeping regular hours can help."
    ScoreBand.objects.filter(pk=band.pk).update(meaning_en=band.meaning_en + extra * 9)
    token = submit(api, MILD, HTTP_ACCEPT_LANGUAGE="en")
    submission = Submission.objects.for_display().get(token=token)
    url = f"http://testserver/r/{token}/"
    normal = sheets.render_pdf(sheets.result_sheet_html(submission, result_url=url))
    assert page_count(tmp_path, normal) == 2
    served = get_pdf(client, f"/r/{token}/pdf/").content
    assert page_count(tmp_path, served) == 1
    text = poppler(tmp_path, "pdftotext", served, "-layout")
    assert "12356" in text and "Your answers" in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "values, day",
    [
        *((MODERATE, day) for day in WEEK),
        *((values, MONDAY_NOON) for values in (MILD, (3,) * 8 + (0,), CRISIS)),
    ],
    ids=lambda value: f"{value:%a}" if isinstance(value, datetime) else str(value),
)
def test_the_shipped_content_fits_one_page_without_the_tighter_setting(
    api, client, demo_data, tmp_path, values, day, language
):
    # Laying a sheet out twice doubles its cost: the common case must fit the first time, on
    # whatever day of the week a moderate result lists its sessions.
    with time_machine.travel(day):
        token = submit(api, values, HTTP_ACCEPT_LANGUAGE=language)
        submission = Submission.objects.for_display().get(token=token)
        html = sheets.result_sheet_html(submission, result_url=f"http://testserver/r/{token}/")
    assert len(sheets.laid_out(html).pages) == 1
    assert "{#" not in html, "a template comment must not reach the paper"
