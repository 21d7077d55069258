from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from django.db.models import Max
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    NOT_JSON,
    NOT_MODIFIED,
    THROTTLED,
    TOO_LARGE,
    Anonymous,
    conditional_on_body,
    error_response,
    mark_public,
    public_content,
)
from referrals.callbacks import callback_thanks, normalise_phone, request_callback
from referrals.forms import NOT_A_PHONE
from referrals.serializers import (
    CallbackInputSerializer,
    CallbackResponseSerializer,
    HotlineSerializer,
)
from referrals.throttling import CallbackLimits
from screening import scoring
from screening.api_examples import (
    CALLBACK_RESPONSE,
    CRISIS_SAFETY,
    HOTLINE_12356,
    HOTLINE_HOPE24,
    PHQ9_OPTIONS,
    RESULT_EXAMPLES,
)
from screening.models import (
    Channel,
    Questionnaire,
    QuestionnaireVersion,
    Submission,
    active_channel,
)
from screening.recommendations import crisis_help
from screening.result_body import result_response, write_result_body
from screening.serializers import (
    QuestionnaireDetailSerializer,
    QuestionnaireListSerializer,
    SubmissionInputSerializer,
    SubmissionSerializer,
)
from screening.throttling import SubmissionRateThrottle

UNKNOWN_VERSION = _("This questionnaire has no published version with this number.")
ANSWER_ERRORS = {
    "required": _("This question needs an answer."),
    "unknown_question": _("This questionnaire has no question with this code."),
    "not_integer": _("The answer must be one of the option values, given as a whole number."),
    "invalid_choice": _("The answer is not one of this question's option values."),
}


NOT_FOUND = error_response("Not found", "No result with this token.")


def result_or_404(token: str) -> Submission:
    """The stored result with ``token``, ready to show; a 404 in the API's words otherwise."""
    submission = Submission.objects.for_display().filter(token=token).first()
    if submission is None:
        raise NotFound(_("No result with this token."))
    return submission


def no_such_questionnaire() -> NotFound:
    return NotFound(_("No published questionnaire with this slug."))


def current_version_or_404(slug: str) -> QuestionnaireVersion:
    try:
        return QuestionnaireVersion.objects.current_for(slug)
    except QuestionnaireVersion.DoesNotExist:
        raise no_such_questionnaire() from None


CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


class RenderedDetail(NamedTuple):
    """A questionnaire detail's body and validators, made once per version and language."""

    body: bytes
    etag: str  # quoted
    last_modified: int  # seconds since the epoch

    @classmethod
    def of(cls, version: QuestionnaireVersion, language: str) -> "RenderedDetail":
        rendered = version.__dict__.setdefault("_rendered_details", {})
        if language not in rendered:
            questionnaire = version.questionnaire
            rendered[language] = cls(
                body=JSONRenderer().render(QuestionnaireDetailSerializer(version).data),
                # Changes with a new published version, an edit of the questionnaire's texts,
                # or the language.
                etag=quote_etag(
                    f"{questionnaire.slug}-{version.pk}-{questionnaire.updated_at.timestamp()}"
                    f"-{language}"
                ),
                last_modified=int(max(version.published_at, questionnaire.updated_at).timestamp()),
            )
        return rendered[language]


def questionnaires_last_modified(request) -> datetime | None:
    """The latest edit of a published questionnaire's texts or publication of a version."""
    latest = Questionnaire.objects.published().aggregate(
        edited=Max("updated_at"), published=Max("versions__published_at")
    )
    return max(filter(None, latest.values()), default=None)


@public_content
@conditional_on_body
@method_decorator(condition(last_modified_func=questionnaires_last_modified), name="dispatch")
@extend_schema(
    responses={200: QuestionnaireListSerializer(many=True), 304: NOT_MODIFIED},
    examples=[
        OpenApiExample(
            "PHQ-9",
            value={
                "slug": "phq-9",
                "title": "PHQ-9 抑郁筛查",
                "summary": "9个问题，约3分钟，看看最近两周的情绪和睡眠等情况。",
                "version": 1,
                "question_count": 10,
            },
            response_only=True,
        )
    ],
)
class QuestionnaireList(generics.ListAPIView):
    """Published questionnaires with their current version."""

    serializer_class = QuestionnaireListSerializer
    pagination_class = None

    def get_queryset(self):
        return Questionnaire.objects.with_current_version()


