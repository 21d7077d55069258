"""The API's result of a submission: score, band, next step, hotlines, step-ups, links.

Written once per kind of result and sent as written (``screening.result_body``).
"""

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from content.serializers import AbsoluteUrlMixin, ArticleItemSerializer, SessionSerializer
from referrals.serializers import HotlineSerializer, LocalServiceSerializer
from screening.models import Submission
from screening.recommendations import result_parts


class NextQuestionnaireSerializer(serializers.Serializer):
    """A fuller questionnaire the result leads on to (a step-up: PHQ-4 to PHQ-9 or GAD-7)."""

    questionnaire = serializers.SlugField(help_text="The fuller questionnaire's slug.")
    url = serializers.URLField(help_text="Its detail in the API, with the questions to ask.")
    carried_answers = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Its question codes → the answers already given in this result: show them as "
        "answered and ask only the rest; submit with `follows` set to this result's `token`.",
    )


class QuestionnaireRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="questionnaire.slug")
    title = serializers.CharField(source="questionnaire.title")
    version = serializers.IntegerField(source="number")


class BandSerializer(serializers.Serializer):
    """The result's score band, in the words the result needs."""

    code = serializers.CharField(source="band.code")
    label = serializers.CharField(source="band.label")
    meaning = serializers.CharField(
        help_text="What the result means in plain words (never a diagnosis). In a crisis it "
        "speaks of getting help now instead of the score band's words."
    )


class ContentRecommendationSerializer(serializers.Serializer):
    """`mild`: short science articles and videos."""

    kind = serializers.ChoiceField(
        choices=["content"],
        help_text="`content` (tier `mild`): self-help reading; show `message` and the `items`.",
    )
    message = serializers.CharField()
    items = ArticleItemSerializer(many=True)

    def to_representation(self, recommendation: dict) -> dict:
        # By hand, as the result's body is (screening.result_body).
        return {
            "kind": recommendation["kind"],
            "message": str(recommendation["message"]),
            "items": ArticleItemSerializer.represent(recommendation["items"], self.context),
        }


class ScheduleRecommendationSerializer(serializers.Serializer):
    """`moderate`: upcoming expert livestreams and consultation hours, soonest first."""

    kind = serializers.ChoiceField(
        choices=["schedule"],
        help_text="`schedule` (tier `moderate`): talk to an expert; show `message` and the "
        "`sessions`, each with a join link or phone number and a calendar file.",
    )
    message = serializers.CharField()
    sessions = SessionSerializer(many=True)
    local_services = LocalServiceSerializer(
        many=True,
        help_text="Help near you: the mental-health centre, hospital clinics and village doctor "
        "serving the region of the person's channel, most local first; empty without a channel "
        "or where none are entered. Show them as places to go, with tap-to-call `tel` links.",
    )
    items = ArticleItemSerializer(
        many=True,
        help_text="Articles and videos an editor marked as suiting moderate results; often "
        "empty. Show them below the sessions.",
    )

    def to_representation(self, recommendation: dict) -> dict:
        return {
            "kind": recommendation["kind"],
            "message": str(recommendation["message"]),
            "sessions": SessionSerializer.represent(recommendation["sessions"], self.context),
            "local_services": LocalServiceSerializer.represent(
                recommendation["local_services"], self.context
            ),
            "items": ArticleItemSerializer.represent(recommendation["items"], self.context),
        }


class ReferralRecommendationSerializer(AbsoluteUrlMixin, serializers.Serializer):
    """`severe` or crisis: hotlines to call now and a call-back offer."""

    kind = serializers.ChoiceField(
        choices=["referral"],
        help_text="`referral` (tier `severe`, and every crisis): show the `hotlines` as "
        "tap-to-call links, 12356 first, and offer the call back at `callback_url`.",
    )
    crisis = serializers.BooleanField(
        help_text="Same as the result's `crisis`: show `safety_message` first, above everything."
    )
    safety_message = serializers.CharField(help_text="Immediate-safety words; empty unless crisis.")
    message = serializers.CharField(help_text="Starts with the safety message in a crisis.")
    hotlines = HotlineSerializer(many=True)
    local_services = LocalServiceSerializer(
        many=True,
        help_text="Help near you: the mental-health centre, hospital clinics and village doctor "
        "serving the region of the person's channel, most local first; empty without a channel "
        "or where none are entered. Show them as places to go, with tap-to-call `tel` links.",
    )
    callback_url = serializers.SerializerMethodField(
        help_text='POST `{"phone": "...", "consent": true}` here to ask the crisis team to call.'
    )
    sms_confirmation_offered = serializers.BooleanField(
        help_text="True when a text confirming the call-back can be sent: offer it with the "
        "call-back (`confirm_by_sms: true`, a consent of its own, since others may read the "
        "person's phone). False when this service can send no text: leave the option out."
    )
    guardian_consent_needed = serializers.BooleanField(
        help_text="True when the person is under 14: offer the call-back only with a parent's or "
        "guardian's consent (`guardian_consent: true`), and first tell them to talk to a parent, "
        "a teacher or the village doctor. The hotlines need no consent."
    )
    items = ArticleItemSerializer(
        many=True,
        help_text="Articles an editor marked as suiting severe results (such as what a call to "
        "12356 is like); often empty. Show them last, below the hotlines and the call-back.",
    )

    def get_callback_url(self, recommendation) -> str:
        return self.absolute(recommendation["callback_url"])

    def to_representation(self, recommendation: dict) -> dict:
        return {
            "kind": recommendation["kind"],
            "crisis": recommendation["crisis"],
            "safety_message": str(recommendation["safety_message"]),
            "message": str(recommendation["message"]),
            "hotlines": HotlineSerializer.represent(recommendation["hotlines"], self.context),
            "local_services": LocalServiceSerializer.represent(
                recommendation["local_services"], self.context
            ),
            "callback_url": self.get_callback_url(recommendation),
            "sms_confirmation_offered": recommendation["sms_confirmation_offered"],
            "guardian_consent_needed": recommendation["guardian_consent_needed"],
            "items": ArticleItemSerializer.represent(recommendation["items"], self.context),
        }


