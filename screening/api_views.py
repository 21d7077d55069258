import io
import re
from collections.abc import Mapping
from datetime import datetime
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, conditional_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.negotiation import PLAIN_ACCEPTS
from config.parsers import JSONParser
from referrals.serializers import HotlineSerializer
from screening import scoring
from screening.models import (
    Channel,
    Questionnaire,
    QuestionnaireVersion,
    Submission,
    active_channel,
    cached_version,
    live_state,
)
from screening.recommendations import crisis_hotlines, safety_message
from screening.serializers import (
    ErrorSerializer,
    QuestionnaireDetailSerializer,
    QuestionnaireListSerializer,
    SubmissionInputSerializer,
    SubmissionSerializer,
)
from screening.throttling import SubmissionRateThrottle

ANSWER_ERRORS = {
    "required": _("This question needs an answer."),
    "unknown_question": _("This questionnaire has no question with this code."),
    "not_integer": _("The answer must be one of the option values, given as a whole number."),
    "invalid_choice": _("The answer is not one of this question's option values."),
}


# Documented responses shared by every API view (content and referrals use them too).
def error_response(description: str, detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(description, value={"detail": detail})],
    )


NOT_FOUND = error_response("Not found", "No result with this token.")
TOO_LARGE = error_response("Request body over 64 KB", "Request body too large.")
NOT_JSON = error_response(
    "Body is not JSON",
    'Unsupported media type "application/x-www-form-urlencoded" in request.',
)
THROTTLED = error_response(
    "Too many requests from this client",
    "Request was throttled. Expected available in 42 seconds.",
)
NOT_MODIFIED = OpenApiResponse(
    description="Not modified (no body): the `If-None-Match` sent equals the current `ETag`, or, "
    "where the response has a `Last-Modified`, nothing changed since the `If-Modified-Since` sent."
)

# Public, non-personal GET endpoints answer a conditional request with 304. Their ETag is a hash
# of the rendered body, so it changes with the data and with the language of the response.
conditional_on_body = method_decorator(conditional_page, name="dispatch")
# Public, non-personal content: a CDN, proxy or phone may keep it for a minute, which absorbs a
# campaign's rush. A new questionnaire version or a hotline edit reaches everyone within that
# minute; a submission names the version it was shown, so an answer to the old one still counts.
PUBLIC_MAX_AGE = 60


