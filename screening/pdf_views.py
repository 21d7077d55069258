"""Downloads of the printable sheets; the rendering and its cache live in screening.sheets."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer
from screening import sheets
from screening.api_views.submissions import result_or_404
from screening.converters import TokenConverter
from screening.models import QuestionnaireVersion, Submission

# A result is one person's answers: like every result, no cache keeps it (not even a clinic's
# shared browser); the server keeps the rendered PDF instead, so a new download is still cheap.
RESULT_CACHE_CONTROL = "private, no-store"
# A blank form is the same for everyone who reads its language.
BLANK_CACHE_CONTROL = f"private, max-age={60 * 60}"


def sheet_headers(filename: str, cache_control: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": cache_control,
        "X-Robots-Tag": "noindex",
    }


def result_sheet(request, submission: Submission) -> bytes:
    result_url = request.build_absolute_uri(submission.result_path())
    # ?words=1: the person chose to print what they wrote, for the clinician.
    with_words = request.GET.get("words") == "1"
    return sheets.result_sheet_pdf(submission, result_url=result_url, with_words=with_words)


@require_safe
def result_pdf(request, token: str) -> HttpResponse:
    """The printable result sheet, in the language the test was taken in."""
    submission = get_object_or_404(Submission.objects.for_display(), token=token)
    headers = sheet_headers(sheets.result_sheet_filename(submission), RESULT_CACHE_CONTROL)
    return HttpResponse(
        result_sheet(request, submission), content_type="application/pdf", headers=headers
    )


@require_safe
def questionnaire_pdf(request, slug: str) -> HttpResponse:
    """The current version of a questionnaire on paper, with the clinician's scoring key."""
    try:
        version = QuestionnaireVersion.objects.current_for(slug)
    except QuestionnaireVersion.DoesNotExist:
        raise Http404(_("No such self-test.")) from None
    form_url = request.build_absolute_uri(reverse("questionnaire", args=[slug]))
    headers = sheet_headers(sheets.blank_questionnaire_filename(version), BLANK_CACHE_CONTROL)
    response = HttpResponse(
        sheets.blank_questionnaire_pdf(version, form_url=form_url),
        content_type="application/pdf",
        headers=headers,
    )
    # Its language may come from the language cookie: a browser must not keep one language's
    # sheet for a doctor who has just switched to the other.
    patch_vary_headers(response, ("Cookie",))
    return response


class PDFRenderer(BaseRenderer):
    """Lets content negotiation accept application/pdf and passes the PDF through.

    An error (such as 404) is still JSON, like every other error of the API.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        renderer_context["response"]["Content-Type"] = JSONRenderer.media_type
        return JSONRenderer().render(data)


class SubmissionPdf(APIView):
    renderer_classes = [PDFRenderer]

    def perform_content_negotiation(self, request, force=False) -> tuple[BaseRenderer, str]:
        # There is only a PDF to offer: a client asking for JSON (a generated API client does)
        # still gets its 404 as JSON, or the PDF, never a 406 that hides an unknown token.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Printable result sheet (PDF)",
        description="The A4 result sheet of a stored result, as the result page links it "
        "(`pdf_url`): the answers, the score and band, the next step for the tier, the hotlines "
        "serving the channel's region and a QR code back to the online result. In the language "
        "the test was taken in. A crisis sheet leads with the hotlines and the safety message. "
        "No personal data: a call-back phone number never appears.\n\n"
        "Sent whatever the `Accept` header says; an unknown token is a JSON 404. Like every "
        "result it is `Cache-Control: private, no-store`; the server keeps the rendered sheet, "
        "so fetching it again is cheap. The `Content-Disposition` file name reads like "
        "`phq-9-result-TZ9wfC15.pdf`.",
        parameters=[
            OpenApiParameter(
                "token",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=f"^{TokenConverter.regex}$",
                description="The result's token, as returned when the answers were submitted.",
                examples=[OpenApiExample("Token", value="TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw")],
            ),
            OpenApiParameter(
                "words",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["1"],
                description="`1`: print the person's own words (the free-text answers) for "
                "the clinician, only when the person chose to. Without it the sheet leaves them "
                "out.",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A4 result sheet (PDF), usually one page.",
            ),
            (404, "application/json"): OpenApiResponse(
                ErrorSerializer,
                description="No result with this token",
                examples=[
                    OpenApiExample(
                        "No result with this token",
                        value={"detail": "No result with this token."},
                    )
                ],
            ),
        },
    )
    def get(self, request, token: str) -> Response:
        """The printable result sheet of a stored result, by its token."""
        submission = result_or_404(token)
        headers = sheet_headers(sheets.result_sheet_filename(submission), RESULT_CACHE_CONTROL)
        return Response(result_sheet(request, submission), headers=headers)
