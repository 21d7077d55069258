"""The API toolkit every app's views use: documented refusals, public caching, anonymity."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.http import conditional_page
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# Documented responses shared by every API view.
def error_response(description: str, detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(description, value={"detail": detail})],
    )


TOO_LARGE = error_response("Request body over 64 KB", "Request body too large.")
NOT_JSON = error_response(
    "Body is not JSON",
    'Unsupported media type "application/x-www-form-urlencoded" in request.',
)
THROTTLED = error_response(
    "Too many requests from this client",
    "Request was throttled. Expected available in 42 seconds.",
)
NOT_MODIFIED = OpenApiResponse(
    description="Not modified (no body): the `If-None-Match` sent equals the current `ETag`, or, "
    "where the response has a `Last-Modified`, nothing changed since the `If-Modified-Since` sent."
)

# Public, non-personal GET endpoints answer a conditional request with 304. Their ETag is a hash
# of the rendered body, so it changes with the data and with the language of the response.
conditional_on_body = method_decorator(conditional_page, name="dispatch")
# Public, non-personal content: a CDN, proxy or phone may keep it for a minute, which absorbs a
# campaign's rush. A new questionnaire version or a hotline edit reaches everyone within that
# minute; a submission names the version it was shown, so an answer to the old one still counts.
PUBLIC_MAX_AGE = 60


def mark_public(response) -> HttpResponseBase:
    """Mark a successful answer (200, 304) public for PUBLIC_MAX_AGE; errors are not kept."""
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def cache_publicly(view) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_public(view(request, *args, **kwargs))

    return wrapper


public_content = method_decorator(cache_publicly, name="dispatch")
# A result is one person's answers: config.private_results.PrivateResultMiddleware marks every
# answer under a result token, and the submission's, "private, no-store" (and noindex).


class Anonymous:
    """For the views every visitor calls: DRF's authentication step is skipped, not run.

    The API authenticates nobody (no authentication classes), so the step only finds that out
    again on each request; ``request.user`` still answers (None) if anything asks.
    """

    def perform_authentication(self, request) -> None:
        pass
