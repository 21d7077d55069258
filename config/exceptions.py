from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from config.national import national_hotlines

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


def api_exception_handler(exc, context) -> Response | None:
    """DRF's handler, plus a JSON 413 for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE and the
    national hotlines on every refusal that is not a field error.

    Django raises RequestDataTooBig while DRF reads the body; left alone it becomes an HTML 400.
    """
    if isinstance(exc, RequestDataTooBig):
        response = Response(
            {"detail": _("Request body too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    else:
        response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and not names_fields(exc):
        with_hotlines(response.data)
    return response


def names_fields(exc) -> bool:
    """A field error, for the app to show beside its field; not a body that is JSON but no
    object at all (null, [], "x"), which has no field to show it by."""
    if not isinstance(exc, ValidationError):
        return False
    return not (isinstance(exc.detail, dict) and exc.detail.keys() == {NON_FIELD_ERRORS})


def with_hotlines(body: dict) -> dict:
    """``body`` with the national hotlines, as every API refusal but a field error has them.

    Whoever is turned away (too many requests, a questionnaire renamed while they answered
    it, an app that sent something unreadable) may be in crisis, and their answers may be lost:
    the help comes with the refusal. A field error (a missing answer, a mistyped phone number)
    is for the app to show beside that field; answers that already show a crisis carry the
    hotlines there too (screening.api_views.submissions.SubmissionCreate).
    """
    body.setdefault("hotlines", national_hotlines())
    return body
