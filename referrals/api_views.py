from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from referrals.callbacks import normalise_phone, request_callback
from referrals.forms import NOT_A_PHONE
from referrals.models import Hotline, with_national_line
from referrals.serializers import (
    CallbackInputSerializer,
    CallbackResponseSerializer,
    HotlineSerializer,
)
from referrals.throttling import CallbackLimits
from screening.api_views import (
    HOTLINE_12356,
    NOT_FOUND,
    NOT_JSON,
    NOT_MODIFIED,
    THROTTLED,
    TOO_LARGE,
    conditional_on_body,
    public_content,
    result_or_404,
)

CALLBACK_RESPONSE = {
    "status": "new",
    "created": True,
    "message": "Thank you. The crisis team will call you back as soon as they can. If you are in "
    "danger now, call 110 or 120, or the hotline 12356.",
}


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

    def get_queryset(self):
        region = self.request.query_params.get("region", "")
        return with_national_line(list(Hotline.objects.serving(region)))


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
            )
            limits.taken(created=created)
        body = {
            "status": case.status,
            "created": created,
            "message": _(
                "Thank you. The crisis team will call you back as soon as they can. If you are "
                "in danger now, call 110 or 120, or the hotline 12356."
            ),
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
