"""The shared cache on Redis, which falls back to each process's own memory while Redis is away.

Redis holds the throttles' counters and cached PDFs: nothing that is not also somewhere else or
cheap to make again. Losing it must not turn a person in crisis away, so every call that fails on
Redis is served from the process's memory instead, and Redis is tried again every
``RETRY_SECONDS``. Meanwhile limits are counted per process (a client may get through once per
process), and a PDF cached by one process is made again by another. One warning is logged when
Redis goes away and one line when it is back.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class Outages:
    """When Redis may next be tried, per location, shared by the process's threads (Django makes
    a cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at: dict[str, float] = {}

    def is_away(self, location: str) -> bool:
        return time.monotonic() < self.retry_at.get(location, 0.0)

    def went_away(self, location: str, error: Exception) -> None:
        with self.lock:
            first = location not in self.retry_at
            self.retry_at[location] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "Redis is unavailable (%s): limits and caches are per process until it is back.",
                type(error).__name__,
            )

    def came_back(self, location: str) -> None:
        with self.lock:
            was_away = self.retry_at.pop(location, None) is not None
        if was_away:
            logger.warning("Redis is back: limits and caches are shared again.")


outages = Outages()


def falls_back(name: str) -> Callable[..., Any]:
    def method(self, *args, **kwargs):
        if not outages.is_away(self.location):
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except redis.RedisError as error:
                outages.went_away(self.location, error)
            else:
                outages.came_back(self.location)
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or this process's memory while Redis is away."
    return method


class RedisWithFallbackCache(RedisCache):
    """Django's Redis cache, with this process's memory standing in while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.location = ",".join(self._servers)
        # Named, so the threads of a process share one memory (LocMemCache keeps it by name).
        self.fallback = LocMemCache(f"redis-fallback:{self.location}", params)

    def is_degraded(self) -> bool:
        """Whether Redis itself does not answer now (asked, not remembered)."""
        try:
            self._cache.get_client(write=True).ping()
        except redis.RedisError as error:
            outages.went_away(self.location, error)
            return True
        outages.came_back(self.location)
        return False

    add = falls_back("add")
    get = falls_back("get")
    set = falls_back("set")
    touch = falls_back("touch")
    delete = falls_back("delete")
    get_many = falls_back("get_many")
    has_key = falls_back("has_key")
    incr = falls_back("incr")
    set_many = falls_back("set_many")
    delete_many = falls_back("delete_many")
    clear = falls_back("clear")
