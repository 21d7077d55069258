"""A few seconds' memory, per process, of the rows that every result repeats.

During a campaign thousands of results in a row list the same hotlines, articles and sessions.
Each process reads them at most once every ``RECENT_SECONDS`` instead of on every request. An edit
saved in admin shows at once in the process that saved it and everywhere else within those seconds.
"""

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache, cached
from cachetools.keys import hashkey
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

RECENT_SECONDS = 5
_remembering: list[Callable] = []


def forget_recent_reads() -> None:
    """Read everything again on next use (after an edit; between tests)."""
    for function in _remembering:
        # Under the function's own lock: a clear racing an insert would corrupt the cache.
        function.cache_clear()


def _forget_after_edit(**_signal) -> None:
    forget_recent_reads()
    # Another thread may read the old row again before the edit commits: forget again after.
    transaction.on_commit(forget_recent_reads)


def recent(*models: str, key: Callable = hashkey) -> Callable:
    """Remember the function's result per arguments for up to ``RECENT_SECONDS``.

    ``models`` ("app_label.Model", or an automatic many-to-many "app_label.Model_field") are the
    rows it reads: saving or deleting one forgets everything remembered. Results are shared
    between requests, so return tuples and never change the rows in them. ``key`` makes what
    the result depends on from the arguments, when that is less than all of them.
    """

    def window_key(*args, **kwargs):
        # The current window of wall-clock time is part of the key, so tests that move the clock
        # never see a value from another time; the TTL (monotonic) retires every value anyway,
        # even if the wall clock steps back.
        return (int(time.time() // RECENT_SECONDS), key(*args, **kwargs))

    def decorate(function: Callable) -> Callable:
        for model in models:
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(_forget_after_edit, sender=model, weak=False)
        cache = TTLCache(maxsize=256, ttl=RECENT_SECONDS)
        remembering = cached(cache, key=window_key, lock=threading.Lock())(function)
        _remembering.append(remembering)
        return remembering

    return decorate


# For serializers of rows that ``recent`` shares: each row is serialised once per language.
# Serialising a row costs more than reading it; a shared row is serialised on first use and its
# representation kept on the row for as long as the row is remembered. The key holds everything
# else a representation depends on: language, time zone, and the site and mount of addresses.
# (A comment, not a docstring: the API schema would show a docstring as the serializers' own.)
class RememberedRepresentation:
    @classmethod
    def represent(cls, rows, context: dict | None = None) -> list[dict]:
        """What ``cls(rows, many=True, context=context).data`` gives, without building a list
        serializer and its fields for each call."""
        serializer = cls(context=context or {})
        key = serializer.representation_key()
        return [serializer.remembered(row, key) for row in rows]

    def representation_key(self) -> tuple:
        request = self.context.get("request")
        return (
            type(self),
            get_language(),
            timezone.get_current_timezone_name(),
            request.build_absolute_uri("/") if request else "",
            get_script_prefix(),  # where the site is mounted: part of the rows' addresses
        )

    def remembered(self, row, key: tuple) -> dict:
        kept = row.__dict__.setdefault("_representations", {})
        if key not in kept:
            kept[key] = super().to_representation(row)
        # A copy: the caller may change its dict, never the one kept for the next request.
        return dict(kept[key])

    def to_representation(self, instance) -> dict:
        return self.remembered(instance, self.representation_key())
