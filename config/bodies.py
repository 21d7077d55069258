"""Request bodies: one too large, or of files, refused before anything reads it.

Answer sheets and call-back requests are a few hundred bytes, and no public form takes a file.
Without these checks a file posted to a public form was received whole (200 MB in under a
second, on a phone's data plan at the other end) before Django refused it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import UnsupportedMediaType

from config.middleware import is_api
from config.views import api_error, plain_error_page


def is_admin(path_info: str) -> bool:
    """The staff admin, which takes files (a questionnaire version's JSON export)."""
    return path_info.startswith("/admin/")


def body_limit(path_info: str) -> int:
    """The largest body a request to ``path_info`` may send, in bytes."""
    if is_admin(path_info):
        return settings.ADMIN_MAX_BODY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestBodyMiddleware:
    """Refuses, by its headers alone, a body over the path's limit (413) and, outside the staff
    admin, one of files (415: multipart/form-data), with the hotlines.

    Before anything reads the body (CsrfViewMiddleware reads request.POST); after
    LocaleMiddleware, so the refusal speaks the visitor's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if length > body_limit(request.path_info):
            return refusal(request, 413)
        if request.content_type == "multipart/form-data" and not is_admin(request.path_info):
            return refusal(request, 415)
        return self.get_response(request)


def refusal(request, status: int) -> HttpResponse:
    """JSON with the hotlines on the API, as its other refusals; a page with 12356 elsewhere."""
    if is_api(request):
        if status == 413:
            detail = _("Request body too large.")
        else:
            detail = UnsupportedMediaType(request.content_type).detail
        return api_error({"detail": str(detail)}, status=status)
    return HttpResponse(plain_error_page(request, f"{status}.html"), status=status)
