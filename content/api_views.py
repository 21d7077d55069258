from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import NOT_MODIFIED, conditional_on_body, error_response, public_content
from content.api_examples import ARTICLE, SESSION
from content.models import Article, ArticleQuerySet, upcoming_sessions
from content.serializers import ArticleSerializer, SessionSerializer

ARTICLE_EXAMPLE = OpenApiExample("Article", value=ARTICLE, response_only=True)


@public_content
@conditional_on_body
@extend_schema(
    responses={
        200: ArticleSerializer(many=True),
        304: NOT_MODIFIED,
        404: error_response("A page past the last one", "Invalid page."),
    },
    examples=[ARTICLE_EXAMPLE],
)
class ArticleList(generics.ListAPIView):
    """Published science-popularisation articles and videos, newest first."""

    serializer_class = ArticleSerializer

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.published().prefetch_related("topics").order_by("-published_at")


@public_content
@conditional_on_body
@extend_schema(
    responses={
        200: ArticleSerializer,
        304: NOT_MODIFIED,
        404: error_response("No such article", "No published article with this slug."),
    },
    examples=[ARTICLE_EXAMPLE],
)
class ArticleDetail(generics.RetrieveAPIView):
    """One published article or video."""

    serializer_class = ArticleSerializer
    lookup_field = "slug"

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.published().prefetch_related("topics")

    def get_object(self) -> Article:
        article = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if article is None:
            raise NotFound(_("No published article with this slug."))
        return article


@public_content
@conditional_on_body
class SessionList(APIView):
    @extend_schema(
        responses={200: SessionSerializer(many=True), 304: NOT_MODIFIED},
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="At most 50.")],
        examples=[OpenApiExample("Expert hours", value=SESSION, response_only=True)],
    )
    def get(self, request) -> Response:
        """Upcoming livestreams and expert hours that have not ended, soonest first."""
        try:
            limit = max(1, min(50, int(request.query_params.get("limit", 10))))
        except ValueError:
            limit = 10
        sessions = upcoming_sessions(limit=limit)
        return Response(SessionSerializer(sessions, many=True, context={"request": request}).data)
