"""The questionnaires: the list, and the detail a test is taken from."""

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
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    NOT_MODIFIED,
    Anonymous,
    conditional_on_body,
    error_response,
    mark_public,
    public_content,
)
from screening.api_examples import PHQ9_OPTIONS
from screening.models import Questionnaire, QuestionnaireVersion, start_here_first
from screening.serializers import QuestionnaireDetailSerializer, QuestionnaireListSerializer


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
                "plain_name": "心情和睡眠自测",
                "start_here": True,
                "summary": "9个问题，约3分钟，看看最近两周的情绪和睡眠等情况。",
                "version": 1,
                "question_count": 10,
            },
            response_only=True,
        )
    ],
)
class QuestionnaireList(generics.ListAPIView):
    """Published questionnaires with their current version, the one to start with first."""

    serializer_class = QuestionnaireListSerializer
    pagination_class = None

    def get_queryset(self) -> list[Questionnaire]:
        return start_here_first(Questionnaire.objects.with_current_version())


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
                    "plain_name": "心情和睡眠自测",
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
                            "kind": "choice",
                            "max_length": None,
                            "scored": True,
                            "required": True,
                            "options": PHQ9_OPTIONS,
                        },
                        {
                            "code": "phq9_9",
                            "text": "有不如死掉或用某种方式伤害自己的念头",
                            "kind": "choice",
                            "max_length": None,
                            "scored": True,
                            "required": True,
                            "options": PHQ9_OPTIONS,
                        },
                    ],
                },
                response_only=True,
            ),
            OpenApiExample(
                "GDS-15, yes-or-no questions (two of its sixteen shown)",
                value={
                    "slug": "gds-15",
                    "title": "GDS-15 老年抑郁筛查",
                    "plain_name": "老年人心情自测",
                    "summary": "15个问题，只答“是”或“否”，约3分钟，看看最近一周的心情。",
                    "version": 1,
                    "instructions": "请根据您过去一周的感受，回答下面每个问题：是，还是否。",
                    "recall_period": "过去一周",
                    "copyright": "Geriatric Depression Scale, short form: Sheikh & Yesavage "
                    "1986 (Clin Gerontol 5:165); public domain. / 老年抑郁量表简版，Sheikh 和 "
                    "Yesavage 1986；属公有领域。",
                    "max_score": 15,
                    "questions": [
                        {
                            "code": "gds15_1",
                            "text": "您对自己的生活基本满意吗？",
                            "kind": "yes_no",
                            "max_length": None,
                            "scored": True,
                            "required": True,
                            # "No" scores the point here: the options carry the scores.
                            "options": [{"value": 0, "label": "是"}, {"value": 1, "label": "否"}],
                        },
                        {
                            "code": "gds15_2",
                            "text": "您是否已经放弃了很多以前的活动和爱好？",
                            "kind": "yes_no",
                            "max_length": None,
                            "scored": True,
                            "required": True,
                            "options": [{"value": 1, "label": "是"}, {"value": 0, "label": "否"}],
                        },
                    ],
                },
                response_only=True,
            ),
        ],
    )
    def get(self, request, slug: str) -> HttpResponse:
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
