from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from django.core import checks

        from screening.checks import sheet_font_is_built, site_url_is_public
        from screening.converters import TokenConverter

        checks.register(site_url_is_public, deploy=True)
        checks.register(sheet_font_is_built, deploy=True)

        # Here, not in one urls module: the API, PDF and page URLs all take a token.
        register_converter(TokenConverter, "token")
