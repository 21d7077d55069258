"""Printable PDF sheets, rendered for real through their URLs and read back with poppler."""

import re
import subprocess
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from content.models import Livestream, Session, upcoming_sessions
from referrals.models import Hotline, ReferralCase
from screening import sheets
from screening.models import Question, QuestionnaireVersion, ScoreBand, Submission
from screening.recommendations import safety_message
from tests.qrcodes import qr_codes_on_page

pytestmark = pytest.mark.django_db

MILD = (1, 1, 1, 1, 1, 1, 0, 0, 0)  # total 6
MODERATE = (2, 2, 2, 2, 2, 2, 2, 0, 0)  # total 14, the moderate tier's highest
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)  # total 1, item 9 above 0
PHONE = "13912345678"
# A moderate sheet lists the week's sessions, and the demo's expert hours fall on Tuesday evenings
# and Saturday mornings: what it prints depends on the day, so tests that list any fix the day.
MONDAY_NOON = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
WEEK = [MONDAY_NOON + timedelta(days=n) for n in range(7)]
WORST_CASES_FOR_SIZE = [MILD, MODERATE, (3, 3, 3, 3, 3, 3, 3, 3, 3)]


def submit(api, values, **headers) -> str:
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/",
        {"answers": answers, "channel": "demo"},
        format="json",
        **headers,
    )
    assert response.status_code == 201
    return response.json()["token"]


