"""Reads made for the kept database connection: its own health check, and planned once.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before a request's first query on a kept
connection, so that a connection the server dropped (a restart, a failover) is replaced instead of
failing the request. On the result page, which makes one small read, that check was a second
round trip to the database on every villager's page. Here the read itself finds a dead
connection: on failure, when the connection no longer works, it connects again and reads again.
A plain read may run twice; nothing that writes may use this.

PostgreSQL plans each of Django's queries anew (Django binds parameters on the client, and never
prepares). Planning the result page's read cost the server three times what running it did, so
that read is prepared: planned once per kept connection (``fetch_one_prepared``).
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.db import (
    InterfaceError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    connection,
)

from config.watchdog import server_binding_cursor

T = TypeVar("T")


def read_on_kept_connection(read: Callable[[], T]) -> T:
    """``read()`` (queries that change nothing), without the health check's extra round trip."""
    unchecked = (
        connection.connection is not None
        and not connection.health_check_done
        # Inside a transaction a lost connection loses the transaction: no reading again.
        and not connection.in_atomic_block
    )
    if not unchecked:  # a fresh connection, or one this request has already used
        return read()
    # The read below stands in for the check, for this request's later queries as well.
    connection.health_check_done = True
    try:
        return read()
    except (OperationalError, InterfaceError):
        # A slow statement or a lock timeout on a working connection is no reason to read again.
        if connection.is_usable():
            raise
        connection.close()
        return read()


def fetch_one_prepared(sql: str, params: Sequence) -> tuple | None:
    """The first row ``sql`` selects, as a plain cursor's ``fetchone()``; on PostgreSQL planned
    once per kept connection (unless ``DATABASE_PREPARED_STATEMENTS`` is off). Only for reads."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    try:
        return _fetch_one_bound_on_server(sql, params)
    except (NotSupportedError, ProgrammingError):
        # The kept plan no longer fits: a migration changed a column it reads ("cached plan must
        # not change result type"), or the statement is gone (a pooler switched server sessions).
        # Inside a transaction the failed statement has aborted it: nothing to read again.
        if connection.in_atomic_block or not settings.DATABASE_PREPARED_STATEMENTS:
            raise
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # psycopg forgets its prepared statements too
        return _fetch_one_bound_on_server(sql, params)


def _fetch_one_bound_on_server(sql: str, params: Sequence) -> tuple | None:
    connection.ensure_connection()
    # psycopg prepares only what a cursor binding on the server runs (Django's bind on the
    # client), as soon as the connection's prepare_threshold (settings.DATABASES) allows.
    raw = server_binding_cursor(connection.connection)
    # As connection.cursor() wraps its own: errors as Django's, and counted in tests and DEBUG.
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
