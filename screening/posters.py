"""QR codes and printable A4 posters for channels (the posters in village clinics)."""

import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from screening.models import Channel


def channel_url(channel: Channel) -> str:
    """The public address a poster's QR code points at."""
    return settings.SITE_URL.rstrip("/") + reverse("channel", args=[channel.code])


def qr_svg(channel: Channel) -> bytes:
    out = io.BytesIO()
    # Error correction "M" survives a poster that is a little creased or dirty.
    segno.make(channel_url(channel), error="m").save(out, kind="svg", scale=10, border=2)
    return out.getvalue()


def qr_png(channel: Channel) -> bytes:
    out = io.BytesIO()
    segno.make(channel_url(channel), error="m").save(out, kind="png", scale=12, border=2)
    return out.getvalue()


def poster_pdf(channel: Channel) -> bytes:
    qr = segno.make(channel_url(channel), error="m").svg_data_uri(scale=10, border=2)
    # For the villagers who pass it, not in the language of the staff member printing it.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "screening/poster.html", {"channel": channel, "qr": qr, "url": channel_url(channel)}
        )
    return HTML(string=html).write_pdf()
