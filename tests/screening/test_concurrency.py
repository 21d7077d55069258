"""Many people at once: every accepted submission is stored exactly once; no edit slips into a
published version."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client, override_settings

from screening import definition_checks
from screening.models import QuestionnaireVersion, ScoreBand, Submission

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


def waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        # pg_locks, not pg_stat_activity: that is read once per transaction, and this runs in one.
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def narrow(band: ScoreBand) -> None:
    band.max_score = 12  # leaves 13-14 uncovered
    band.save()


def save_its_version(band: ScoreBand) -> None:
    # The version's own change page saves the version row before its bands.
    version = QuestionnaireVersion.objects.get(pk=band.version_id)
    version.note = "edited while being published"
    version.save()


def publish_while(draft, edit, monkeypatch):
    """Publish ``draft`` while another connection runs ``edit()`` between the publish's
    validation and its commit; ``edit``'s result, or the code of the ValidationError it raised.

    The publish is held open until the edit has either finished or is waiting for a lock.
    """
    validated, edited = threading.Event(), threading.Event()
    outcome = {}
    problems = QuestionnaireVersion.problems

    def problems_then_let_the_edit_run(self):
        found = problems(self)
        validated.set()
        deadline = time.monotonic() + 10
        while not edited.is_set() and not waits_for_a_lock(outcome.get("pid", 0)):
            assert time.monotonic() < deadline, "the edit neither finished nor waited"
            time.sleep(0.02)
        return found

    def run_edit():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            validated.wait(10)
            outcome["edit"] = edit()
        except ValidationError as refused:
            outcome["edit"] = refused.code
        finally:
            edited.set()
            connections.close_all()

    monkeypatch.setattr(QuestionnaireVersion, "problems", problems_then_let_the_edit_run)
    thread = threading.Thread(target=run_edit)
    thread.start()
    draft.publish()
    thread.join()
    return outcome["edit"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change", [narrow, ScoreBand.delete, save_its_version], ids=["edit", "delete", "version"]
)
def test_a_band_change_racing_the_publish_waits_and_is_refused(questionnaires, monkeypatch, change):
    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1).new_draft()

    def edit():
        change(ScoreBand.objects.get(version=draft, code="moderate"))
        return "saved"

    assert publish_while(draft, edit, monkeypatch) == "published"
    live = QuestionnaireVersion.objects.with_definition().get(pk=draft.pk)
    assert live.is_published
    assert definition_checks.definition_problems(live.definition()) == []
    assert live.bands.get(code="moderate").max_score == 14


@pytest.mark.django_db(transaction=True)
def test_a_save_in_admin_racing_the_publish_is_told_not_a_500(questionnaires, monkeypatch):
    from django.contrib.auth.models import User

    from tests.screening.test_rule_questions import unchanged_post

    draft = QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1).new_draft()
    clinician = Client()
    clinician.force_login(User.objects.create_superuser("clinician", password="x"))
    url = f"/admin/screening/questionnaireversion/{draft.pk}/change/"
    form = unchanged_post(clinician.get(url)) | {"note": "saved while being published"}

    def save_in_admin():
        return clinician.post(url, form, HTTP_ACCEPT_LANGUAGE="en")

    response = publish_while(draft, save_in_admin, monkeypatch)
    assert response.status_code == 302 and response["Location"] == url
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert told == ["This version is published and cannot be changed. Create a new draft from "
                    "it, edit the draft and publish that."]  # fmt: skip
    live = QuestionnaireVersion.objects.get(pk=draft.pk)
    assert live.is_published and live.note != "saved while being published"
