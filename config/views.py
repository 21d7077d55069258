"""Error views: JSON under /api/, as DRF's own errors are; the friendly pages everywhere else."""

from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import defaults

from config.exceptions import with_hotlines
from config.middleware import is_api


def page_not_found(request, exception) -> HttpResponse:
    """An API URL that matches no route (a malformed slug, say) is a JSON 404 like any other."""
    if is_api(request):
        return api_error({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception) -> HttpResponse:
    """A request Django refuses (a form with too many fields, say), with the hotline too."""
    if is_api(request):
        return api_error({"detail": gettext("Bad request.")}, status=400)
    return HttpResponseBadRequest(plain_error_page(request, "400.html"))


def server_error(request) -> HttpResponse:
    """The API's 500 carries the hotlines too, like its 503; pages get templates/500.html."""
    if is_api(request):
        return api_error({"detail": gettext("A server error occurred.")}, status=500)
    return HttpResponseServerError(plain_error_page(request, "500.html"))


def api_error(body: dict, status: int) -> JsonResponse:
    """An API refusal made outside DRF, with the hotlines as DRF's own (config.exceptions)."""
    return JsonResponse(
        with_hotlines(body), status=status, json_dumps_params={"ensure_ascii": False}
    )


def csrf_failure(request, reason="") -> HttpResponseForbidden:
    """A form refused for its missing or stale security token, with a way back to that form.

    Back to the same address (on the call-back form: the person's result, which a GET of it
    leads to), so someone in crisis is not sent back to the start; for the language and
    text-size buttons, back to the page they were pressed on.
    """
    # The language and text-size buttons say which page they came from; they have no page.
    back = this_site(request, request.POST.get("next") or request.path, fallback="/")
    html = loader.render_to_string("403_csrf.html", {"back": back}, request)
    return HttpResponseForbidden(html)


def this_site(request, address: str | None, *, fallback: str) -> str:
    """``address`` if it leads to a page of this site (a form's ``next``), else ``fallback``:
    never on to another site ("//elsewhere/…")."""
    if address and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return address
    return fallback


def plain_error_page(request, template: str) -> str:
    # As Django's own: no request context, which could fail again; but the CSP nonce, which the
    # page's one inline <style nonce="{{ csp_nonce }}"> needs.
    nonce = str(getattr(request, "csp_nonce", ""))
    return loader.render_to_string(template, {"csp_nonce": nonce})
