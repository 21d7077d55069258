"""Database waits that nothing else would end, ended in the web process.

PostgreSQL ends a statement past DATABASE_STATEMENT_TIMEOUT itself, and the TCP user timeout
gives up a connection whose peer vanished. Neither helps when something keeps a kept connection
open and never answers (a server process stuck on its disk, a proxy whose database has gone):
the statement would wait for ever, and under gunicorn's threads nothing ends a slow request.
So each statement is watched, and one still waiting a second past the server's own limit has its
connection shut down: the wait ends in an OperationalError, the 503 with the hotlines, and the
next request connects afresh.
"""

import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

import psycopg
from django.conf import settings
from django.db.backends.postgresql.base import Cursor, ServerBindingCursor
from django.db.backends.signals import connection_created

GRACE = 1.0  # seconds past the server's limit, by when a live server has answered with its error

_waits: dict[int, tuple[float, int]] = {}  # thread → (deadline, its connection's socket)
_lock = threading.Lock()
_watcher: threading.Thread | None = None


def watch_database_waits() -> None:
    """Watch the statements of every PostgreSQL connection this process opens from now on."""
    connection_created.connect(watch_connection)


def watch_connection(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or not settings.DATABASE_STATEMENT_TIMEOUT:
        return
    connection.connection.cursor_factory = WatchedCursor
    global _watcher
    with _lock:
        # Started here, in the process that connects: a thread started before a fork is lost.
        if _watcher is None or not _watcher.is_alive():
            _watcher = threading.Thread(target=watch, name="database watchdog", daemon=True)
            _watcher.start()


class Watched:
    """A cursor whose statements are watched."""

    def execute(self, *args, **kwargs) -> Self:
        with waiting(self.connection):
            return super().execute(*args, **kwargs)

    def executemany(self, *args, **kwargs) -> None:
        with waiting(self.connection):
            return super().executemany(*args, **kwargs)


class WatchedCursor(Watched, Cursor):
    """Django's cursor, its statements watched (Django's own health check's included)."""


class WatchedServerBindingCursor(Watched, ServerBindingCursor):
    """A cursor binding on the server (config.kept_connections), its statements watched."""


def server_binding_cursor(raw: psycopg.Connection) -> psycopg.Cursor:
    """A cursor on ``raw`` that binds its parameters on the server (which psycopg can prepare),
    watched when the connection's own cursors are: not watched, it would wait for ever."""
    if issubclass(raw.cursor_factory, Watched):
        return WatchedServerBindingCursor(raw)
    return ServerBindingCursor(raw)


@contextmanager
def waiting(connection) -> Iterator[None]:
    thread = threading.get_ident()
    deadline = time.monotonic() + settings.DATABASE_STATEMENT_TIMEOUT + GRACE
    with _lock:
        _waits[thread] = (deadline, connection.fileno())
    try:
        yield
    finally:
        with _lock:
            _waits.pop(thread, None)


def watch() -> None:
    while True:
        time.sleep(0.25)
        now = time.monotonic()
        with _lock:
            # Under the lock, the waiting thread is still in its statement: the socket is its own.
            for thread, (deadline, fd) in list(_waits.items()):
                if deadline < now:
                    shut_down(fd)
                    _waits[thread] = (math.inf, fd)


def shut_down(fd: int) -> None:
    """End every wait on the socket ``fd``; its owner closes it (fromfd works on a copy)."""
    try:
        with socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM) as copy:
            copy.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
