from rest_framework import serializers

from config.caching import RememberedRepresentation
from content.models import Article, Session


class AbsoluteUrlMixin:
    def absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ArticleItemSerializer(
    RememberedRepresentation, AbsoluteUrlMixin, serializers.ModelSerializer
):
    """An article as a result lists it: short, always with a text summary."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["slug", "title", "summary", "url", "video_url", "cover_url"]
        # Always sent, "" when there is none: required in the schema.
        extra_kwargs = {"video_url": {"required": True}, "cover_url": {"required": True}}

    def get_url(self, article) -> str:
        return self.absolute(article.get_absolute_url())


class ArticleSerializer(ArticleItemSerializer):
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta(ArticleItemSerializer.Meta):
        fields = [*ArticleItemSerializer.Meta.fields, "body", "topics", "published_at"]
        extra_kwargs = ArticleItemSerializer.Meta.extra_kwargs | {
            "body": {"required": True},
            "published_at": {"required": True},
        }


class SessionSerializer(RememberedRepresentation, AbsoluteUrlMixin, serializers.Serializer):
    title = serializers.CharField()
    host = serializers.CharField()
    platform = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    join_url = serializers.CharField(help_text="Link to join; may be empty when joined by phone.")
    join_phone = serializers.CharField(help_text="Number to join by phone, as written.")
    join_tel = serializers.CharField(
        help_text="`join_phone` as a tap-to-call link (an extension after a comma: "
        "tel:05711234567,8); empty when there is no number."
    )
    description = serializers.CharField(
        help_text="How to join in the editor's words (e.g. which WeChat channel to search); "
        "may be empty. Show it with the session."
    )
    kind = serializers.ChoiceField(choices=[Session.LIVESTREAM, Session.EXPERT_HOURS])
    ics_url = serializers.SerializerMethodField(help_text="Calendar file (.ics) to add it.")

    def get_ics_url(self, session) -> str:
        return self.absolute(session.ics_url())
