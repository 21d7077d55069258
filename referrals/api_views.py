from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import generics

from config.api import NOT_MODIFIED, conditional_on_body, public_content
from referrals.api_examples import HOTLINE_12356
from referrals.models import Hotline, with_national_line
from referrals.serializers import (
    HotlineSerializer,
)


@public_content
@conditional_on_body
@extend_schema(
    parameters=[
        OpenApiParameter(
            "region",
            OpenApiTypes.STR,
            description="GB/T 2260 code of a province, city or county (2, 4 or 6 digits). "
            "Without it: national lines only.",
        )
    ],
    responses={200: HotlineSerializer(many=True), 304: NOT_MODIFIED},
    examples=[OpenApiExample("12356", value=HOTLINE_12356, response_only=True)],
)
class HotlineList(generics.ListAPIView):
    """Hotlines serving a region: the most local first, then national (12356 first).

    12356 is always listed, as on every result: the code's own entry stands in if the data has
    no active one.
    """

    serializer_class = HotlineSerializer
    pagination_class = None

    def get_queryset(self) -> list[Hotline]:
        region = self.request.query_params.get("region", "")
        return with_national_line(list(Hotline.objects.serving(region)))