def mark_public(response):
    """Mark a successful answer (200, 304) public for PUBLIC_MAX_AGE; errors are not kept."""
    if response.status_code in (200, 304):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def cache_publicly(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_public(view(request, *args, **kwargs))

    return wrapper


public_content = method_decorator(cache_publicly, name="dispatch")
# A result is one person's answers: config.middleware.PrivateResultMiddleware marks every answer
# under a result token, and the submission's, "private, no-store" (and noindex).


class Anonymous:
    """For the views every visitor calls: DRF's authentication step is skipped, not run.

    The API authenticates nobody (no authentication classes), so the step only finds that out
    again on each request; ``request.user`` still answers (None) if anything asks.
    """

    def perform_authentication(self, request):
        pass


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


PHQ9_OPTIONS = [
    {"value": 0, "label": "完全不会"},
    {"value": 1, "label": "好几天"},
    {"value": 2, "label": "一半以上的天数"},
    {"value": 3, "label": "几乎每天"},
]
HOTLINE_12356 = {
    "name": "全国统一心理援助热线",
    "number": "12356",
    "tel": "tel:12356",
    "operator": "国家卫生健康委员会",
    "kind": "crisis",
    "hours": "每天至少18小时，不少地区24小时；各地时间不同；可匿名",
    "open_24h": False,
    "region": "",
    "national": True,
    "last_verified": "2026-11-24",
}
HOTLINE_HOPE24 = {
    "name": "希望24热线",
    "number": "400-161-9995",
    "tel": "tel:4001619995",
    "operator": "希望24热线（公益）",
    "kind": "crisis",
    "hours": "24 hours",
    "open_24h": True,
    "region": "",
    "national": True,
    "last_verified": "2026-11-24",
}
PHQ9_REF = {"slug": "phq-9", "title": "PHQ-9 抑郁筛查", "version": 1}
RESULT_LINKS = {
    "result_url": "https://xinqiao.example.org/r/TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/",
    "pdf_url": "https://xinqiao.example.org/r/TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/pdf/",
}
MILD_RESULT = {
    "token": "TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw",
    "questionnaire": PHQ9_REF,
    "answers": {f"phq9_{i}": v for i, v in enumerate((1, 1, 1, 1, 1, 1, 0, 0, 0), 1)},
    "total_score": 6,
    "max_score": 27,
    "band": {
        "code": "mild",
        "label": "轻度",
        "meaning": "您的回答显示，最近两周有一些情绪低落方面的困扰。这只是一次自我筛查，不是诊断。"
        "下面的科普文章和视频可以帮您了解、照顾自己的情绪；如果情况持续或加重，请找医生聊一聊。",
    },
    "tier": "mild",
    "crisis": False,
    "triggered_rules": [],
    "recommendation": {
        "kind": "content",
        "message": "Short articles and videos on looking after your mood and sleep.",
        "items": [
            {
                "slug": "sleep-well",
                "title": "睡个好觉的五个小方法",
                "summary": "固定时间起床、白天晒太阳、睡前少看手机……简单的习惯能改善睡眠。",
                "url": "https://xinqiao.example.org/articles/sleep-well/",
                "video_url": "",
                "cover_url": "",
            }
        ],
    },
    "hotlines": [HOTLINE_12356, HOTLINE_HOPE24],
    **RESULT_LINKS,
    "language": "zh-hans",
    "channel": None,
    "created_at": "2026-11-25T10:34:46.565087+08:00",
}
# Messages from the code are shown in their source text; the API translates them.
CRISIS_SAFETY = (
    "If you are thinking about ending your life or hurting yourself, or you are in danger right "
    "now: call 110 or 120 now, or the psychological assistance hotline 12356. Stay with someone "
    "you trust. You are not alone."
)
CRISIS_RESULT = MILD_RESULT | {
    "answers": {f"phq9_{i}": v for i, v in enumerate((0, 0, 0, 0, 0, 0, 0, 0, 1), 1)},
    "total_score": 1,
    "band": {
        "code": "minimal",
        "label": "极轻微或无",
        # In a crisis the meaning speaks of getting help now, never of the low band's words.
        "meaning": "One of your answers is a sign that you may need help now, whatever the total "
        "score. Please talk to someone today: call one of the hotlines, or ask for a call back. "
        "This is a screen, not a diagnosis.",
    },
    "tier": "severe",
    "crisis": True,
    "triggered_rules": ["self_harm"],
    "recommendation": {
        "kind": "referral",
        "crisis": True,
        "safety_message": CRISIS_SAFETY,
        "message": CRISIS_SAFETY + "\n\nYour answers show you are going through a very hard time. "
        "This is a screen, not a diagnosis, but please talk to someone today: call one of the "
        "hotlines below (12356 is anonymous), or leave your number and the crisis team "
        "will call you back.",
        "hotlines": [HOTLINE_12356, HOTLINE_HOPE24],
        "callback_url": "https://xinqiao.example.org/api/v1/submissions/"
        "TZ9wfC15sbumseSaCs5-UeBgZ-6-nirw/callback/",
        "items": [],
    },
}
MODERATE_RESULT = MILD_RESULT | {
    "answers": {f"phq9_{i}": v for i, v in enumerate((2, 2, 2, 2, 2, 1, 0, 0, 0), 1)},
    "total_score": 11,
    "band": {
        "code": "moderate",
        "label": "中度",
        "meaning": "您的回答显示，最近两周情绪低落方面的困扰比较明显，值得认真对待。"
        "这只是一次自我筛查，不是诊断。建议您参加下面的专家直播或咨询时段，和专业人员谈一谈。",
    },
    "tier": "moderate",
    "recommendation": {
        "kind": "schedule",
        "message": "Talk it over with a professional: join one of these expert livestreams or "
        "consultation hours. You can add them to your phone's calendar.",
        "sessions": [
            {
                "title": "县医院心理科专家在线答疑",
                "host": "县人民医院心理科医生",
                "platform": "微信视频号",
                "starts_at": "2026-12-01T19:00:00+08:00",
                "ends_at": "2026-12-01T21:00:00+08:00",
                "join_url": "https://www.example.org/live/county-hospital",
                "join_phone": "",
                "join_tel": "",
                "description": "每周二晚上，在微信视频号直播间留言提问，医生现场解答。",
                "kind": "expert_hours",
                "ics_url": "https://xinqiao.example.org/sessions/expert_hours/1.ics",
            }
        ],
        "items": MILD_RESULT["recommendation"]["items"][:1],
    },
}
RESULT_EXAMPLES = [
    OpenApiExample("Mild result (kind content)", value=MILD_RESULT, response_only=True),
    OpenApiExample("Moderate result (kind schedule)", value=MODERATE_RESULT, response_only=True),
    OpenApiExample(
        "Crisis: PHQ-9 item 9 above 0 (kind referral)", value=CRISIS_RESULT, response_only=True
    ),
]


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
        state = live_state(slug)
        if state is None:
            raise no_such_questionnaire()
        version = cached_version(*state)
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


CHANNEL_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")
# ASCII digits, and few: "²" is a digit to isdigit() and 5,000 digits are too many for int();
# DRF's path reads such a length as 0.
CONTENT_LENGTH = re.compile(r"[0-9]{1,9}")
INPUT_FIELDS = {"answers", "channel", "version"}


def plain_json_request(request) -> bool:
    """A body DRF would read as JSON and an answer it would send as JSON, without asking it:
    what the H5 page and the mini-programs send (see SubmissionCreate.dispatch)."""
    length = request.META.get("CONTENT_LENGTH", "")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        request.content_type == "application/json"
        and request.content_params.get("charset", "utf-8").lower() == "utf-8"
        and request.META.get("HTTP_ACCEPT") in PLAIN_ACCEPTS
        and api_settings.URL_FORMAT_OVERRIDE not in request.GET
        and CONTENT_LENGTH.fullmatch(length) is not None
        and (limit is None or int(length) <= limit)
    )


