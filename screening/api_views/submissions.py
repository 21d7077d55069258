"""Answer sheets: taken, scored and stored, and the stored result read back by its token."""

from collections.abc import Mapping

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ages import age_band_or_none
from config.api import NOT_JSON, THROTTLED, TOO_LARGE, Anonymous, error_response
from referrals.serializers import HotlineSerializer
from screening import scoring
from screening.api_examples import CRISIS_SAFETY, HOTLINE_12356, HOTLINE_HOPE24, RESULT_EXAMPLES
from screening.api_views.questionnaires import current_version_or_404
from screening.models import Channel, QuestionnaireVersion, Submission, active_channel
from screening.recommendations import crisis_help
from screening.result_body import result_response, write_result_body
from screening.result_serializers import SubmissionSerializer
from screening.serializers import SubmissionInputSerializer
from screening.throttling import SubmissionRateThrottle

UNKNOWN_VERSION = _("This questionnaire has no published version with this number.")
ANSWER_ERRORS = {
    "required": _("This question needs an answer."),
    "unknown_question": _("This questionnaire has no question with this code."),
    "not_integer": _("The answer must be one of the option values, given as a whole number."),
    "invalid_choice": _("The answer is not one of this question's option values."),
    "not_text": _("A free-text answer must be a string."),
    "too_long": _("The answer is longer than this question's max_length."),
}


NOT_FOLLOWED = _(
    "No result with this token leads on to this questionnaire: use the token of a result whose "
    "`next` names it."
)
NOT_CARRIED = _(
    "This answer was carried over from the result named in `follows`, with another value."
)


NOT_FOUND = error_response("Not found", "No result with this token.")


def result_or_404(token: str) -> Submission:
    """The stored result with ``token``, ready to show; a 404 in the API's words otherwise."""
    submission = Submission.objects.for_display().filter(token=token).first()
    if submission is None:
        raise NotFound(_("No result with this token."))
    return submission


