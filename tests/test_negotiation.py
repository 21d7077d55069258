"""The API's content negotiation picks what DRF's own would, for every Accept a client sends."""

import pytest
from django.test import RequestFactory
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request

from config.negotiation import ContentNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=2",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/vnd.oai.openapi",
    "application/yaml",
    "text/plain",
]
RENDERER_LISTS = [
    [JSONRenderer()],
    [JSONRenderer(), BrowsableAPIRenderer()],
    [OpenApiYamlRenderer(), OpenApiJsonRenderer()],
]


def chosen(negotiation, accept, renderers, query=""):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    request = Request(RequestFactory().get(f"/api/v1/questionnaires/{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except NotAcceptable:
        return "406"
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("renderers", RENDERER_LISTS, ids=["json", "json+html", "openapi"])
@pytest.mark.parametrize("query", ["", "?format=json", "?format=yaml"])
def test_the_choice_is_drfs_own(accept, renderers, query):
    try:
        expected = chosen(DefaultContentNegotiation(), accept, renderers, query)
    except Exception as drf_error:  # e.g. Http404 for a format no renderer has
        with pytest.raises(type(drf_error)):
            chosen(ContentNegotiation(), accept, renderers, query)
    else:
        assert chosen(ContentNegotiation(), accept, renderers, query) == expected


def test_the_api_answers_json_for_plain_and_pretty_accepts(api, questionnaires):
    plain = api.get("/api/v1/questionnaires/phq-9/", HTTP_ACCEPT="*/*")
    assert plain["Content-Type"] == "application/json"
    assert b"\n" not in plain.content
    pretty = api.get("/api/v1/questionnaires/phq-9/", HTTP_ACCEPT="application/json; indent=2")
    assert pretty.content.startswith(b'{\n  "slug": "phq-9"')
    assert api.get("/api/v1/questionnaires/phq-9/", HTTP_ACCEPT="text/plain").status_code == 406
