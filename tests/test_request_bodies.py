"""Request bodies (config.bodies): a chunked one is read whole; one too large, or of files on a
public page, is refused with the hotlines before anything reads it.
"""

import http.client
import io
import json
import socket
import time

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from config.bodies import read_chunked_bodies
from screening.models import QuestionnaireVersion, Submission
from tests.production_server import ON_POSTGRES, free_port, serve, shared_database_url

SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"
URLENCODED = "application/x-www-form-urlencoded"
HUGE = 200 * 1024 * 1024


def answers(**overrides) -> dict:
    return {f"phq9_{i}": 0 for i in range(1, 10)} | overrides


def multipart(**fields) -> bytes:
    return encode_multipart(BOUNDARY, fields)


# Through Django's test client: the view never runs, and nothing reads the body (the test
# client's payload refuses to be read past what was given, under a Content-Length of 200 MB).


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/q/phq-9/", "/r/a-result-token/callback/"])
def test_a_page_refuses_a_body_over_the_limit_unread_with_the_hotline(client, path):
    response = client.generic("POST", path, b"phq9_1=0", URLENCODED, CONTENT_LENGTH=str(HUGE))
    assert response.status_code == 413
    page = response.content.decode()
    assert "发送的内容太大了" in page
    assert 'href="tel:12356"' in page
    assert "no-store" in response["Cache-Control"]
    assert Submission.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/q/phq-9/", "/r/a-result-token/callback/", "/text-size/"])
def test_a_page_refuses_files_with_the_hotline(client, path):
    body = multipart(phq9_1="0", file=io.BytesIO(b"GIF89a"))
    response = client.generic("POST", path, body, MULTIPART_CONTENT)
    assert response.status_code == 415
    page = response.content.decode()
    assert "这个表格不接收文件" in page
    assert 'href="tel:12356"' in page


def test_the_refusal_page_speaks_the_visitors_language(client):
    body = multipart(phq9_1="0")
    response = client.generic(
        "POST", "/q/phq-9/", body, MULTIPART_CONTENT, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This form takes no files" in response.content.decode()
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    "body, content_type, length, status, detail",
    [
        (b"{}", "application/json", HUGE, 413, "请求内容太大。"),
        (multipart(answers="x"), MULTIPART_CONTENT, None, 415, "不支持请求中的媒体类型"),
    ],
)
def test_the_api_refuses_unread_with_json_and_the_hotlines(
    api, body, content_type, length, status, detail
):
    extra = {"CONTENT_LENGTH": str(length)} if length else {}
    response = api.generic("POST", SUBMIT, body, content_type, **extra)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert response.json()["hotlines"][0]["number"] == "12356"


@pytest.mark.parametrize("length", ["\xb2", "1" * 5000])
def test_a_content_length_int_cannot_read_is_no_body(api, questionnaires, length):
    # "²" is a digit to str.isdigit(); 5,000 digits are beyond int(). Either is read as Django
    # reads it, as no body: a 400 naming the answers, not a server error.
    body = {"answers": answers()}
    response = api.post(SUBMIT, body, format="json", CONTENT_LENGTH=length)
    assert response.status_code == 400
    assert "answers" in response.json()
    assert not Submission.objects.exists()


def test_the_admin_takes_a_file_larger_than_a_public_body(admin_client, questionnaires):
    versions = "/admin/screening/questionnaireversion/"
    phq9 = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1)
    exported = admin_client.get(f"{versions}{phq9.pk}/export.json").content
    # Past the public limit (64 KB) with spaces that JSON ignores.
    upload = io.BytesIO(exported + b" " * 70_000)
    upload.name = "phq-9.json"
    response = admin_client.post(f"{versions}import/", {"file": upload})
    assert response.status_code == 302
    assert QuestionnaireVersion.objects.filter(questionnaire__slug="phq-9", number=2).exists()


def test_the_admin_refuses_a_body_over_its_own_limit(admin_client, settings):
    settings.ADMIN_MAX_BODY_SIZE = 100_000
    body = multipart(file=io.BytesIO(b" " * 100_001))
    response = admin_client.generic(
        "POST", "/admin/screening/questionnaireversion/import/", body, MULTIPART_CONTENT
    )
    assert response.status_code == 413


