"""Many people submitting at once: every accepted submission is stored exactly once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client, override_settings

from screening.models import Submission

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
)


@pytest.mark.django_db(transaction=True)
@override_settings(THROTTLE_SUBMISSIONS="")
def test_two_hundred_submissions_from_twenty_threads_are_each_stored_exactly_once(
    questionnaires,
):
    def submit(i: int):
        try:
            answers = {f"phq9_{q}": (i + q) % 4 for q in range(1, 10)}
            response = Client().post(
                "/api/v1/questionnaires/phq-9/submissions/",
                {"answers": answers},
                content_type="application/json",
            )
            return response.status_code, response.json().get("token"), answers
        finally:
            connections.close_all()

    # The threads also share the process's cached questionnaire version, as gunicorn threads do.
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(submit, range(200)))

    assert [status for status, _, _ in results] == [201] * 200
    tokens = [token for _, token, _ in results]
    assert len(set(tokens)) == 200
    stored = {s.token: s for s in Submission.objects.all()}
    assert set(stored) == set(tokens)
    for _, token, answers in results:
        assert stored[token].answers == answers
        assert stored[token].total_score == sum(answers.values())


@pytest.mark.django_db(transaction=True)
@override_settings(THROTTLE_CALLBACKS="", THROTTLE_CALLBACKS_PER_RESULT="")
def test_racing_callback_requests_for_one_submission_make_one_case(demo_data):
    from referrals.models import ReferralCase

    answers = {f"phq9_{q}": 0 for q in range(1, 9)} | {"phq9_9": 1}
    token = (
        Client()
        .post(
            "/api/v1/questionnaires/phq-9/submissions/",
            {"answers": answers},
            content_type="application/json",
        )
        .json()["token"]
    )

    def ask(i: int) -> int:
        try:
            return (
                Client()
                .post(
                    f"/api/v1/submissions/{token}/callback/",
                    {"phone": f"1390000{i:04d}", "consent": True},
                    content_type="application/json",
                )
                .status_code
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(ask, range(20)))

    assert sorted(codes) == [200] * 19 + [201]
    assert ReferralCase.objects.count() == 1
