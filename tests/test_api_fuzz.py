"""The API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, every response as documented.

Bounded: a few examples per operation, so the whole run stays well under a minute.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def fuzzable(demo_data, settings):
    """The demo data, no throttles, and the test's database connection kept open."""
    # Throttles would turn most examples into 429s; they have tests of their own.
    settings.THROTTLE_SUBMISSIONS = settings.THROTTLE_CALLBACKS = ""
    settings.THROTTLE_CALLBACKS_PER_RESULT = ""
    # Called directly, the WSGI handler closes the connection after each request, as Django's
    # test client prevents; that connection holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("fuzzable")
@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case):
    case.call_and_validate(
        # The test transport does not decompress; GZipMiddleware would otherwise answer gzip.
        headers={"Accept-Encoding": "identity"},
        # No 5xx, and status, content type, headers and body as documented. Not among them:
        # rejecting every odd query parameter (DRF ignores a bad page number, as it should).
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
