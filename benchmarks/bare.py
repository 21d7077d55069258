"""A bare Django app, the baseline of benchmarks/throughput.py, served by the same gunicorn.

No middleware, no apps, no templates: a view that inserts one row, one that reads one row, one
that answers a tiny JSON and one that renders a one-line PDF with WeasyPrint. Same database
settings as the service (DATABASE_URL, persistent connections). `python benchmarks/bare.py`
creates its table.
"""

import json
import secrets

import django
import environ
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

env = environ.Env()
database = env.db("DATABASE_URL")
database["CONN_MAX_AGE"] = 600
database["CONN_HEALTH_CHECKS"] = True
settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": database},
    USE_TZ=True,
    # As config/settings.py: WeasyPrint logs every layout step at INFO.
    LOGGING={
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
    },
)
django.setup()

TABLE = "benchmark_bare_row"


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(token varchar(64) PRIMARY KEY, body text NOT NULL, created_at timestamp NOT NULL)"
        )


@csrf_exempt
def insert(request):
    """Parse a JSON body and store it as one row under a new token."""
    body = json.loads(request.body)
    token = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (token, body, created_at) VALUES (%s, %s, %s)",
            [token, json.dumps(body), timezone.now()],
        )
    return JsonResponse({"token": token}, status=201)


def read_one_row(request, token):
    """Read one row by its key and answer a tiny JSON: the least a result page can do."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, created_at FROM {TABLE} WHERE token = %s", [token])
        row = cursor.fetchone()
    return JsonResponse({"found": row is not None})


def tiny_json(request):
    return JsonResponse({"ok": True})


def tiny_pdf(request):
    from weasyprint import HTML

    return HttpResponse(HTML(string="<p>Hello</p>").write_pdf(), content_type="application/pdf")


urlpatterns = [
    path("insert", insert),
    path("json", tiny_json),
    path("read/<str:token>", read_one_row),
    path("pdf", tiny_pdf),
]

application = get_wsgi_application()

if __name__ == "__main__":
    create_table()
