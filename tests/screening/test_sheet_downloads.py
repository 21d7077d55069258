"""Downloading sheets: names, caching, 404s, the blank questionnaire with its key, QR codes."""

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from referrals.models import Hotline
from screening import sheets
from screening.models import QuestionnaireVersion, Submission
from tests.qrcodes import qr_codes_on_page
from tests.screening.pdf_sheets import (
    CRISIS,
    MILD,
    dark_pixels,
    get_pdf,
    page_count,
    page_image,
    poppler,
    squeeze,
    submit,
)

pytestmark = pytest.mark.django_db


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
