"""Asking the crisis team to call back, from a result."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ages import needs_guardian_consent
from config.api import NOT_JSON, THROTTLED, TOO_LARGE
from referrals.api_examples import HOTLINE_12355, HOTLINE_12356, HOTLINE_HOPE24
from referrals.callbacks import callback_thanks, normalise_phone, request_callback
from referrals.forms import GUARDIAN_CONSENT_NEEDED, NOT_A_PHONE
from referrals.serializers import (
    CallbackInputSerializer,
    CallbackResponseSerializer,
    HotlineSerializer,
)
from referrals.throttling import CallbackLimits
from screening.api_examples import CALLBACK_RESPONSE
from screening.api_views.submissions import NOT_FOUND, result_or_404
from screening.recommendations import hotlines_for


class CallbackCreate(APIView):
    # Counted around the work, once the form is valid (referrals.throttling.CallbackLimits).
    throttle_classes = ()

    @extend_schema(
        request=CallbackInputSerializer,
        responses={
            201: OpenApiResponse(
                CallbackResponseSerializer,
                description="A new case was opened. A call-back is never refused over the text "
                "option: with `confirm_by_sms: true` where no text can be sent (the result's "
                "`recommendation.sms_confirmation_offered` is false), the case is opened all the "
                "same and `sms_confirmation` says false.",
                examples=[
                    OpenApiExample("New case", value=CALLBACK_RESPONSE),
                    OpenApiExample(
                        "New case, a text confirming it on its way",
                        value=CALLBACK_RESPONSE | {"sms_confirmation": True},
                    ),
                ],
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
                description='`{"consent": [...]}` or `{"phone": [...]}`; for a result whose '
                "`age_band` is `under_14`, `guardian_consent` without JSON true (missing, or "
                "any other value) is refused too, with the result's `hotlines`: nothing is "
                "stored. For any other result `guardian_consent` refuses nothing, whatever its "
                "value.",
                examples=[
                    OpenApiExample(
                        "No consent, bad number",
                        value={
                            "consent": ["We can only call you back if you agree (consent: true)."],
                            "phone": ["Please give a mainland China mobile or landline number."],
                        },
                    ),
                    OpenApiExample(
                        "Under 14, without a guardian's consent",
                        value={
                            "guardian_consent": [str(GUARDIAN_CONSENT_NEEDED)],
                            "hotlines": [HOTLINE_12356, HOTLINE_12355, HOTLINE_HOPE24],
                        },
                    ),
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
            ),
            OpenApiExample(
                "Call me back, and text me to confirm",
                value={"phone": "139 1234 5678", "consent": True, "confirm_by_sms": True},
                request_only=True,
            ),
        ],
    )
    def post(self, request, token: str) -> Response:
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
        # Under 14: a parent's or guardian's consent too, JSON true only (PIPL art. 31).
        guardian_consent = form.validated_data["guardian_consent"]
        if needs_guardian_consent(submission.age_band) and not guardian_consent:
            errors["guardian_consent"] = [GUARDIAN_CONSENT_NEEDED]
            # Hotlines never need consent: the refusal carries them.
            lines = HotlineSerializer.represent(hotlines_for(submission), {"request": request})
            return Response(errors | {"hotlines": lines}, status=status.HTTP_400_BAD_REQUEST)
        if errors:
            raise ValidationError(errors)
        with CallbackLimits(request, token) as limits:
            case, created = request_callback(
                submission=submission,
                phone=phone,
                preferred_time=form.validated_data["preferred_time"],
                note=form.validated_data["note"],
                # A consent: JSON true only, as for `consent` (OptionalConsent).
                confirm_by_sms=form.validated_data["confirm_by_sms"],
                guardian_consent=guardian_consent,
            )
            limits.taken(created=created)
        body = {
            "status": case.status,
            "created": created,
            "message": callback_thanks(),
            "sms_confirmation": case.sms_confirmation,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
