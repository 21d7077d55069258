import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Only in the web process: management commands may rightly wait on a long statement.
from config.watchdog import watch_database_waits  # noqa: E402

watch_database_waits()