class SubmissionCreate(Anonymous, APIView):
    throttle_classes = [SubmissionRateThrottle]

    @extend_schema(
        request=SubmissionInputSerializer,
        responses={
            201: SubmissionSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Invalid body; nothing is stored. Field errors name the field; answer "
                "errors are keyed by question code under `answers`. A body that is not JSON at "
                "all is `detail` with the national `hotlines`; JSON that is no object (`null`, "
                "`[]`) is `non_field_errors` with them. A `follows` token that is unknown or "
                "does not lead on to this questionnaire is refused under `follows`; an answer "
                "it carries sent with another value, under `answers`. When the answers that "
                "were given already show a crisis (PHQ-9 item 9 above 0, or answered with "
                "anything but its lowest value or nothing), the body also has `crisis: "
                "true`, the `safety_message` and the `hotlines` (12356 first): show them first, "
                "as on a result.",
                examples=[
                    OpenApiExample(
                        "Missing and invalid answers",
                        value={
                            "answers": {
                                "phq9_2": [
                                    "The answer is not one of this question's option values."
                                ],
                                "phq9_9": ["This question needs an answer."],
                            }
                        },
                    ),
                    OpenApiExample(
                        "Answers missing, thoughts of self-harm given",
                        value={
                            "answers": {"phq9_1": ["请回答这道题。"]},
                            "crisis": True,
                            "safety_message": CRISIS_SAFETY,
                            "hotlines": [HOTLINE_12356, HOTLINE_HOPE24],
                        },
                    ),
                ],
            ),
            404: error_response(
                "No such questionnaire", "No published questionnaire with this slug."
            ),
            413: TOO_LARGE,
            415: NOT_JSON,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "PHQ-9 answers",
                value={
                    "answers": {
                        f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 1, 1, 0, 0, 0, 1), 1)
                    },
                    "channel": "demo",
                },
                request_only=True,
            ),
            OpenApiExample(
                "PHQ-9 after the quick check (items 1 and 2 carried over)",
                value={
                    "answers": {f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 0, 0, 0, 1), 3)},
                    "follows": "Qk4xW2sTbumseSaCs5-UeBgZ-6-nirwA",
                },
                request_only=True,
            ),
            *RESULT_EXAMPLES,
        ],
    )
    def post(self, request, slug: str) -> HttpResponse:
        """Score a completed questionnaire and store the result; answers the result body.

        The result is private to the person who took the test: it is sent with
        `Cache-Control: private, no-store`.
        """
        version = current_version_or_404(slug)
        form = SubmissionInputSerializer(data=request.data)
        if not form.is_valid():
            # Whatever is wrong with the sheet, answers that show a crisis get the help with
            # the refusal; the current version is the best guess at what they answered.
            data = request.data if isinstance(request.data, Mapping) else {}
            try:
                # Read as the form reads it (" demo " is the demo poster), though the rest failed.
                code = form.fields["channel"].run_validation(data.get("channel"))
            except ValidationError:
                code = None
            return self.refused(
                form.errors,
                crisis=version.shows_crisis(data.get("answers")),
                channel=active_channel(code) if code else None,
                minor=version.questionnaire.takers_are_minors(
                    age_band_or_none(data.get("age_band"))
                ),
            )
        channel_code = form.validated_data.get("channel")
        # An unknown or retired poster code must never stop someone from getting their result.
        channel = active_channel(channel_code) if channel_code else None
        answers = form.validated_data["answers"]
        age_band = form.validated_data.get("age_band") or ""
        minor = version.questionnaire.takers_are_minors(age_band)
        shown = form.validated_data.get("version")
        try:
            version = QuestionnaireVersion.objects.answered(version, shown)
        except QuestionnaireVersion.DoesNotExist:
            message = str(UNKNOWN_VERSION)
            crisis = version.shows_crisis(answers)
            return self.refused({"version": [message]}, crisis=crisis, channel=channel, minor=minor)
        earlier = None
        if token := form.validated_data.get("follows"):
            earlier = Submission.objects.for_display().filter(token=token).first()
            carried = earlier.carried_to(version) if earlier is not None else None
            crisis = version.shows_crisis(answers)
            if carried is None:
                return self.refused(
                    {"follows": [str(NOT_FOLLOWED)]}, crisis=crisis, channel=channel, minor=minor
                )
            # The stored result's answers count; sent with another value, the sheet is refused
            # rather than one of them silently dropped.
            different = {
                code: [str(NOT_CARRIED)]
                for code, value in carried.items()
                if code in answers and answers[code] != value
            }
            if different:
                return self.refused(
                    {"answers": different}, crisis=crisis, channel=channel, minor=minor
                )
            answers = {**answers, **carried}
            # The age given with the quick check still counts when none is sent again.
            age_band = age_band or earlier.age_band
            minor = version.questionnaire.takers_are_minors(age_band)
        try:
            submission = Submission.create_from_answers(
                version=version,
                answers=answers,
                language=get_language(),
                channel=channel,
                age_band=age_band,
                follows=earlier,
            )
        except scoring.InvalidAnswers as invalid:
            errors = {key: [str(ANSWER_ERRORS[code])] for key, code in invalid.errors.items()}
            return self.refused(
                {"answers": errors}, crisis=invalid.crisis, channel=channel, minor=minor
            )
        body = write_result_body(submission, request)
        return result_response(request, body, status.HTTP_201_CREATED)

    def refused(
        self, errors, *, crisis: bool, channel: Channel | None = None, minor: bool = False
    ) -> Response:
        """A 400 naming the fields; nothing is stored. When the answers that were given show a
        crisis, the help comes with the errors, as it would with the result."""
        if not crisis:
            raise ValidationError(errors)
        help = crisis_help(channel, minor=minor)
        body = {
            **errors,
            "crisis": True,
            "safety_message": help["safety_message"],
            "hotlines": HotlineSerializer.represent(help["hotlines"], {"request": self.request}),
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(responses={200: SubmissionSerializer, 404: NOT_FOUND}, examples=RESULT_EXAMPLES)
class SubmissionDetail(generics.RetrieveAPIView):
    """A stored result, exactly as it was scored, by its token (`Cache-Control: private`)."""

    serializer_class = SubmissionSerializer
    lookup_field = "token"

    def get_object(self) -> Submission:
        return result_or_404(self.kwargs["token"])

    def retrieve(self, request, *args, **kwargs) -> HttpResponse:
        body = write_result_body(self.get_object(), request)
        return result_response(request, body, status.HTTP_200_OK)
