"""While the database cannot be reached: a 503 that still gives the crisis hotlines."""

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from config.middleware import is_api
from config.national import NATIONAL_HOTLINES, national_hotlines

logger = logging.getLogger(__name__)

# What a lost database or cache connection raises; anything else stays a 500.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)

OUTAGE_DETAIL = _(
    "The service is unavailable for a moment. Please try again in a few minutes. If you need to "
    "talk to someone now, call a hotline."
)
OUTAGE_RETRY_AFTER = 30  # seconds


def outage_body() -> dict:
    """The API's 503 body, in the active language."""
    return {"detail": str(OUTAGE_DETAIL), "hotlines": national_hotlines()}


class ServiceUnavailableMiddleware:
    """A friendly 503 with the crisis hotlines when the database (or Redis) cannot be reached.

    Pages get templates/503.html, rendered without a request context so that nothing on the way
    touches the database; the API gets JSON. Nothing is kept: the next request tries again, so
    the service resumes by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        logger.warning("%s: %s", type(exception).__name__, exception)
        if is_api(request):
            response = JsonResponse(
                outage_body(), status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            html = render_to_string(
                "503.html",
                {"hotlines": NATIONAL_HOTLINES, "csp_nonce": getattr(request, "csp_nonce", "")},
            )
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
        add_never_cache_headers(response)
        return response
