import io
import logging
import os
import uuid
from datetime import datetime
from importlib import import_module
from pathlib import Path

import pytest
import redis
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from config.caching import forget_recent_reads
from config.logs import RedactPersonalData
from screening.models import forget_cached_versions
from tests.clients import FormClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def pytest_configure(config):
    """TEST_CLOCK=2026-12-12T10:30:00+08:00 runs the suite as if started then, the clock ticking
    on from there: a test that passes only on some weekdays or at some hours shows itself."""
    if clock := os.environ.get("TEST_CLOCK"):
        start = datetime.fromisoformat(clock)
        if start.utcoffset() is None:
            raise pytest.UsageError(f"TEST_CLOCK needs a UTC offset, e.g. {clock}+08:00")
        traveller = time_machine.travel(start, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True, scope="session")
def _sheet_font():
    # The PDF sheets' own font, as `make setup` builds it: once per checkout, a few seconds.
    from screening import sheet_font

    if not sheet_font.path().is_file():
        sheet_font.build(sheet_font.path())


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; each test starts with none. Fixtures reload the same
    # primary keys in every test, so the per-process caches of rows start empty too.
    cache.clear()
    forget_cached_versions()
    forget_recent_reads()
    yield
    cache.clear()
    forget_cached_versions()
    forget_recent_reads()


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves its language active in the thread (LocaleMiddleware activates, nothing
    # deactivates): without this, a test after an English request would write and read the
    # English fields of translated models where it means the default language's.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def log_output():
    """What the configured console handler writes, for the duration of a test."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.fixture
def questionnaires(db):
    """The real PHQ-9 and GAD-7 fixtures, as the demo and production data ship them."""
    call_command("loaddata", FIXTURES / "screening_questionnaires.json", verbosity=0)


@pytest.fixture
def more_questionnaires(questionnaires):
    """The GDS-15 (older adults), EPDS (pregnancy and after birth), PHQ-A (adolescents) and
    PHQ-4 (ultra-brief) fixtures."""
    call_command("loaddata", FIXTURES / "screening_more_questionnaires.json", verbosity=0)


@pytest.fixture
def channels(questionnaires):
    call_command("loaddata", FIXTURES / "screening_channels.json", verbosity=0)


@pytest.fixture
def staff_groups(db):
    """The staff roles made by a data migration, which a transactional test's flush removes."""
    import_module("referrals.migrations.0002_staff_groups").grant_roles(Group, Permission)
    import_module("referrals.migrations.0016_on_duty_roster").grant(Group, Permission)
    import_module("referrals.migrations.0018_phone_number_displays").grant(Group, Permission)
    import_module("content.migrations.0005_pause_permissions").grant(Group, Permission)
    import_module("referrals.migrations.0010_local_service_permissions").grant(Group, Permission)
    import_module("referrals.migrations.0012_shipped_crisis_lexicon").grant(Group, Permission)


@pytest.fixture
def crisis_lexicon(db):
    """The shipped crisis-language lexicon, made by a data migration a transactional test's
    flush removes."""
    from referrals.models import CrisisPhrase

    for migration in (
        "0012_shipped_crisis_lexicon",
        "0020_phrases_across_clauses",
        "0022_harm_to_others_and_english_phrases",
    ):
        import_module(f"referrals.migrations.{migration}").load_lexicon(CrisisPhrase)


@pytest.fixture
def shared_redis():
    """A Redis database and key prefix of this test's own; skipped where no Redis runs."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {url} (set TEST_REDIS_URL)")
    prefix = f"test-{uuid.uuid4().hex}"
    yield url, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def client():
    """Posting forms as the pages do (tests.clients)."""
    return FormClient()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hotlines(db):
    call_command("loaddata", FIXTURES / "referrals_hotlines.json", verbosity=0)


@pytest.fixture
def local_services(db):
    call_command("loaddata", FIXTURES / "referrals_local_services.json", verbosity=0)


@pytest.fixture
def content(questionnaires):
    call_command("loaddata", FIXTURES / "content_demo.json", verbosity=0)


@pytest.fixture
def demo_data(channels, more_questionnaires, hotlines, local_services, content):
    """Every shipped fixture, as `make run` loads them."""


CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download at install)."""
    import os

    if not os.path.exists(CHROMIUM):
        message = "needs Debian's chromium (`make test` installs it: scripts/system-deps.sh test)"
        # CI installs it; a missing browser there must fail, not quietly skip the browser tests.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def staff_browser(browser, live_server, client):
    """A browser context logged in as ``user`` through a real session cookie."""
    contexts = []

    def open_as(user, width=1280, height=900):
        client.force_login(user)
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()
