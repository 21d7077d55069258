"""System checks for what villagers are sent to (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def site_url_is_public(app_configs, **kwargs) -> list[CheckMessage]:
    """Posters' QR codes and the crisis team's links are built from SITE_URL."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme == "https" and parts.hostname not in (None, "localhost", "127.0.0.1", "::1"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the QR codes on printed posters and the links "
            "in crisis-team notifications would point there.",
            hint="Set SITE_URL to the service's public https address, e.g. https://xinqiao.example.org.",
            id="screening.W001",
        )
    ]


def sheet_font_is_built(app_configs, **kwargs) -> list[CheckMessage]:
    """Without their own font the sheets still print, at about twice the size and time."""
    from screening import sheet_font  # WeasyPrint loads Pango: only when checking

    if sheet_font.path().is_file():
        return []
    return [
        Warning(
            f"The printable sheets' font is missing ({sheet_font.path()}): PDF sheets embed the "
            "whole system font's glyph table instead, about 200 KB each.",
            hint="Run `python manage.py sheet_font` (make setup does).",
            id="screening.W002",
        )
    ]