# The WSGI wrapper, as gunicorn calls it.


def environ_for(body: bytes, **environ) -> dict:
    return {
        "PATH_INFO": SUBMIT,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        **environ,
    }


def seen_by_django(environ: dict) -> dict:
    seen = {}

    def django(environ, start_response):
        seen.update(environ, body=environ["wsgi.input"].read())
        return []

    read_chunked_bodies(django)(environ, None)
    return seen


def test_a_chunked_body_reaches_django_with_its_length():
    seen = seen_by_django(environ_for(b'{"answers": {}}'))
    assert (seen["CONTENT_LENGTH"], seen["body"]) == ("15", b'{"answers": {}}')


def test_a_chunked_body_is_read_only_to_one_byte_past_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    assert seen_by_django(environ_for(b"x" * 100))["CONTENT_LENGTH"] == "11"


def test_a_server_that_cannot_end_a_chunked_body_is_left_alone():
    # Django's runserver gives no end to the body: reading on would wait for ever.
    seen = seen_by_django(environ_for(b"", **{"wsgi.input_terminated": False}))
    assert "CONTENT_LENGTH" not in seen


# Through gunicorn, as in production.


@pytest.fixture(scope="module")
def server():
    """The app without a database: bodies are refused before any view asks for one."""
    with serve(f"postgres://postgres@127.0.0.1:{free_port()}/xinqiao") as port:
        yield port


def raw_post(port: int, path: str, content_type: str, length: int, sent: bytes):
    """(status, body, seconds) for a post announcing ``length`` bytes that sends only ``sent``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        )
        began = time.monotonic()
        sock.sendall(head.encode() + sent)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read().decode(), time.monotonic() - began


@pytest.mark.parametrize("path", ["/q/phq-9/", "/r/a-result-token/callback/"])
def test_a_huge_post_of_files_is_refused_before_it_is_sent(server, path):
    status, page, seconds = raw_post(server, path, MULTIPART_CONTENT, HUGE, b"x" * 1024)
    assert status == 413
    assert 'href="tel:12356"' in page
    assert seconds < 5, f"answered after {seconds:.1f} s"


def test_a_small_post_of_files_is_refused_too(server):
    body = multipart(phq9_1="0", file=io.BytesIO(b"GIF89a"))
    status, page, _ = raw_post(server, "/q/phq-9/", MULTIPART_CONTENT, len(body), body)
    assert status == 415
    assert 'href="tel:12356"' in page


def chunked_post(port: int, path: str, body: bytes):
    """(status, JSON body) of ``body`` sent in two chunks, without a Content-Length."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    half = len(body) // 2
    conn.request(
        "POST",
        path,
        iter([body[:half], body[half:]]),
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        encode_chunked=True,
    )
    response = conn.getresponse()
    result = response.status, json.loads(response.read())
    conn.close()
    return result


def test_a_chunked_body_over_the_limit_is_413_with_the_hotlines(server):
    body = json.dumps({"answers": answers(), "padding": "x" * 70_000}).encode()
    status, refusal = chunked_post(server, SUBMIT, body)
    assert status == 413
    assert refusal["hotlines"][0]["number"] == "12356"


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_a_chunked_answer_sheet_is_read_whole(demo_data):
    with serve(shared_database_url()) as port:
        sheet = json.dumps({"answers": answers(phq9_1=2)}).encode()
        status, result = chunked_post(port, SUBMIT, sheet)
        assert (status, result["total_score"]) == (201, 2)
        # One showing self-harm, with an answer missing: the crisis help with the refusal.
        incomplete = {code: v for code, v in answers(phq9_9=1).items() if code != "phq9_3"}
        sheet = json.dumps({"answers": incomplete}).encode()
        status, refusal = chunked_post(port, SUBMIT, sheet)
    assert status == 400
    assert refusal["crisis"] is True
    assert refusal["hotlines"][0]["number"] == "12356"
    assert Submission.objects.count() == 1
