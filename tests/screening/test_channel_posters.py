"""A channel's QR code and poster: they scan to its address, which opens its questionnaire."""

import pytest

from screening.models import Channel, Submission
from tests.qrcodes import qr_codes_in, qr_codes_on_page
from tests.screening.form_answers import answers

pytestmark = pytest.mark.django_db


def test_a_qr_code_opens_the_channel_questionnaire_and_is_remembered(client, demo_data):
    landing = client.get("/c/demo/")
    assert landing.status_code == 302
    assert landing["Location"] == "/q/phq-9/"
    response = client.post("/q/phq-9/", answers((0,) * 9))
    assert response.status_code == 303
    assert Submission.objects.get().channel == Channel.objects.get(code="demo")


@pytest.mark.parametrize("code", ["no-such-poster", "demo-off"])
def test_an_unknown_or_inactive_code_still_leads_to_the_tests(client, demo_data, code):
    Channel.objects.create(code="demo-off", name="old poster", active=False)
    landing = client.get(f"/c/{code}/")
    assert landing.status_code == 302
    assert landing["Location"] == "/"
    client.post("/q/gad-7/", answers((0,) * 7, "gad7"))
    assert Submission.objects.get().channel is None


@pytest.mark.parametrize("path", ["/c/%00/", "/c/demo%00/", "/c/%E6%B5%B7%E6%8A%A5/"])
def test_a_code_no_channel_could_have_still_leads_to_the_tests(client, demo_data, path):
    # A NUL would make PostgreSQL refuse the query: a 500 where a poster should just work.
    landing = client.get(path)
    assert landing.status_code == 302
    assert landing["Location"] == "/"


def test_admin_offers_each_channel_qr_code_and_a_printable_poster(admin_client, demo_data):
    import subprocess

    channel = Channel.objects.get(code="demo")
    svg = admin_client.get(f"/admin/screening/channel/{channel.pk}/qr.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = admin_client.get(f"/admin/screening/channel/{channel.pk}/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # Printed by staff who may read the admin in English, for villagers: always in Chinese.
    poster = admin_client.get(
        f"/admin/screening/channel/{channel.pk}/poster.pdf", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert poster["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=poster.content, capture_output=True, check=True
    ).stdout.decode()
    assert "12356" in text
    assert "/c/demo/" in text
    assert "扫一扫" in text and "Scan the code" not in text
    change = admin_client.get(f"/admin/screening/channel/{channel.pk}/change/").content.decode()
    assert "qr.svg" in change and "poster.pdf" in change


def test_the_qr_code_encodes_the_channel_address(demo_data, settings):
    from screening.posters import channel_url

    settings.SITE_URL = "https://xinqiao.example.cn"
    assert channel_url(Channel.objects.get(code="demo")) == "https://xinqiao.example.cn/c/demo/"


def test_the_poster_and_qr_image_scan_to_the_channel_address(
    admin_client, client, demo_data, settings, tmp_path
):
    settings.SITE_URL = "https://xinqiao.example.cn"
    channel = Channel.objects.get(code="demo")
    address = "https://xinqiao.example.cn/c/demo/"
    png = admin_client.get(f"/admin/screening/channel/{channel.pk}/qr.png").content
    assert qr_codes_in(png) == [address]
    poster = admin_client.get(f"/admin/screening/channel/{channel.pk}/poster.pdf").content
    assert qr_codes_on_page(poster, tmp_path) == [address]
    # What a villager's phone opens: the channel's questionnaire.
    assert client.get("/c/demo/")["Location"] == "/q/phq-9/"
