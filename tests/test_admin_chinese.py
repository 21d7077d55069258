"""The staff admin in Chinese throughout: django-axes' section, and the data the fixtures ship."""

import json
import re

import pytest
from axes.models import AccessAttempt

from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# The instruments' attribution, kept first as their authors wrote it (its Chinese follows).
AS_WRITTEN = {"copyright"}


def test_the_login_lockouts_section_is_in_chinese(admin_client):
    AccessAttempt.objects.create(
        username="doctor",
        ip_address="203.0.113.9",
        user_agent="test",
        http_accept="*/*",
        path_info="/admin/login/",
        failures_since_start=2,
    )
    index = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录锁定" in index and "登录尝试" in index
    assert ">Axes<" not in index and "Access attempts" not in index
    listed = admin_client.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = listed.content.decode()
    for chinese in ("用户名", "IP 地址", "失败次数", "尝试时间"):
        assert chinese in text
    for english in ("User Agent", "Failed Logins", "Attempt Time", "Access attempts"):
        assert english not in text


def untranslated_fields(record: dict) -> dict:
    """The fields of a fixture record stored in one language only (no ``_en`` twin)."""
    fields = record["fields"]
    return {
        name: value
        for name, value in fields.items()
        if isinstance(value, str)
        and not re.search(r"_(en|zh_hans)$", name)
        and f"{name}_en" not in fields
        and name not in AS_WRITTEN
    }


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_texts_the_fixtures_store_in_one_language_lead_in_chinese(fixture):
    for record in json.loads((FIXTURES / fixture).read_text()):
        for name, value in untranslated_fields(record).items():
            if LATIN_WORDS.search(value):
                first = CHINESE.search(value)
                assert first and first.start() < LATIN_WORDS.search(value).start(), (
                    f"{record['model']} {record.get('pk')} {name}: {value[:60]}"
                )
