from modeltranslation.translator import TranslationOptions, register

from referrals.models import Hotline, LocalService


@register(Hotline)
class HotlineTranslation(TranslationOptions):
    fields = ("name", "operator", "hours_note")


@register(LocalService)
class LocalServiceTranslation(TranslationOptions):
    fields = ("name", "address", "hours")