class QuestionnaireDetail(Anonymous, APIView):
    @extend_schema(
        responses={
            200: QuestionnaireDetailSerializer,
            304: NOT_MODIFIED,
            404: error_response(
                "No such questionnaire", "No published questionnaire with this slug."
            ),
        },
        examples=[
            OpenApiExample(
                "PHQ-9 (two of its ten questions shown)",
                value={
                    "slug": "phq-9",
                    "title": "PHQ-9 抑郁筛查",
                    "summary": "9个问题，约3分钟，看看最近两周的情绪和睡眠等情况。",
                    "version": 1,
                    "instructions": "在过去两个星期，有多少时候您受到以下任何问题所困扰？",
                    "recall_period": "过去两周",
                    "copyright": "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, "
                    "Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. "
                    "No permission required to reproduce, translate, display or distribute.",
                    "max_score": 27,
                    "questions": [
                        {
                            "code": "phq9_1",
                            "text": "做事时提不起劲或没有兴趣",
                            "scored": True,
                            "required": True,
                            "options": PHQ9_OPTIONS,
                        },
                        {
                            "code": "phq9_9",
                            "text": "有不如死掉或用某种方式伤害自己的念头",
                            "scored": True,
                            "required": True,
                            "options": PHQ9_OPTIONS,
                        },
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str):
        """The current published version of a questionnaire, questions in order."""
        version = current_version_or_404(slug)
        # Everyone taking a test loads this, and it only changes with the version or the
        # questionnaire's texts (which the cached version stands for): its body and validators
        # are made once per language and process, and the conditional request is answered here
        # rather than by django.views.decorators.http.condition, which recomputes them.
        detail = RenderedDetail.of(version, get_language())
        response = None
        if any(header in request.META for header in CONDITIONAL_HEADERS):
            response = get_conditional_response(
                request, etag=detail.etag, last_modified=detail.last_modified
            )
        if response is None:
            if "indent" in request.accepted_media_type:
                # DRF's pretty-printing (Accept: application/json; indent=2), for people.
                response = Response(QuestionnaireDetailSerializer(version).data)
            else:
                response = HttpResponse(detail.body, content_type="application/json")
        response["ETag"] = detail.etag
        response["Last-Modified"] = http_date(detail.last_modified)
        return mark_public(response)


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
                "`[]`) is `non_field_errors` with them. When the answers that were given "
                "already show a crisis (PHQ-9 item 9 above 0, or answered with anything but its "
                "lowest value or nothing), the body also has `crisis: "
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
            *RESULT_EXAMPLES,
        ],
    )
    def post(self, request, slug: str):
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
            )
        channel_code = form.validated_data.get("channel")
        # An unknown or retired poster code must never stop someone from getting their result.
        channel = active_channel(channel_code) if channel_code else None
        answers = form.validated_data["answers"]
        shown = form.validated_data.get("version")
        try:
            version = QuestionnaireVersion.objects.answered(version, shown)
        except QuestionnaireVersion.DoesNotExist:
            message = str(UNKNOWN_VERSION)
            crisis = version.shows_crisis(answers)
            return self.refused({"version": [message]}, crisis=crisis, channel=channel)
        try:
            submission = Submission.create_from_answers(
                version=version, answers=answers, language=get_language(), channel=channel
            )
        except scoring.InvalidAnswers as invalid:
            errors = {key: [str(ANSWER_ERRORS[code])] for key, code in invalid.errors.items()}
            return self.refused({"answers": errors}, crisis=invalid.crisis, channel=channel)
        body = write_result_body(submission, request)
        return result_response(request, body, status.HTTP_201_CREATED)

    def refused(self, errors, *, crisis: bool, channel: Channel | None = None) -> Response:
        """A 400 naming the fields; nothing is stored. When the answers that were given show a
        crisis, the help comes with the errors, as it would with the result."""
        if not crisis:
            raise ValidationError(errors)
        help = crisis_help(channel)
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

    def get_object(self):
        return result_or_404(self.kwargs["token"])

    def retrieve(self, request, *args, **kwargs):
        body = write_result_body(self.get_object(), request)
        return result_response(request, body, status.HTTP_200_OK)


class CallbackCreate(APIView):
    # Counted around the work, once the form is valid (referrals.throttling.CallbackLimits).
    throttle_classes = ()

    @extend_schema(
        request=CallbackInputSerializer,
        responses={
            201: OpenApiResponse(
                CallbackResponseSerializer,
                description="A new case was opened.",
                examples=[OpenApiExample("New case", value=CALLBACK_RESPONSE)],
            ),
            200: OpenApiResponse(
                CallbackResponseSerializer,
                description="An open case existed and was updated.",
                examples=[
                    OpenApiExample("Existing case", value=CALLBACK_RESPONSE | {"created": False})
                ],
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='`{"consent": [...]}` or `{"phone": [...]}`.',
                examples=[
                    OpenApiExample(
                        "No consent, bad number",
                        value={
                            "consent": ["We can only call you back if you agree (consent: true)."],
                            "phone": ["Please give a mainland China mobile or landline number."],
                        },
                    )
                ],
            ),
            404: NOT_FOUND,
            413: TOO_LARGE,
            415: NOT_JSON,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "Call me back",
                value={
                    "phone": "139 1234 5678",
                    "consent": True,
                    "preferred_time": "晚上7点以后",
                    "note": "",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, token: str):
        """Ask the crisis team to call back. Needs explicit consent; the number is never echoed."""
        submission = result_or_404(token)
        form = CallbackInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        errors = {}
        # Consent must be an explicit JSON true, not "yes" or 1.
        if not isinstance(request.data, dict) or request.data.get("consent") is not True:
            errors["consent"] = [_("We can only call you back if you agree (consent: true).")]
        phone = normalise_phone(form.validated_data["phone"])
        if phone is None:
            errors["phone"] = [NOT_A_PHONE]
        if errors:
            raise ValidationError(errors)
        with CallbackLimits(request, token) as limits:
            case, created = request_callback(
                submission=submission,
                phone=phone,
                preferred_time=form.validated_data["preferred_time"],
                note=form.validated_data["note"],
                # A consent: JSON true only, as for `consent`.
                confirm_by_sms=request.data.get("confirm_by_sms") is True,
            )
            limits.taken(created=created)
        body = {
            "status": case.status,
            "created": created,
            "message": callback_thanks(),
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
