from modeltranslation.translator import TranslationOptions, register

from content.models import Article, ExpertHours, Livestream, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(Livestream)
class LivestreamTranslation(TranslationOptions):
    fields = ("title", "host", "platform", "description")


@register(ExpertHours)
class ExpertHoursTranslation(TranslationOptions):
    fields = ("title", "host", "platform", "description")
