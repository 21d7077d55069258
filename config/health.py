"""Health endpoints for a load balancer or orchestrator (JSON, never cached, not throttled)."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def liveness(request) -> JsonResponse:
    """The process answers. Touches nothing else, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def cache_state() -> str:
    """ "ok"; "degraded" while Redis is away and each process uses its own memory (config.cache);
    "unavailable" if the cache fails outright."""
    if hasattr(cache, "is_degraded"):
        return "degraded" if cache.is_degraded() else "ok"
    try:
        cache.set("readyz", "ok", timeout=10)
        return "ok" if cache.get("readyz") == "ok" else "unavailable"
    except Exception:  # cache clients' errors have no common Django base class.
        return "unavailable"


@never_cache
def readiness(request) -> JsonResponse:
    """Ready for traffic while the database answers.

    A degraded cache (Redis away) is reported but keeps the instance in service: every instance
    shares Redis, so failing on it would take the whole fleet out of the load balancer at once,
    while each can serve, with per-process limits, on its own.
    """
    database = "ok" if database_ok() else "unavailable"
    cached = cache_state()
    ready = database == "ok" and cached != "unavailable"
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "database": database, "cache": cached},
        status=200 if ready else 503,
    )