def get_pdf(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    return response


def poppler(tmp_path, tool: str, pdf: bytes, *args: str) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def squeeze(text: str) -> str:
    """Text without any whitespace: CJK lines wrap anywhere, and -layout pads columns."""
    return "".join(text.split())


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return squeeze(gettext(message))


def page_count(tmp_path, pdf: bytes) -> int:
    info = poppler(tmp_path, "pdfinfo", pdf)
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def page_image(tmp_path, pdf: bytes, dpi: int = 100) -> Image.Image:
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-png", "-singlefile",
         str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    return Image.open(tmp_path / "page.png").convert("L")


def dark_pixels(image: Image.Image) -> list[bool]:
    return [value < 128 for value in image.tobytes()]


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


@pytest.mark.parametrize("prefix", ["/r/{}/pdf/", "/api/v1/submissions/{}/pdf/"])
def test_a_result_sheet_is_named_and_privately_cacheable(api, client, demo_data, prefix):
    token = submit(api, MILD)
    response = get_pdf(client, prefix.format(token))
    assert response["Content-Disposition"] == f'inline; filename="phq-9-result-{token[:8]}.pdf"'
    # One person's answers: kept by no browser or proxy (the server keeps the rendered PDF).
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "noindex" in response["X-Robots-Tag"]


def test_a_repeated_download_comes_from_the_cache_until_the_sheet_changes(api, client, demo_data):
    token = submit(api, MILD)
    first = get_pdf(client, f"/r/{token}/pdf/")
    submission = Submission.objects.for_display().get(token=token)
    html = sheets.result_sheet_html(submission, result_url=f"http://testserver/r/{token}/")
    key = sheets.result_sheet_key(submission, html)
    assert cache.get(key) == first.content
    assert token not in key, "cache servers can log keys"

    # Whatever sits under the key is what the next download gets: nothing is rendered again.
    marker = b"%PDF-1.7 served from the cache"
    cache.set(key, marker)
    assert get_pdf(client, f"/r/{token}/pdf/").content == marker
    assert get_pdf(client, f"/api/v1/submissions/{token}/pdf/").content == marker

    # A hotline edited since (saved, as admin does): the sheet is rendered again with the change.
    hotline = Hotline.objects.get(number="12356")
    hotline.name = "心理援助热线（新）"
    hotline.save()
    assert get_pdf(client, f"/r/{token}/pdf/").content != marker


@pytest.mark.parametrize(
    "accept", [None, "application/pdf", "application/json", "text/html", "*/*"]
)
def test_an_unknown_token_is_a_404_on_the_api_whatever_it_accepts(api, questionnaires, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api.get("/api/v1/submissions/no-such-token/pdf/", **headers)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_an_unknown_token_is_a_404_page(client, questionnaires):
    assert client.get("/r/no-such-token/pdf/").status_code == 404


def test_the_api_sends_the_pdf_even_to_a_client_asking_for_json(api, client, demo_data):
    token = submit(api, MILD)
    get_pdf(client, f"/api/v1/submissions/{token}/pdf/", HTTP_ACCEPT="application/json")


def tick_boxes(image: Image.Image, size: range) -> int:
    """Empty squares of about ``size`` pixels a side drawn with a thin dark border."""
    width, height = image.size
    dark = dark_pixels(image)
    seen = bytearray(width * height)
    found = 0
    for start, is_dark in enumerate(dark):
        if not is_dark or seen[start]:
            continue
        seen[start] = 1
        stack, xs, ys = [start], [], []
        while stack:
            at = stack.pop()
            x, y = at % width, at // width
            xs.append(x)
            ys.append(y)
            for near in (
                at - 1 if x else -1,
                at + 1 if x < width - 1 else -1,
                at - width,
                at + width,
            ):
                if 0 <= near < width * height and dark[near] and not seen[near]:
                    seen[near] = 1
                    stack.append(near)
        box_width, box_height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        middle = (min(ys) + box_height // 2) * width + min(xs) + box_width // 2
        if box_width in size and box_height in size and not dark[middle]:
            found += 1
    return found


def test_the_blank_questionnaire_is_a_form_with_a_clinician_key(client, demo_data, tmp_path):
    response = get_pdf(client, "/q/phq-9/pdf/")
    assert response["Content-Disposition"] == 'inline; filename="phq-9-v1-questionnaire.pdf"'
    assert response["Cache-Control"] == "private, max-age=3600"
    pdf = response.content
    assert page_count(tmp_path, pdf) == 2

    # Without -layout, each table cell's lines stay together.
    form = squeeze(poppler(tmp_path, "pdftotext", pdf, "-f", "1", "-l", "1"))
    key = squeeze(poppler(tmp_path, "pdftotext", pdf, "-layout", "-f", "2", "-l", "2"))
    version = QuestionnaireVersion.objects.current_for("phq-9")
    with translation.override("zh-hans"):
        questions = [squeeze(q.text) for q in version.questions.all()]
        options = [squeeze(o.label) for o in version.questions.first().options.all()]
        bands = [(b.min_score, b.max_score, squeeze(b.label)) for b in version.bands.all()]
        steps = {squeeze(b.step_name()) for b in version.bands.all()}
        tiers = {squeeze(b.get_tier_display()) for b in version.bands.all()}
        rule = squeeze(
            gettext("Question %(number)s: any answer of %(value)s or more")
            % {"number": 9, "value": 1}
        )
        scoring_key = squeeze(gettext("Scoring key (for the clinician)"))

    # The nine items, how hard they made things, and the closing free-text question.
    assert len(questions) == 11
    for number, text in enumerate(questions, 1):
        assert f"{number}.{text}" in form
    for value, label in enumerate(options):
        assert f"{label}({value})" in form
    # 9 questions share one grid of four options, the 10th has its own four.
    assert tick_boxes(page_image(tmp_path, pdf), size=range(18, 27)) == 40

    assert scoring_key not in form
    assert scoring_key in key
    for low, high, label in bands:
        assert f"{low}–{high}{label}" in key
    # Each band's next step, without a tier's severity word ("minimal" beside "Mild").
    assert len(steps) == 3 and all(step in key for step in steps)
    assert not any(tier in key for tier in tiers)
    assert rule in key
    assert "12356" in key


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("slug", ["phq-9", "gad-7", "phq-4", "gds-15", "epds", "phq-a"])
def test_a_blank_questionnaire_is_the_form_and_its_key_on_two_pages(
    client, demo_data, tmp_path, slug, language
):
    pdf = get_pdf(client, f"/q/{slug}/pdf/", HTTP_ACCEPT_LANGUAGE=language).content
    assert page_count(tmp_path, pdf) == 2


def test_longer_instructions_are_set_tighter_so_the_key_stays_on_the_back(
    client, demo_data, tmp_path
):
    from screening.models import Questionnaire

    phq9 = Questionnaire.objects.get(slug="phq-9")
    extra = " If you are not sure, tick the box closest to how you felt most of the time."
    Questionnaire.objects.filter(pk=phq9.pk).update(
        instructions_en=phq9.instructions_en + extra * 2
    )
    pdf = get_pdf(client, "/q/phq-9/pdf/", HTTP_ACCEPT_LANGUAGE="en").content
    assert page_count(tmp_path, pdf) == 2
    back = poppler(tmp_path, "pdftotext", pdf, "-f", "2", "-l", "2")
    assert "Scoring key (for the clinician)" in back


def test_the_blank_questionnaire_varies_on_the_language_cookie(client, demo_data):
    # Kept by the browser for an hour; its language may come from the language cookie.
    chinese = get_pdf(client, "/q/phq-9/pdf/")
    client.cookies["django_language"] = "en"
    english = get_pdf(client, "/q/phq-9/pdf/")
    assert chinese.content != english.content
    assert "max-age" in english["Cache-Control"]
    assert "Cookie" in english["Vary"] and "Accept-Language" in english["Vary"]


def test_an_unknown_questionnaire_has_no_blank_form(client, questionnaires):
    assert client.get("/q/no-such-test/pdf/").status_code == 404


def test_the_api_schema_documents_the_pdf_endpoint(api, questionnaires):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/submissions/{token}/pdf/"]["get"]
    ok, missing = operation["responses"]["200"], operation["responses"]["404"]
    assert ok["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert ok["description"]
    # A refusal, with the hotlines (config.schema.document_refusals).
    assert missing["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Refusal"
    }
    assert missing["content"]["application/json"]["examples"]
    assert "crisis" in operation["description"]


@pytest.mark.parametrize("values", [MILD, CRISIS], ids=["mild", "crisis"])
def test_the_result_sheets_qr_code_opens_the_same_result(api, client, demo_data, tmp_path, values):
    token = submit(api, values)
    pdf = get_pdf(client, f"/r/{token}/pdf/").content
    assert qr_codes_on_page(pdf, tmp_path) == [f"http://testserver/r/{token}/"]
    page = client.get(f"/r/{token}/")
    assert page.status_code == 200
    assert "12356" in page.content.decode()


def test_the_blank_questionnaires_qr_code_opens_the_self_test(client, demo_data, tmp_path):
    pdf = get_pdf(client, "/q/phq-9/pdf/").content
    assert qr_codes_on_page(pdf, tmp_path) == ["http://testserver/q/phq-9/"]
    assert client.get("/q/phq-9/").status_code == 200


def test_a_crisis_sheet_keeps_12356_whatever_kind_an_editor_gave_it(
    api, client, demo_data, tmp_path
):
    # The crisis box leaves out the emergency lines (110, 120: the safety message names them).
    Hotline.objects.filter(number="12356").update(kind=Hotline.Kind.EMERGENCY)
    text = result_text(client, tmp_path, submit(api, CRISIS))
    crisis_box = text[: text.index(in_chinese("Total score"))]
    assert squeeze(Hotline.objects.get(number="12356").name) in crisis_box
    assert crisis_box.index("12356") < crisis_box.index("400-161-9995")


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