RECOMMENDATION_SERIALIZERS = {
    "content": ContentRecommendationSerializer,
    "schedule": ScheduleRecommendationSerializer,
    "referral": ReferralRecommendationSerializer,
}


class SubmissionSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    questionnaire = QuestionnaireRefSerializer(source="version")
    band = BandSerializer(source="*")
    recommendation = serializers.SerializerMethodField(
        help_text="The next step for the tier; its `kind` says which: `content` (mild), "
        "`schedule` (moderate) or `referral` (severe or crisis)."
    )
    hotlines = serializers.SerializerMethodField(
        help_text="Lines serving the person's region, most local first, then national (12356 "
        "first); every result carries them, whatever the tier."
    )
    result_url = serializers.SerializerMethodField(help_text="The result as a web page.")
    pdf_url = serializers.SerializerMethodField(
        help_text="The result as a PDF to save, print or show a doctor."
    )
    answers = serializers.JSONField(
        source="choice_answers",
        read_only=True,
        help_text="Question code → the chosen option's value. Free-text answers are left out: "
        "only clinicians and the crisis team read them.",
    )
    channel = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Code of the poster or QR code the person came from; null without one.",
    )
    next = serializers.SerializerMethodField(
        help_text="The fuller questionnaires this result leads on to (PHQ-4: PHQ-9 and/or GAD-7 "
        "when a part adds up to 3), with the answers carried over; empty when none."
    )
    follows = serializers.SlugRelatedField(
        slug_field="token",
        read_only=True,
        allow_null=True,
        help_text="The `token` of the quick check this result stepped up from; null if none.",
    )

    class Meta:
        model = Submission
        fields = [
            "token",
            "questionnaire",
            "answers",
            "total_score",
            "max_score",
            "band",
            "tier",
            "crisis",
            "triggered_rules",
            "recommendation",
            "hotlines",
            "result_url",
            "pdf_url",
            "language",
            "channel",
            "age_band",
            "created_at",
            "next",
            "follows",
        ]
        # Output only, and every field is always sent: required in the schema, so typed clients
        # and mock servers never treat `crisis` as possibly missing.
        extra_kwargs = {
            "created_at": {"required": True},
            "tier": {
                "help_text": "The next step the result calls for: `mild` (self-help reading), "
                "`moderate` (talk to an expert), `severe` (crisis referral). Set by the score "
                "band, and always `severe` in a crisis."
            },
            "crisis": {
                "required": True,
                "help_text": "True when an item rule fired, whatever the total: PHQ-9 item 9 "
                "(thoughts of self-harm) above 0, or crisis language in the person's own words. "
                "Show the safety message and hotlines first.",
            },
            "language": {"help_text": "The language the result was taken in (`zh-hans`, `en`)."},
            "age_band": {
                "required": True,
                "help_text": "The age band given with the answers; empty when none was.",
            },
            "triggered_rules": {
                "required": True,
                "help_text": "Codes of the item rules that fired, e.g. `self_harm`; "
                "`crisis_language` when the person's own words show a wish to die or a plan.",
            },
        }

    @extend_schema_field(
        PolymorphicProxySerializer(
            component_name="Recommendation",
            serializers=list(RECOMMENDATION_SERIALIZERS.values()),
            # No discriminator mapping: spectacular would name the variants by their component
            # names; each variant's `kind` is a one-value enum ("content", "schedule",
            # "referral"), which typed clients narrow on.
            resource_type_field_name=None,
        )
    )
    def get_recommendation(self, submission) -> dict:
        recommendation = self.parts_of(submission)["recommendation"]
        serializer = RECOMMENDATION_SERIALIZERS[recommendation["kind"]]
        return serializer(recommendation, context=self.context).data

    @extend_schema_field(HotlineSerializer(many=True))
    def get_hotlines(self, submission) -> list:
        return HotlineSerializer.represent(self.parts_of(submission)["hotlines"], self.context)

    def parts_of(self, submission) -> dict:
        """The result's parts (screening.recommendations.result_parts), built once per result:
        a referral's list and `hotlines` must agree."""
        if getattr(self, "_parts_of", None) is not submission:
            self._parts_of, self._parts = submission, result_parts(submission)
        return self._parts

    @extend_schema_field(NextQuestionnaireSerializer(many=True))
    def get_next(self, submission) -> list:
        return [
            {
                "questionnaire": offer.questionnaire.slug,
                "url": self.absolute(reverse("api-questionnaire", args=[offer.questionnaire.slug])),
                "carried_answers": offer.carried,
            }
            for offer in submission.step_up_offers()
        ]

    def get_result_url(self, submission) -> str:
        return self.absolute(submission.result_path())

    def get_pdf_url(self, submission) -> str:
        return self.absolute(submission.get_pdf_url())
