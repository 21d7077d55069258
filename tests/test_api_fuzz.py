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


def phq9(*values) -> dict:
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


SUBMIT = "/api/v1/questionnaires/{slug}/submissions/"
REAL_RESULTS = {
    "mild": {"answers": phq9(1, 1, 1, 1, 1, 0, 0, 0, 0)},
    "moderate from a poster": {"answers": phq9(2, 2, 2, 2, 2, 0, 0, 0, 0), "channel": "demo"},
    "crisis": {"answers": phq9(0, 0, 0, 0, 0, 0, 0, 0, 1)},
    "severe from a poster": {"answers": phq9(3, 3, 3, 3, 3, 3, 3, 2, 0), "channel": "demo"},
}


@pytest.mark.usefixtures("fuzzable")
@pytest.mark.parametrize("body", REAL_RESULTS.values(), ids=REAL_RESULTS.keys())
def test_real_results_of_every_kind_are_as_the_schema_says(body):
    # Random examples rarely make a valid answer sheet: every kind of result, from a poster and
    # without one, is checked against the contract too.
    case = schema[SUBMIT]["POST"].Case(
        path_parameters={"slug": "phq-9"}, body=body, media_type="application/json"
    )
    response = case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
    assert response.status_code == 201
    result = response.json()
    assert result["recommendation"]["kind"] in {"content", "schedule", "referral"}
    token = result["token"]
    again = schema["/api/v1/submissions/{token}/"]["GET"].Case(path_parameters={"token": token})
    again.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
