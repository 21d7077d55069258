"""The result page's read is its own health check of the kept database connection
(config.kept_connections): no extra round trip, and a connection the server dropped is still
replaced, as Django's health check would have replaced it."""

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection, transaction

from config.kept_connections import read_on_kept_connection
from screening.models import QuestionnaireVersion, Submission
from tests.production_server import ON_POSTGRES, request, serve, shared_database_url

pytestmark = [ON_POSTGRES, pytest.mark.django_db(transaction=True)]


def one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def terminate_backends_of_the_test_database(spare: int = 0) -> int:
    """End the sessions on the test database (but this one's and ``spare``), as a server restart
    or a failover does."""
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        ended = other.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)"
            " AND backend_type = 'client backend') AS ended",
            [spare],
        ).fetchone()[0]
    return ended


def a_new_request_begins() -> None:
    # What Django does for the kept connection as each request starts: its check is due again.
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


def test_the_read_stands_in_for_the_health_check(monkeypatch):
    one()
    a_new_request_begins()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    assert read_on_kept_connection(one) == 1
    assert checks == []  # no SELECT 1 before the read
    assert connection.health_check_done  # nor before the request's next query


def test_a_connection_the_server_dropped_is_replaced_and_the_read_answers():
    one()
    a_new_request_begins()
    dropped = connection.connection
    assert terminate_backends_of_the_test_database() >= 1
    assert read_on_kept_connection(one) == 1
    assert connection.connection is not dropped


def test_a_timeout_on_a_working_connection_is_not_read_again():
    one()
    a_new_request_begins()
    reads = []

    def slow() -> None:
        reads.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 50")
            try:
                cursor.execute("SELECT pg_sleep(1)")
            finally:
                cursor.execute("RESET statement_timeout")

    with pytest.raises(OperationalError):
        read_on_kept_connection(slow)
    assert reads == [1]
    assert one() == 1


def test_without_a_kept_connection_the_read_runs_once_as_it_is():
    connection.close()
    assert read_on_kept_connection(one) == 1


@pytest.fixture
def result_token(questionnaires) -> str:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 1 for i in range(1, 10)} | {"phq9_9": 0}
    return Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    ).token


def test_the_result_page_answers_after_the_server_dropped_the_kept_connection(result_token):
    # DEBUG only so that the page finds its static files without a collectstatic.
    with serve(shared_database_url(), DEBUG="True") as port:
        path = f"/r/{result_token}/"
        status, _, page = request(port, "GET", path)
        assert status == 200 and "12356" in page
        # The server's kept connection ends; the test's own goes on.
        ours = connection.connection.info.backend_pid
        assert terminate_backends_of_the_test_database(spare=ours) >= 1
        status, _, page = request(port, "GET", path)
        assert status == 200 and "12356" in page


# The result page's read is planned once per kept connection (config.kept_connections).


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_the_result_read_is_planned_once_per_connection(result_token):
    connection.close()
    first = Submission.objects.kind_of(result_token)
    assert first[0] == result_token
    assert Submission.objects.kind_of(result_token) == first
    [statement] = prepared_statements()
    assert "FROM screening_submission s" in statement
    # Django's own queries are planned each time, as ever (bound on the client).
    assert Submission.objects.filter(token=result_token).count() == 1
    assert len(prepared_statements()) == 1


def test_without_prepared_statements_the_read_answers_the_same(result_token, settings):
    # What DATABASE_PREPARED_STATEMENTS=False sets up (tests/test_settings.py): no threshold.
    settings.DATABASE_PREPARED_STATEMENTS = False
    connection.close()
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    assert Submission.objects.kind_of(result_token)[0] == result_token
    assert prepared_statements() == []


def test_a_column_changed_by_a_migration_does_not_break_the_kept_read(result_token):
    connection.close()
    before = Submission.objects.kind_of(result_token)
    # Another session (the deploy's migrate) changes the type of a column the plan reads:
    # PostgreSQL refuses the kept plan ("cached plan must not change result type").
    alter = "ALTER TABLE screening_submission ALTER COLUMN total_score TYPE {}"
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute(alter.format("integer"))
    try:
        assert Submission.objects.kind_of(result_token) == before
    finally:
        with psycopg.connect(shared_database_url(), autocommit=True) as other:
            other.execute(alter.format("smallint"))


def test_a_statement_the_server_lost_is_prepared_again(result_token):
    connection.close()
    before = Submission.objects.kind_of(result_token)
    # Behind psycopg's back, as a pooler handing over another server session would.
    connection.connection.pgconn.exec_(b"DEALLOCATE ALL")
    assert prepared_statements() == []
    assert Submission.objects.kind_of(result_token) == before
    assert len(prepared_statements()) == 1


def test_a_failing_prepared_read_inside_a_transaction_is_not_read_again(result_token):
    connection.close()
    Submission.objects.kind_of(result_token)
    connection.connection.pgconn.exec_(b"DEALLOCATE ALL")
    with pytest.raises(ProgrammingError), transaction.atomic():
        Submission.objects.kind_of(result_token)
