"""A few seconds' memory, per process, of the rows that every result repeats.

During a campaign thousands of results in a row list the same hotlines, articles and sessions.
Each process reads them at most once every ``RECENT_SECONDS`` instead of on every request. An edit
in admin shows at once in the process that saved it and everywhere else within those seconds.
"""

import threading
import time
from collections.abc import Callable

from cachetools import LRUCache, cached
from cachetools.keys import hashkey
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

RECENT_SECONDS = 5
_caches: list[LRUCache] = []


def forget_recent_reads(**_signal) -> None:
    """Read everything again on next use (after an edit; between tests)."""
    for cache in _caches:
        cache.clear()


def recent(*models: str) -> Callable:
    """Remember the function's result per arguments for up to ``RECENT_SECONDS``.

    ``models`` ("app_label.Model") are the rows it reads: saving or deleting one forgets
    everything remembered. Results are shared between requests, so return tuples and never change
    the rows in them.
    """

    def key(*args, **kwargs):
        # The current window of wall-clock time is part of the key: a value lives in one window
        # only, and tests that move the clock never see a value from another time.
        return hashkey(int(time.time() // RECENT_SECONDS), *args, **kwargs)

    def decorate(function: Callable) -> Callable:
        cache = LRUCache(maxsize=256)
        _caches.append(cache)
        for model in models:
            post_save.connect(forget_recent_reads, sender=model, weak=False)
            post_delete.connect(forget_recent_reads, sender=model, weak=False)
        return cached(cache, key=key, lock=threading.Lock())(function)

    return decorate


# For serializers of rows that ``recent`` shares: each row is serialised once per language.
# Serialising a row costs more than reading it; a shared row is serialised on first use and its
# representation kept on the row for as long as the row is remembered. The key holds everything
# else a representation depends on: language, time zone and the site of absolute URLs.
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
        )

    def remembered(self, row, key: tuple) -> dict:
        kept = row.__dict__.setdefault("_representations", {})
        if key not in kept:
            kept[key] = super().to_representation(row)
        # A copy: the caller may change its dict, never the one kept for the next request.
        return dict(kept[key])

    def to_representation(self, instance):
        return self.remembered(instance, self.representation_key())
