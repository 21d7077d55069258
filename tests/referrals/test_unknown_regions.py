"""Rows whose region is no region code (saved before codes were checked) are shown up in admin:
results match regions by code, so such a line is listed for no one, and such a poster's results
list the national lines only."""

from datetime import date

import pytest

from referrals.models import Hotline
from screening.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(channels):
    # Written straight to the database (save() would blank it), as rows from before the check
    # were, and as fixtures are loaded.
    gansu = Hotline.objects.create(
        name="甘肃热线", number="0931-1234567", last_verified=date(2026, 11, 1)
    )
    Hotline.objects.filter(pk=gansu.pk).update(region="甘肃")
    Hotline.objects.create(
        name="定西热线", number="0932-1234567", region="6211", last_verified=date(2026, 11, 1)
    )
    Hotline.objects.create(name="全国热线", number="12356", last_verified=date(2026, 11, 1))
    Channel.objects.filter(code="demo-gansu").update(region="Dingxi")


def test_the_hotline_list_shows_a_region_that_is_no_code(admin_client, regions):
    page = admin_client.get("/admin/referrals/hotline/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "甘肃 – not a region code: no result lists this line" in text
    assert "6211 –" not in text

    shown = admin_client.get("/admin/referrals/hotline/?region_code=unknown")
    assert [line.name for line in shown.context["cl"].result_list] == ["甘肃热线"]


def test_the_channel_list_shows_a_region_that_is_no_code(admin_client, regions):
    page = admin_client.get("/admin/screening/channel/")
    text = page.content.decode()
    assert "Dingxi – 不是地区代码" in text
    assert "110108 –" not in text

    shown = admin_client.get("/admin/screening/channel/?region_code=unknown")
    assert [channel.code for channel in shown.context["cl"].result_list] == ["demo-gansu"]
