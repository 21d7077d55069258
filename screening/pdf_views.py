"""Downloads of the printable sheets; the rendering and its cache live in screening.sheets."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from screening import sheets
from screening.models import QuestionnaireVersion, Submission
from screening.serializers import ErrorSerializer

# A result's next steps change as sessions pass; a browser may keep a download this long.
RESULT_MAX_AGE = sheets.CACHE_SECONDS
BLANK_MAX_AGE = 60 * 60


def sheet_headers(filename: str, max_age: int) -> dict[str, str]:
    return {
        "Content-Disposition": f'inline; filename="{filename}"',
        # Results are personal: the person's own browser may keep a copy, a shared cache never.
        "Cache-Control": f"private, max-age={max_age}",
        "X-Robots-Tag": "noindex",
    }


def result_sheet(request, submission: Submission) -> bytes:
    result_url = request.build_absolute_uri(submission.get_absolute_url())
    return sheets.result_sheet_pdf(submission, result_url=result_url)


@require_safe
def result_pdf(request, token: str):
    """The printable result sheet, in the language the test was taken in."""
    submission = get_object_or_404(Submission.objects.for_display(), token=token)
    headers = sheet_headers(sheets.result_sheet_filename(submission), RESULT_MAX_AGE)
    return HttpResponse(
        result_sheet(request, submission), content_type="application/pdf", headers=headers
    )


@require_safe
def questionnaire_pdf(request, slug: str):
    """The current version of a questionnaire on paper, with the clinician's scoring key."""
    try:
        version = QuestionnaireVersion.objects.current_for(slug)
    except QuestionnaireVersion.DoesNotExist:
        raise Http404(_("No such self-test.")) from None
    form_url = request.build_absolute_uri(reverse("questionnaire", args=[slug]))
    headers = sheet_headers(sheets.blank_questionnaire_filename(version), BLANK_MAX_AGE)
    return HttpResponse(
        sheets.blank_questionnaire_pdf(version, form_url=form_url),
        content_type="application/pdf",
        headers=headers,
    )


class PDFRenderer(BaseRenderer):
    """Lets content negotiation accept application/pdf and passes the PDF through.

    An error (such as 404) is still JSON, like every other error of the API.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        renderer_context["response"]["Content-Type"] = JSONRenderer.media_type
        return JSONRenderer().render(data)


class SubmissionPdf(APIView):
    renderer_classes = [PDFRenderer]

    @extend_schema(
        summary="Printable result sheet (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A4 result sheet in the language the test was taken in. A crisis "
                "sheet leads with the hotlines. Contains no personal data.",
            ),
            (404, "application/json"): ErrorSerializer,
        },
    )
    def get(self, request, token: str):
        """The printable result sheet of a stored result, by its token."""
        submission = Submission.objects.for_display().filter(token=token).first()
        if submission is None:
            raise NotFound(_("No result with this token."))
        headers = sheet_headers(sheets.result_sheet_filename(submission), RESULT_MAX_AGE)
        return Response(result_sheet(request, submission), headers=headers)
