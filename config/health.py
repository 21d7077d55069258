"""Health endpoints for a load balancer or orchestrator (JSON, never cached, not throttled)."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def liveness(request):
    """The process answers. Touches nothing else, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def cache_ok() -> bool:
    try:
        cache.set("readyz", "ok", timeout=10)
        return cache.get("readyz") == "ok"
    except Exception:  # Redis client errors have no common Django base class.
        return False


@never_cache
def readiness(request):
    """Ready for traffic: the database and the cache both answer; 503 otherwise."""
    checks = {"database": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **body}, status=200 if ready else 503
    )
