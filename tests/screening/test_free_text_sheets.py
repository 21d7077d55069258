"""The person's own words on paper: on the result sheet only if they choose, lines on the form."""

import subprocess

import pytest

from screening.models import Submission

pytestmark = pytest.mark.usefixtures("crisis_lexicon")
WORDS = "晚上睡不着，心里很乱"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def token(api, demo_data):
    answers = {f"gad7_{i}": 1 for i in range(1, 8)} | {"gad7_more": WORDS}
    response = api.post(
        "/api/v1/questionnaires/gad-7/submissions/", {"answers": answers}, format="json"
    )
    return response.json()["token"]


def test_the_sheet_leaves_the_words_out_unless_the_person_chooses(client, token, tmp_path):
    plain = pdf_text(client.get(f"/r/{token}/pdf/").content, tmp_path)
    assert "晚上睡不着" not in plain
    assert "在网上填写，未打印" in plain or "written online, not printed" in plain
    chosen = pdf_text(client.get(f"/r/{token}/pdf/?words=1").content, tmp_path)
    assert "晚上睡不着" in chosen


def test_the_api_sheet_takes_the_same_choice(api, token, tmp_path):
    response = api.get(f"/api/v1/submissions/{token}/pdf/?words=1", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert "晚上睡不着" in pdf_text(response.content, tmp_path)


def test_the_result_page_offers_the_sheet_with_the_words_only_to_who_wrote(client, token, api):
    page = client.get(f"/r/{token}/").content.decode()
    assert f"/r/{token}/pdf/?words=1" in page
    assert WORDS not in page
    calm = api.post(
        "/api/v1/questionnaires/gad-7/submissions/",
        {"answers": {f"gad7_{i}": 1 for i in range(1, 8)}},
        format="json",
    ).json()["token"]
    assert "?words=1" not in client.get(f"/r/{calm}/").content.decode()


def test_the_blank_form_has_lines_for_the_closing_question(client, questionnaires, tmp_path):
    text = pdf_text(client.get("/q/phq-9/pdf/").content, tmp_path)
    assert "11. 还有什么想告诉我们的吗？" in text
    assert "问题11是本人自己写的话" in text or "Question 11 is the person's own words" in text


def test_a_crisis_from_words_prints_as_a_crisis(client, api, demo_data, tmp_path):
    answers = {f"gad7_{i}": 0 for i in range(1, 8)} | {"gad7_more": "活着没意思"}
    token = api.post(
        "/api/v1/questionnaires/gad-7/submissions/", {"answers": answers}, format="json"
    ).json()["token"]
    assert Submission.objects.get(token=token).crisis
    text = pdf_text(client.get(f"/r/{token}/pdf/").content, tmp_path)
    assert "12356" in text
    assert "活着没意思" not in text


def test_the_schema_documents_printing_the_words_on_the_api_sheet(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/submissions/{token}/pdf/"]["get"]
    words = next(p for p in operation["parameters"] if p["name"] == "words")
    assert words["in"] == "query" and words["schema"]["enum"] == ["1"]
