"""Request bodies: a chunked one read whole, and one too large or of files refused unread.

Answer sheets and call-back requests are a few hundred bytes, and no public form takes a file.
Without these checks a file posted to a public form was received whole (200 MB in under a
second, on a phone's data plan at the other end) before Django refused it; and a body sent in
chunks, without a Content-Length, was read by Django as empty: an answer sheet showing thoughts
of self-harm was refused as "answers required", without the crisis help.
"""

import io
from wsgiref.types import WSGIApplication

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


def read_chunked_bodies(application) -> WSGIApplication:
    """The WSGI ``application``, given a chunked request's body with its length.

    Django reads no body without a Content-Length. Gunicorn takes the chunks apart and says so
    (``wsgi.input_terminated``); at most the limit and one byte more are read, so that
    RequestBodyMiddleware still refuses a body over the limit. Servers that cannot end the body
    (Django's runserver) are left as they are.
    """

    def with_chunked_body(environ, start_response):
        if (
            environ.get("wsgi.input_terminated")
            and not environ.get("CONTENT_LENGTH")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            limit = body_limit(environ.get("PATH_INFO", ""))
            body = environ["wsgi.input"].read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return application(environ, start_response)

    return with_chunked_body


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
