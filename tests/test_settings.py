"""Settings come from the environment and fail loudly when production values are missing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# What production sets (README, Deployment); check --deploy judges a SECRET_KEY by its length.
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "xinqiao.example.org",
    "CRISIS_TEAM_EMAILS": "crisis-team@xinqiao.example.org",
    "SITE_URL": "https://xinqiao.example.org",
    "SMS_GATEWAY_URL": "https://sms.example.org/send",
}


def run(args, **env):
    # The browser tests allow the ORM in Playwright's event loop; production never does.
    names = set(PRODUCTION) | {
        "REDIS_URL",
        "NUM_PROXIES",
        "LOG_FORMAT",
        "LOG_STREAM",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CRISIS_WEBHOOK_URL",
        "CRISIS_WEBHOOK_FORMAT",
        "SITE_URL",
        "SMS_BACKEND",
    }
    names |= {k for k in os.environ if k.startswith("SECURE_")}
    clean = {k: v for k, v in os.environ.items() if k not in names}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


def load_settings(**env):
    return run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.DATABASES['default']['CONN_MAX_AGE'])",
        ],
        **env,
    )


def setting(expression: str, **env) -> str:
    """``expression`` (over ``s``, the settings) evaluated in a fresh process with ``env``."""
    result = run(
        ["-c", f"from django.conf import settings as s; print({expression})"],
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key():
    result = load_settings(DEBUG="False", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["False", "Asia/Shanghai", "zh-hans"]


def test_development_needs_no_environment_and_keeps_connections():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    assert int(result.stdout.split()[3]) > 0


def test_production_settings_pass_the_deploy_checks():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_warn_when_nobody_would_be_told_of_call_backs():
    without = {k: v for k, v in PRODUCTION.items() if k != "CRISIS_TEAM_EMAILS"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **without)
    assert result.returncode == 1
    assert "referrals.W001" in result.stderr
    webhook = without | {"CRISIS_WEBHOOK_URL": "https://pager.example.org/hook"}
    assert (
        run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **webhook).returncode
        == 0
    )


def test_the_deploy_checks_warn_when_no_text_message_could_be_sent():
    without = {k: v for k, v in PRODUCTION.items() if k != "SMS_GATEWAY_URL"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **without)
    assert result.returncode == 1
    assert "referrals.W002" in result.stderr
    console = without | {"SMS_BACKEND": "referrals.sms.ConsoleBackend"}
    assert (
        run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **console).returncode
        == 0
    )


def test_deploy_check_warns_while_posters_would_point_at_localhost():
    # The QR codes of printed posters are built from SITE_URL.
    for site_url in (None, "http://xinqiao.example.org", "https://127.0.0.1:8000"):
        env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
        if site_url:
            env["SITE_URL"] = site_url
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
        assert result.returncode == 1, site_url
        assert "screening.W001" in result.stderr, site_url
    assert (
        run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION).returncode
        == 0
    )


def test_production_redirects_to_https_sends_hsts_and_secure_cookies():
    values = setting(
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER",
        **PRODUCTION,
    )
    assert values == "True True True True True None"


def test_the_proxy_header_and_the_redirect_come_from_the_environment():
    values = setting(
        "s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT",
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SECURE_SSL_REDIRECT="False",
    )
    assert values == "('HTTP_X_FORWARDED_PROTO', 'https') False"


def test_a_malformed_proxy_header_refuses_to_start():
    result = load_settings(**PRODUCTION, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be" in result.stderr


def test_development_stays_on_plain_http():
    assert setting("s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE") == (
        "False 0 False"
    )


def test_the_cache_is_local_memory_unless_redis_url_is_set():
    backend = "s.CACHES['default']['BACKEND']"
    assert setting(backend) == "django.core.cache.backends.locmem.LocMemCache"
    redis = setting(
        f"{backend}, s.CACHES['default']['LOCATION']", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert redis == "config.cache.RedisWithFallbackCache redis://127.0.0.1:6379/3"


def test_forwarded_for_is_ignored_unless_proxies_are_declared():
    assert setting("s.REST_FRAMEWORK['NUM_PROXIES']") == "0"
    assert setting("s.REST_FRAMEWORK['NUM_PROXIES']", NUM_PROXIES="1") == "1"


def test_an_unknown_log_format_refuses_to_start():
    result = load_settings(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr


def test_an_unknown_log_stream_refuses_to_start():
    result = load_settings(LOG_STREAM="syslog")
    assert result.returncode != 0
    assert "LOG_STREAM must be stdout or stderr" in result.stderr


def test_an_unknown_crisis_webhook_format_refuses_to_start():
    result = load_settings(CRISIS_WEBHOOK_FORMAT="xml")
    assert result.returncode != 0
    assert 'CRISIS_WEBHOOK_FORMAT must be "json" or "text"' in result.stderr


def test_management_commands_keep_log_lines_off_their_output():
    # A command's stdout is data (dumpdata, exports): a log line must not land in it.
    logs = "import logging; logging.getLogger('probe').warning('a log line'); print('data')"
    result = run(["manage.py", "shell", "--no-imports", "-c", logs])
    assert result.returncode == 0, result.stderr
    assert "a log line" in result.stderr
    assert result.stdout == "data\n"


POSTGRES = "postgres://xinqiao@db.internal:5432/xinqiao"


def test_postgresql_connections_have_limits_for_a_hung_database():
    options = setting("s.DATABASES['default']['OPTIONS']", DATABASE_URL=POSTGRES)
    assert "'connect_timeout': 3" in options
    assert "'options': '-c statement_timeout=5000 -c lock_timeout=2000'" in options
    assert "'tcp_user_timeout': 5000" in options
    assert "'keepalives': 1" in options


def test_the_database_limits_come_from_the_environment_and_0_lifts_them():
    env = {
        "DATABASE_URL": POSTGRES,
        "DATABASE_CONNECT_TIMEOUT": "10",
        "DATABASE_STATEMENT_TIMEOUT": "0",
        "DATABASE_LOCK_TIMEOUT": "0.5",
    }
    options = setting("s.DATABASES['default']['OPTIONS']", **env)
    assert "'connect_timeout': 10" in options
    assert "'options': '-c lock_timeout=500'" in options


def test_without_database_limits_no_server_options_are_sent():
    # PgBouncer refuses a connection that carries them; the role's settings apply then.
    env = {"DATABASE_STATEMENT_TIMEOUT": "0", "DATABASE_LOCK_TIMEOUT": "0"}
    options = setting("s.DATABASES['default']['OPTIONS']", DATABASE_URL=POSTGRES, **env)
    assert "'options'" not in options and "'connect_timeout': 3" in options


def test_prepared_statements_are_on_unless_a_pooler_needs_them_off():
    options = setting("s.DATABASES['default']['OPTIONS']", DATABASE_URL=POSTGRES)
    assert "'prepare_threshold': 0" in options
    env = {"DATABASE_PREPARED_STATEMENTS": "False"}
    options = setting("s.DATABASES['default']['OPTIONS']", DATABASE_URL=POSTGRES, **env)
    assert "prepare_threshold" not in options


def test_options_in_the_database_url_win():
    url = f"{POSTGRES}?connect_timeout=7&sslmode=require"
    options = setting("s.DATABASES['default']['OPTIONS']", DATABASE_URL=url)
    assert "'connect_timeout': 7" in options and "'sslmode': 'require'" in options
    assert "statement_timeout=5000" in options


def test_sqlite_gets_no_postgresql_options():
    options = "s.DATABASES['default'].get('OPTIONS')"
    assert setting(options, DATABASE_URL="sqlite:///x.sqlite3") == "None"


def test_a_negative_or_too_short_database_limit_refuses_to_start():
    result = load_settings(DATABASE_LOCK_TIMEOUT="-1")
    assert result.returncode != 0
    assert "DATABASE_LOCK_TIMEOUT must be 0 (no limit) or more seconds" in result.stderr
    result = load_settings(DATABASE_CONNECT_TIMEOUT="1")
    assert result.returncode != 0
    assert "DATABASE_CONNECT_TIMEOUT must be 2 seconds or more" in result.stderr


def test_deploy_check_warns_while_the_sheets_font_is_missing(tmp_path):
    # Sheets still print without it, at twice the size: `make setup` builds it.
    env = PRODUCTION | {"SHEET_FONT": str(tmp_path / "missing.otf")}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 1
    assert "screening.W002" in result.stderr
