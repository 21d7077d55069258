"""The API's questionnaires (list and detail) and the answers sent to it.

The result a submission answers with is ``screening.result_serializers``.
"""

from rest_framework import serializers

from config.ages import AgeBand
from screening.models import Option, Question, QuestionnaireVersion


class QuestionnaireListSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField(help_text="The instrument's name, for clinicians and printouts.")
    plain_name = serializers.CharField(
        help_text="What people choose by, in everyday words without the name of an illness "
        "(the title where clinicians wrote none). Show this one; the title small, if at all."
    )
    start_here = serializers.BooleanField(
        source="is_start",
        help_text="The test to suggest to whoever is not sure which to take (listed first): "
        "exactly one is true.",
    )
    summary = serializers.CharField()
    version = serializers.IntegerField(source="current_version_number")
    question_count = serializers.IntegerField()
    min_age = serializers.IntegerField(
        allow_null=True,
        help_text="The youngest age the questionnaire is made for (GDS-15: 60); null: no lower "
        "limit. Use it to suggest, never to hide: anyone may take any questionnaire.",
    )
    max_age = serializers.IntegerField(
        allow_null=True,
        help_text="The oldest age the questionnaire is made for (PHQ-A: 17); null: no limit.",
    )


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["value", "label"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True)

    class Meta:
        model = Question
        fields = ["code", "text", "kind", "max_length", "scored", "required", "options"]
        extra_kwargs = {
            "scored": {"required": True},
            "required": {"required": True},
            "kind": {
                "required": True,
                "help_text": "`choice`: answer with one option's `value`; `yes_no`: the same, "
                "with exactly two options, “yes” first and “no” second (show them side by side; "
                "which one scores is in their values); `text`: answer with the person's own "
                "words (a string of at most `max_length` characters, or nothing), never scored.",
            },
            "max_length": {
                "required": True,
                "help_text": "Longest free-text answer in characters; null for a choice or a "
                "yes-or-no question.",
            },
        }


class QuestionnaireDetailSerializer(serializers.ModelSerializer):
    """A questionnaire as its current published version asks it."""

    slug = serializers.SlugField(source="questionnaire.slug")
    title = serializers.CharField(source="questionnaire.title")
    plain_name = serializers.CharField(source="questionnaire.plain_name")
    summary = serializers.CharField(source="questionnaire.summary")
    version = serializers.IntegerField(source="number")
    instructions = serializers.CharField(source="questionnaire.instructions")
    recall_period = serializers.CharField(source="questionnaire.recall_period")
    copyright = serializers.CharField(source="questionnaire.copyright")
    max_score = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True)

    class Meta:
        model = QuestionnaireVersion
        fields = [
            "slug",
            "title",
            "plain_name",
            "summary",
            "version",
            "instructions",
            "recall_period",
            "copyright",
            "max_score",
            "questions",
        ]

    def get_max_score(self, version) -> int:
        return version.definition().max_score


class ChannelCodeField(serializers.CharField):
    """A channel code that is ignored (None), not refused, when it could be no channel's."""

    def run_validation(self, data=serializers.empty) -> str | None:
        try:
            return super().run_validation(data)
        except serializers.ValidationError:
            # A poster link with a mangled code must never stop someone getting their result:
            # it is ignored as an unknown code is.
            return None


class SubmissionInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text='Question code → the chosen option\'s integer value, e.g. {"phq9_1": 0}; '
        "for a free-text question (`kind` `text`), the person's own words as a string. Words "
        "that show a wish to die or a plan make the result a crisis, whatever the score."
    )
    channel = ChannelCodeField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=32,
        help_text="Code of the channel (poster, QR code) the person came from; unknown, "
        "inactive or malformed codes (too long, not text) are ignored, never refused.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The `version` of the questionnaire the person was shown (from its detail). "
        "Send it: if a newer version goes live while they answer, they are still scored against "
        "the questions they saw. Without it (or null), the current version scores the answers.",
    )
    age_band = serializers.ChoiceField(
        choices=AgeBand.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The age band the person chose, if they chose one (never require it): "
        "`under_14`, `14_17`, `18_59` or `60_plus`; empty or null for none. Under 18 the result "
        "also lists the youth line 12355; under 14 a call-back needs `guardian_consent`.",
    )
    follows = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=64,
        help_text="The `token` of the quick check (PHQ-4) whose `next` led here: the answers "
        "it carries over are filled in from it and may be left out of `answers` (sent, they "
        "must be the same). An unknown token, or a result that does not lead on to this "
        "questionnaire, is refused.",
    )
