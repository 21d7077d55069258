"""Fields stored once per language (django-modeltranslation): Chinese first, English second."""

from modeltranslation.translator import TranslationOptions, register

from screening.models import ItemRule, Option, Question, Questionnaire, ScoreBand


@register(Questionnaire)
class QuestionnaireTranslation(TranslationOptions):
    fields = ("title", "plain_title", "summary", "instructions", "recall_period")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text",)


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("label",)


@register(ScoreBand)
class ScoreBandTranslation(TranslationOptions):
    fields = ("label", "meaning")


@register(ItemRule)
class ItemRuleTranslation(TranslationOptions):
    fields = ("description",)
