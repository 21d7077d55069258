from rest_framework import serializers

from config.ages import AgeBand
from config.caching import RememberedRepresentation
from referrals.models import Hotline, LocalService


class HotlineSerializer(RememberedRepresentation, serializers.ModelSerializer):
    tel = serializers.CharField(
        source="tel_uri",
        help_text="Tap-to-call link, e.g. tel:12356; an extension follows a comma, which phones "
        "dial after a pause (tel:01082951332,2).",
    )
    hours = serializers.CharField(source="hours_text", help_text="Opening hours in words.")
    national = serializers.BooleanField(source="is_national")
    for_minors = serializers.BooleanField(
        help_text="A line for young people under 18 (12355): listed only on their results, "
        "and by `/api/v1/hotlines/` with an `age_band` under 18, right after 12356."
    )

    class Meta:
        model = Hotline
        fields = [
            "name",
            "number",
            "tel",
            "operator",
            "kind",
            "hours",
            "open_24h",
            "region",
            "national",
            "for_minors",
            "last_verified",
        ]
        # Always sent (output only): required in the schema.
        extra_kwargs = {
            name: {"required": True} for name in ("operator", "kind", "open_24h", "region")
        }


class HotlineQuerySerializer(serializers.Serializer):
    """The hotline list's query: who is asking (read as the submissions' ``age_band``)."""

    age_band = serializers.ChoiceField(
        choices=AgeBand.choices,
        required=False,
        allow_blank=True,
    )


class LocalServiceSerializer(RememberedRepresentation, serializers.ModelSerializer):
    """A place near the person to talk to someone face to face."""

    kind = serializers.ChoiceField(
        choices=LocalService.Kind.choices,
        help_text="`mental_health_centre` (the county's), `hospital_clinic` (a hospital's "
        "psychological clinic) or `village_doctor` (the village doctor or township health "
        "centre, who can refer on).",
    )
    tel = serializers.CharField(
        source="tel_uri", help_text="Tap-to-call link such as tel:09321234567; empty without one."
    )
    hours = serializers.CharField(help_text="Opening hours in words; may be empty.")

    class Meta:
        model = LocalService
        fields = ["name", "kind", "address", "phone", "tel", "hours", "region", "last_verified"]
        # Always sent (output only): required in the schema.
        extra_kwargs = {name: {"required": True} for name in ("address", "phone", "region")}


class OptionalConsent(serializers.BooleanField):
    """A consent to something beside the request, given by JSON true only: any other value, of
    any type, is no consent, never a refusal of the request it rides on."""

    def run_validation(self, data=serializers.empty) -> bool:
        return data is True


class CallbackInputSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=30, help_text="Mainland China mobile (11 digits) or landline with area code."
    )
    consent = serializers.BooleanField(
        help_text="Must be JSON true: the person agrees that the crisis team stores the number "
        "and calls them back."
    )
    preferred_time = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    # A call-back is never refused over its text: a malformed value is no text, not a 400.
    confirm_by_sms = OptionalConsent(
        required=False,
        default=False,
        help_text="JSON true: the person agrees to a text confirming the request (when and from "
        "which number the team will call, and 120 and 12356 meanwhile). Anything else (of any "
        "type) sends none and refuses nothing. "
        "Offer it only where the result's `recommendation.sms_confirmation_offered` is true; sent "
        "where no text can go, it is ignored: the call-back is taken all the same, and the "
        "response's `sms_confirmation` is false.",
    )
    # Lenient as confirm_by_sms: an adult's call-back is never refused over a field that does
    # not concern them; under 14 anything but true is refused by the view, naming the field.
    guardian_consent = OptionalConsent(
        required=False,
        default=False,
        help_text="Needed (JSON true) when the result's `age_band` is `under_14`: a parent or "
        "guardian is with the child and agrees to leaving the number (PIPL art. 31). Anything "
        "else (of any type) is no consent: for such a result the request is refused (400 "
        "naming `guardian_consent`, with the `hotlines`) and nothing is stored. For any other "
        "result the field is ignored, whatever its value, and no consent is recorded.",
    )


class CallbackResponseSerializer(serializers.Serializer):
    status = serializers.CharField()
    created = serializers.BooleanField()
    message = serializers.CharField()
    sms_confirmation = serializers.BooleanField(
        help_text="True: a text confirming the request is on its way to the number given (or "
        "went already, for a request still waiting). False: none will come, because it was not "
        "asked for (`confirm_by_sms`), or no text can be sent from this service; do not tell the "
        "person to wait for one."
    )
