"""Static files in production: hashed names with far-future caching, compressed, by whitenoise."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh process: DEBUG decides the storage backend when settings are first read.
SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
url = staticfiles_storage.url("css/site.css")
plain = Client().get(url, HTTP_HOST="xinqiao.example.org", secure=True)
zipped = Client().get(
    url, HTTP_HOST="xinqiao.example.org", secure=True, HTTP_ACCEPT_ENCODING="gzip"
)
print(url)
print(plain.status_code, plain["Cache-Control"])
print(zipped.status_code, zipped.get("Content-Encoding", ""))
"""


def test_production_serves_hashed_static_files_cached_for_a_year_and_gzipped(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "xinqiao.example.org",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": "sqlite://:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    url, plain, zipped = result.stdout.strip().splitlines()[-3:]
    # A content hash in the name lets browsers keep the file until it changes.
    assert (
        url.startswith("/static/css/site.")
        and url.endswith(".css")
        and url != "/static/css/site.css"
    )
    status, cache_control = plain.split(" ", 1)
    assert status == "200"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    assert zipped == "200 gzip"
