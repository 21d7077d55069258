"""A read that is its own health check of the kept database connection.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before a request's first query on a kept
connection, so that a connection the server dropped (a restart, a failover) is replaced instead of
failing the request. On the result page, which makes one small read, that check was a second
round trip to the database on every villager's page. Here the read itself finds a dead
connection: on failure, when the connection no longer works, it connects again and reads again.
A plain read may run twice; nothing that writes may use this.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

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
