"""Django's own page middleware, adapted: sessions, logins and messages are the staff admin's,
the language may come from ``?lang=`` on the API, and API addresses need no trailing slash.

The other concerns have modules of their own: config.csp, config.private_results, config.outage.
"""

import logging
from types import SimpleNamespace

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpResponseBase, HttpResponsePermanentRedirect
from django.middleware import common, locale
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


def is_api(request) -> bool:
    """Under /api/: JSON answers, errors included (the API docs too)."""
    return request.path_info.startswith("/api/")


def needs_staff_layers(path: str) -> bool:
    """Whether ``path`` is the staff admin's (or the API docs'), which sessions, logins and
    messages serve. The villagers' pages and the JSON API (/api/v1/) have none: they use
    cookies of their own (language, text size, age band, CSRF) and authenticate nobody."""
    return path.startswith(("/admin/", "/api/")) and not path.startswith("/api/v1/")


class StaffOnly:
    """A page middleware that only the staff admin (and the API docs) go through: every layer
    costs each request of a rush, and a villager's result page is the request a rush is made of.

    Works in async mode too: ``get_response`` then returns the awaitable.
    """

    def __call__(self, request):
        if not needs_staff_layers(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(StaffOnly, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(StaffOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(StaffOnly, messages.MessageMiddleware):
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

    def process_request(self, request) -> None:
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

    def process_response(self, request, response) -> HttpResponseBase:
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class CommonMiddleware(common.CommonMiddleware):
    """Django's, except that an API address without its trailing slash is served, not redirected.

    Clients follow a redirected POST with a GET: the answers or the call-back request would be
    lost, and the person shown an error (with DEBUG on, Django even refuses with a 500).
    """

    def process_request(self, request) -> HttpResponsePermanentRedirect | None:
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
