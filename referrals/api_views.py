from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.response import Response

from config.ages import AgeBand, is_minor
from config.api import NOT_MODIFIED, conditional_on_body, public_content
from config.exceptions import with_hotlines
from config.national import national_hotlines
from referrals.api_examples import HOTLINE_12356
from referrals.models import Hotline, local_lines_first
from referrals.serializers import (
    HotlineQuerySerializer,
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
        ),
        OpenApiParameter(
            "age_band",
            OpenApiTypes.STR,
            enum=["", *AgeBand.values],
            description="The age band the person chose, as a submission's `age_band`: "
            "`under_14` or `14_17` (under 18) also lists the lines for young people (12355, "
            "`for_minors`), right after 12356, as their results do. `18_59`, `60_plus`, empty "
            "or left out: the list without them. Any other value is refused (400).",
        ),
    ],
    responses={
        200: HotlineSerializer(many=True),
        304: NOT_MODIFIED,
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="An `age_band` that is none of the four, named as `age_band`; the "
            "national `hotlines` come with it.",
            examples=[
                OpenApiExample(
                    "Unknown age band",
                    value={
                        "age_band": ['"minor" is not a valid choice.'],
                        "hotlines": national_hotlines(),
                    },
                )
            ],
        ),
    },
    examples=[OpenApiExample("12356", value=HOTLINE_12356, response_only=True)],
)
class HotlineList(generics.ListAPIView):
    """Hotlines serving a region: the most local first, then national (12356 first).

    12356 is always listed, as on every result: the code's own entry stands in if the data has
    no active one. With an `age_band` under 18 the lines for young people follow 12356.
    """

    serializer_class = HotlineSerializer
    pagination_class = None

    def list(self, request, *args, **kwargs) -> Response:
        query = HotlineQuerySerializer(data=request.query_params)
        if not query.is_valid():
            # Lines are what was asked for: even refused, the national ones come with it.
            return Response(with_hotlines(dict(query.errors)), status=status.HTTP_400_BAD_REQUEST)
        minor = is_minor(query.validated_data.get("age_band"))
        lines = Hotline.objects.serving(request.query_params.get("region", ""), minor=minor)
        return Response(self.get_serializer(local_lines_first(list(lines)), many=True).data)
