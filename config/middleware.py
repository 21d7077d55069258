import logging
import re
from dataclasses import asdict
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import urlsplit

import redis
from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.middleware import common, locale
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _

from config.national import NATIONAL_HOTLINES

logger = logging.getLogger(__name__)

# What a lost database or cache connection raises; anything else stays a 500.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


def is_api(request) -> bool:
    """Under /api/: JSON answers, errors included (the API docs too)."""
    return request.path_info.startswith("/api/")


class PassesTheApiBy:
    """A page middleware that the JSON API (/api/v1/) skips: it has no sessions, logins or
    messages (its views authenticate nobody), and every layer costs each of a rush's requests.

    The API docs under /api/ keep the whole stack. Works in async mode too: ``get_response``
    then returns the awaitable.
    """

    def __call__(self, request):
        if request.path_info.startswith("/api/v1/"):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(PassesTheApiBy, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(PassesTheApiBy, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(PassesTheApiBy, messages.MessageMiddleware):
    pass


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware for URLs without language prefixes, plus ``?lang=`` on the API.

    The language comes from the language cookie or ``Accept-Language``, as in Django; on the API
    from ``Accept-Language`` alone. API clients may also add ``?lang=en``: mini-programs and
    WebViews often cannot set request headers, but they can always add a query parameter; an
    unknown value is ignored. ``Content-Language`` reports the outcome.

    The site has no i18n_patterns (tests/test_translations.py holds that), so the language never
    comes from the path: Django's middleware would still look for a prefix in every path twice.
    """

    def process_request(self, request):
        if is_api(request):
            # Not from the language cookie: public answers are cached (max-age, CDN) by URL and
            # Accept-Language only, so a cookie's choice would reach people who never made it.
            language = translation.get_language_from_request(
                SimpleNamespace(COOKIES={}, META=request.META)
            )
            lang = request.GET.get("lang")
        else:
            language = translation.get_language_from_request(request)
            lang = None
        if lang:
            try:
                # Accepts the codes in settings.LANGUAGES and close variants ("en-US", "zh-CN").
                language = translation.get_supported_language_variant(lang.lower())
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class CommonMiddleware(common.CommonMiddleware):
    """Django's, except that an API address without its trailing slash is served, not redirected.

    Clients follow a redirected POST with a GET: the answers or the call-back request would be
    lost, and the person shown an error (with DEBUG on, Django even refuses with a 500).
    """

    def process_request(self, request):
        if request.method in ("GET", "HEAD") and is_api(request):
            # The API's GETs read public content or a person's own result: these preconditions
            # guard writes, and honouring them on a read only turns the hotlines, or a result,
            # into a bodiless 412 for a client (or proxy) that sends a stale one. If-None-Match
            # and If-Modified-Since (304) still work.
            request.META.pop("HTTP_IF_MATCH", None)
            request.META.pop("HTTP_IF_UNMODIFIED_SINCE", None)
        response = super().process_request(request)
        if response is None and is_api(request) and self.should_redirect_with_slash(request):
            request.path_info += "/"
            request.path += "/"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with inline styles allowed in the staff admin only.

    Django's change lists and the statistics page carry small ``<style>`` blocks and attributes;
    scripts stay the project's own files everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/") and parts.update is None:
            parts.update = {"style-src": [UNSAFE_INLINE]}
        return parts

    def process_response(self, request, response):
        # django-csp's own, but for where the policy string comes from: django-csp builds it anew
        # for every response (and again for report-only), a seventh of what a cached API answer
        # costs. Without a nonce it only depends on the settings and the view's decorators.
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them
        for report_only, header, setting in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            exempt = getattr(response, "_csp_exempt_ro" if report_only else "_csp_exempt", False)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if header in response or exempt or request.path_info.startswith(tuple(prefixes)):
                continue
            parts = self.get_policy_parts(request, response, report_only)
            if parts.nonce:
                policy = build_policy(**asdict(parts), report_only=report_only)
            else:
                policy = policy_without_nonce(
                    frozen(parts.config), frozen(parts.update), frozen(parts.replace), report_only
                )
            if policy:
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written would be in no policy.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def frozen(directives: dict | None) -> tuple | None:
    """A view's directives (csp_update and the like) as a key: source lists become tuples."""
    if directives is None:
        return None
    return tuple(
        (name, tuple(sorted(value) if isinstance(value, set) else value))
        if isinstance(value, list | tuple | set)
        else (name, value)
        for name, value in directives.items()
    )


def thawed(directives: tuple | None) -> dict | None:
    if directives is None:
        return None
    return {name: list(value) if isinstance(value, tuple) else value for name, value in directives}


@lru_cache(maxsize=64)
def policy_without_nonce(config, update, replace, report_only: bool) -> str:
    return build_policy(
        config=thawed(config),
        update=thawed(update),
        replace=thawed(replace),
        report_only=report_only,
    )


@receiver(setting_changed)
def forget_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        policy_without_nonce.cache_clear()


# Every URL that carries a result token (the result page, its PDF and call-back, the API result)
# and the API's submission, whose answer is a result.
# Without the trailing slash too: CommonMiddleware's redirect to it carries the token.
PRIVATE_PATH = re.compile(
    r"^/(r/[^/]+|api/v1/submissions/[^/]+|api/v1/questionnaires/[^/]+/submissions)(/|$)"
)


def is_private(request, response) -> bool:
    """Whether ``response`` shows or leads to one person's answers or result.

    Under a result token; any answer to a form or API write (a questionnaire sent back with the
    person's answers, the redirect to their new result, the language and text-size buttons'
    way back to it, a refused form's page linking back); any redirect to a result.
    """
    if PRIVATE_PATH.match(request.path_info) or request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    location = response.get("Location")
    return bool(location) and bool(PRIVATE_PATH.match(urlsplit(location).path))


class PrivateResultMiddleware:
    """Responses about a person's result: no shared or browser cache keeps them, no index."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request, response):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


OUTAGE_DETAIL = _(
    "The service is unavailable for a moment. Please try again in a few minutes. If you need to "
    "talk to someone now, call a hotline."
)
OUTAGE_RETRY_AFTER = 30  # seconds


def national_hotlines() -> list[dict]:
    """The national lines in the active language, from the code, not the database."""
    return [{k: str(v) for k, v in h.items()} for h in NATIONAL_HOTLINES]


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

    def process_exception(self, request, exception):
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
