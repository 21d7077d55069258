import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from config.bodies import read_chunked_bodies  # noqa: E402
from config.watchdog import watch_database_waits  # noqa: E402

# Only in the web process: management commands may rightly wait on a long statement.
watch_database_waits()
application = read_chunked_bodies(django_application)