def plain_json_settings() -> bool:
    """DRF's renderer writes as screening.serializers.as_json does: compact UTF-8, no NaN."""
    return not JSONRenderer.ensure_ascii and JSONRenderer.compact and JSONRenderer.strict


def plain_submission_input(data) -> dict | None:
    """What SubmissionInputSerializer would make of ``data``, for the input it takes unchanged
    (answers as an object, a channel code of slug characters, a whole version number); None for
    anything else, which the serializer itself must judge."""
    if not isinstance(data, dict) or not data.keys() <= INPUT_FIELDS:
        return None
    answers, channel, version = data.get("answers"), data.get("channel"), data.get("version")
    if not isinstance(answers, dict):
        return None
    if channel is not None and not (isinstance(channel, str) and CHANNEL_CODE.fullmatch(channel)):
        return None
    if version is not None and (type(version) is not int or version < 1):
        return None
    return {"answers": answers, "channel": channel, "version": version}


class SubmissionCreate(Anonymous, APIView):
    throttle_classes = [SubmissionRateThrottle]

    def dispatch(self, request, *args, **kwargs):
        # A campaign's rush is thousands of these a minute, nearly all of them plain: JSON in,
        # a valid answer sheet, JSON out. Those are stored and answered here, with the same
        # throttle, parser, scoring and body, without DRF's request, negotiation and response
        # machinery, which cost each of them more than storing it. Anything else (other media
        # types, malformed bodies, invalid answers with or without a crisis) goes DRF's way,
        # to post below. tests/screening/test_plain_submissions.py holds the two to one answer.
        if request.method == "POST":
            response = self.plain_post(request, kwargs["slug"])
            if response is not None:
                self.args, self.kwargs, self.request = args, kwargs, request
                self.headers = self.default_response_headers
                return self.finalize_response(request, response, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def plain_post(self, request, slug: str) -> HttpResponse | None:
        """The 201 for a plain, valid answer sheet; None for DRF's path to answer."""
        if not (
            plain_json_request(request)
            and self.parser_classes == [JSONParser]
            and self.renderer_classes == [JSONRenderer]
            and plain_json_settings()
        ):
            return None
        # Counted here, as DRF would count it (before reading the body); a refused request goes
        # to DRF, which refuses it again with its Retry-After, and nothing is counted twice.
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                return None
        self.throttle_classes = ()
        try:
            parser_context = {"encoding": "utf-8"}
            data = JSONParser().parse(io.BytesIO(request.body), parser_context=parser_context)
        except ParseError:
            return None
        fields = plain_submission_input(data)
        if fields is None:
            return None
        try:
            version = QuestionnaireVersion.objects.current_for(slug)
        except QuestionnaireVersion.DoesNotExist:
            return None
        if fields["version"] not in (None, version.number):
            return None
        channel = active_channel(fields["channel"]) if fields["channel"] else None
        try:
            submission = Submission.create_from_answers(
                version=version,
                answers=fields["answers"],
                language=get_language(),
                channel=channel,
            )
        except scoring.InvalidAnswers:
            return None
        body = SubmissionSerializer(context={"request": request}).result_json(submission)
        return HttpResponse(
            body.encode(), status=status.HTTP_201_CREATED, content_type=JSONRenderer.media_type
        )

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
        if shown is not None and shown != version.number:
            try:
                version = QuestionnaireVersion.objects.published_for(slug, shown)
            except QuestionnaireVersion.DoesNotExist:
                message = str(_("This questionnaire has no published version with this number."))
                crisis = version.shows_crisis(answers)
                return self.refused({"version": [message]}, crisis=crisis, channel=channel)
        try:
            submission = Submission.create_from_answers(
                version=version, answers=answers, language=get_language(), channel=channel
            )
        except scoring.InvalidAnswers as invalid:
            errors = {key: [str(ANSWER_ERRORS[code])] for key, code in invalid.errors.items()}
            return self.refused({"answers": errors}, crisis=invalid.crisis, channel=channel)
        body = SubmissionSerializer(submission, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def refused(self, errors, *, crisis: bool, channel: Channel | None = None) -> Response:
        """A 400 naming the fields; nothing is stored. When the answers that were given show a
        crisis, the help comes with the errors, as it would with the result."""
        if not crisis:
            raise ValidationError(errors)
        body = {
            **errors,
            "crisis": True,
            "safety_message": safety_message(),
            "hotlines": HotlineSerializer.represent(
                crisis_hotlines(channel), {"request": self.request}
            ),
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(responses={200: SubmissionSerializer, 404: NOT_FOUND}, examples=RESULT_EXAMPLES)
class SubmissionDetail(generics.RetrieveAPIView):
    """A stored result, exactly as it was scored, by its token (`Cache-Control: private`)."""

    serializer_class = SubmissionSerializer
    lookup_field = "token"

    def get_object(self):
        return result_or_404(self.kwargs["token"])
