"""Admin for channels: posters and their QR codes."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from referrals.admin import UnknownRegionFilter, region_cell
from screening import posters
from screening.models import (
    Channel,
)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_code", "default_questionnaire", "active", "downloads"]
    list_filter = ["active", UnknownRegionFilter]
    search_fields = ["code", "name", "region"]
    readonly_fields = ["downloads"]

    @admin.display(description=_("region code"), ordering="region")
    def region_code(self, channel) -> str:
        return region_cell(
            channel.region,
            _("not a region code: results from this poster list the national lines only"),
        )

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # The code is in the address of the printed posters' QR codes.
        return [*super().get_readonly_fields(request, obj), *(["code"] if obj else [])]

    def get_urls(self) -> list[URLPattern]:
        def view(kind):
            return self.admin_site.admin_view(lambda request, pk: self.download(request, pk, kind))

        return [
            path("<int:pk>/qr.svg", view("svg"), name="screening_channel_qr_svg"),
            path("<int:pk>/qr.png", view("png"), name="screening_channel_qr_png"),
            path("<int:pk>/poster.pdf", view("poster"), name="screening_channel_poster"),
            *super().get_urls(),
        ]

    def download(self, request, pk: int, kind: str) -> HttpResponse:
        channel = get_object_or_404(Channel, pk=pk)
        if not self.has_view_permission(request, channel):
            return HttpResponse(status=403)
        body, content_type, name = {
            "svg": (posters.qr_svg, "image/svg+xml", f"qr-{channel.code}.svg"),
            "png": (posters.qr_png, "image/png", f"qr-{channel.code}.png"),
            "poster": (posters.poster_pdf, "application/pdf", f"poster-{channel.code}.pdf"),
        }[kind]
        response = HttpResponse(body(channel), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.display(description=_("QR code and poster"))
    def downloads(self, channel) -> str:
        if not channel.pk:
            return "—"
        return format_html(
            '<a href="{}">SVG</a> · <a href="{}">PNG</a> · <a href="{}">{}</a>',
            reverse("admin:screening_channel_qr_svg", args=[channel.pk]),
            reverse("admin:screening_channel_qr_png", args=[channel.pk]),
            reverse("admin:screening_channel_poster", args=[channel.pk]),
            _("A4 poster (PDF)"),
        )
