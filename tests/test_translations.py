import shutil
import subprocess
import sys

import polib
import pytest

from tests.conftest import ROOT

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What `make messages` leaves out: not ours, generated, or not read by villagers and clinicians.
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "__pycache__", "*.egg-info", "build", "clients", "node_modules", "staticfiles", "*.mo"
)


def msgids(catalogue: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}


def test_every_string_has_a_checked_chinese_translation():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"No Chinese yet in {PO.name}: {untranslated}"
    assert not fuzzy, f"Guessed by msgmerge, check and clear the fuzzy flag: {fuzzy}"


def test_the_catalogue_has_every_string_of_the_code_and_templates(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = msgids(polib.pofile(str(copy / PO.relative_to(ROOT))))
    missing = sorted(msgid for _, msgid in extracted - msgids(polib.pofile(str(PO))))
    assert not missing, f"Run `make messages` and translate: {missing}"


def test_the_catalogue_is_compiled():
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime, (
        "locale/ has no up-to-date django.mo: run `make setup` (compilemessages)"
    )


@pytest.mark.django_db
def test_the_home_page_is_in_chinese_by_default(client, demo_data):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "zh-hans"
    assert "您最近过得怎么样？" in html
    assert "自测不是诊断" in html
    assert "How have you been feeling?" not in html


@pytest.mark.django_db
def test_the_not_found_page_is_in_chinese_with_the_hotline(client, questionnaires):
    page = client.get("/q/nope/")
    html = page.content.decode()
    assert page.status_code == 404
    assert "我们找不到这个页面" in html
    assert "心理援助热线" in html
    assert 'href="tel:12356"' in html
    assert "We could not find this page" not in html


def test_no_url_carries_a_language_prefix():
    # config.middleware.LocaleMiddleware takes the language from the cookie, Accept-Language or
    # ?lang=, never from the path; i18n_patterns would need Django's own middleware back.
    from django.conf import settings
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    assert is_language_prefix_patterns_used(settings.ROOT_URLCONF) == (False, False)
