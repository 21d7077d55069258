from modeltranslation.translator import TranslationOptions, register

from referrals.models import Hotline


@register(Hotline)
class HotlineTranslation(TranslationOptions):
    fields = ("name", "operator", "hours_note")
