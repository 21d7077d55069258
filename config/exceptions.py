from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.middleware import national_hotlines


def api_exception_handler(exc, context):
    """DRF's handler, plus a JSON 413 for bodies over DATA_UPLOAD_MAX_MEMORY_SIZE and the
    national hotlines on a 429.

    Django raises RequestDataTooBig while DRF reads the body; left alone it becomes an HTML 400.
    """
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("Request body too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = exception_handler(exc, context)
    if isinstance(exc, Throttled):
        # Whoever is turned away may be in crisis: the hotlines come with the refusal.
        response.data["hotlines"] = national_hotlines()
    return response
