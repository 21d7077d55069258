"""Answers to errors: 400, 404 and 500 as a page or JSON with the hotlines; the 503 documented."""

import re
from unittest import mock

from screening.models import Questionnaire


def test_an_api_url_matching_no_route_is_a_json_404(api, settings):
    settings.DEBUG = False
    response = api.post("/api/v1/questionnaires/not a slug/submissions/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"
    assert response.json()["hotlines"][0]["number"] == "12356"


def server_error(client, settings, path: str):
    """``path`` answered after a bug (a KeyError) in a view, as production answers it."""
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch.object(Questionnaire.objects, "with_current_version", side_effect=KeyError):
        return client.get(path)


def test_an_api_server_error_is_json_with_the_hotlines(api, questionnaires, settings):
    response = server_error(api, settings, "/api/v1/questionnaires/")
    assert response.status_code == 500
    assert response.json()["hotlines"][0]["number"] == "12356"


def test_the_schema_documents_the_503_with_hotlines_on_every_operation(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            unavailable = operation["responses"]["503"]["content"]["application/json"]
            assert unavailable["schema"] == {"$ref": "#/components/schemas/Unavailable"}, (
                method,
                path,
            )
    assert schema["components"]["schemas"]["Unavailable"]["required"] == ["detail", "hotlines"]


def test_the_500_page_shows_the_hotline_and_may_style_itself_with_a_nonce(client, db, settings):
    response = server_error(client, settings, "/")
    assert response.status_code == 500
    assert 'href="tel:12356"' in response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    # A nonce is for one response only.
    again = server_error(client, settings, "/")["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again and "'nonce-" in again


def test_a_refused_page_request_is_a_400_page_with_the_hotline(client, questionnaires, settings):
    # A questionnaire form with more fields than any form has: Django refuses it before the view.
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.post("/q/phq-9/", {f"field{i}": "0" for i in range(1001)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="tel:12356"' in page
    assert "我们无法理解这个请求" in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in page


def test_a_refused_api_request_is_json(api, settings):
    settings.DEBUG = False
    api.raise_request_exception = False
    response = api.get("/api/v1/questionnaires/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求有误。"
    assert response.json()["hotlines"][0]["number"] == "12356"
