"""Settings for the whole service, read from the environment (django-environ).

With no environment at all this runs for development on a SQLite file in the project.
Production must set DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.

One module on purpose, past 400 lines: every setting, its environment variable and why it has
its default, read in one place (README's configuration table mirrors it).
"""

import json
from pathlib import Path

import environ
from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    # modeltranslation must come before admin so its admin integration takes effect.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "screening",
    "referrals",
    "content",
    "config.apps.AxesConfig",  # django-axes, named for staff
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # CORS first, so that preflight requests and every other response carry its headers.
    "corsheaders.middleware.CorsMiddleware",
    # Above SecurityMiddleware, whose HTTPS redirect of a result address must not be cached.
    "config.private_results.PrivateResultMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    # Database down: a 503 with the hotlines instead of an error page without them.
    "config.outage.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Sessions, logins and messages are the staff admin's; villagers' pages and the API skip them.
    "config.middleware.SessionMiddleware",
    # Django's, without language prefixes in paths, and with ?lang=en on /api/ for clients that
    # cannot set Accept-Language.
    "config.middleware.LocaleMiddleware",
    # A body too large, or of files outside the admin, is refused before anything reads it (CSRF
    # reads forms); after the language is known, for the refusal's page.
    "config.bodies.RequestBodyMiddleware",
    # Django's, with API addresses served without their trailing slash rather than redirected.
    "config.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.AuthenticationMiddleware",
    "config.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Locks out brute-force staff logins; keep it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: without them every request pays a PostgreSQL connect (~9x slower inserts).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


# A database that hangs (a failover, a full disk, a pile-up of locks) must not hold a request:
# each limit ends in an OperationalError, which is the 503 with the hotlines
# (config.middleware.ServiceUnavailableMiddleware), and the next request tries again.
# PostgreSQL only; in seconds. 0 sets no limit from here (a long migration: README, Configuration).
def seconds(name: str, default: float) -> float:
    value = env.float(name, default=default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 (no limit) or more seconds.")
    return value


DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
if DATABASE_CONNECT_TIMEOUT < 2:
    raise ImproperlyConfigured(
        "DATABASE_CONNECT_TIMEOUT must be 2 seconds or more (libpq's least)."
    )
DATABASE_STATEMENT_TIMEOUT = seconds("DATABASE_STATEMENT_TIMEOUT", 5)
DATABASE_LOCK_TIMEOUT = seconds("DATABASE_LOCK_TIMEOUT", 2)
DATABASE_TCP_USER_TIMEOUT = seconds("DATABASE_TCP_USER_TIMEOUT", 5)
# Off only behind a pooler that hands one client several server sessions and cannot keep
# prepared statements (PgBouncer in transaction mode before 1.22, which first handles the
# DEALLOCATE ALL psycopg sends after a rollback, or without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Enforced by the server, for every statement of every connection.
    limits = {
        "statement_timeout": DATABASE_STATEMENT_TIMEOUT,
        "lock_timeout": DATABASE_LOCK_TIMEOUT,
    }
    server_options = " ".join(
        f"-c {name}={round(value * 1000)}" for name, value in limits.items() if value
    )
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        # Without limits, no "options" at all: PgBouncer refuses connections that carry it.
        **({"options": server_options} if server_options else {}),
        # A peer that vanished (the old primary of a failover) is noticed on a kept connection:
        # data it does not acknowledge is given up on, and an idle connection is probed.
        "tcp_user_timeout": round(DATABASE_TCP_USER_TIMEOUT * 1000),
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        # The reads that ask for it are planned once per kept connection, at their first run
        # (config.kept_connections); Django's own queries bind on the client and never are.
        **({"prepare_threshold": 0} if DATABASE_PREPARED_STATEMENTS else {}),
        # DATABASE_URL's own query options (?sslmode=require) win.
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff logins: 5 failures lock that user name (from any address) and that address (for any
# user name) for an hour; `manage.py axes_reset_username NAME` (or `axes_reset_ip ADDRESS`)
# unlocks early. The address is the client's, as the throttles see it (NUM_PROXIES): behind a
# load balancer, REMOTE_ADDR would lock every staff member out at once.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.clients.client_address"
# Axes' own lockout message is English only.
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Only staff have sessions. They end after two idle hours and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Texts clinicians type (questions, bands, articles) are stored per language; an untranslated
# English field falls back to the Chinese original rather than showing nothing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans",), "zh-hans": ("en",)}

# The printable sheets' font, built by `manage.py sheet_font` (screening.sheet_font).
SHEET_FONT = env.path("SHEET_FONT", default=BASE_DIR / "build" / "sheet-font.otf")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names let whitenoise send far-future cache headers; they need collectstatic first,
    # so development (and the test suite) serve plain names from the apps' folders.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS. TLS usually ends at a load balancer or proxy; it says so in a header named by
# SECURE_PROXY_SSL_HEADER, e.g. "HTTP_X_FORWARDED_PROTO,https". Trust it only when the proxy
# sets it on every request (and strips it from clients).
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER must be "HEADER,value".')
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Joining browsers' preload list is the domain owner's decision, not a default.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# A refused form's page leads back to that form (on the call-back form: the person's result).
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Only the project's own files: no inline script, no inline style but one carrying the request's
# nonce (the self-contained 503 page), no third-party hosts (public CDNs are often unreachable
# from China anyway). config.csp allows inline styles in the staff admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Answer bodies are tiny; anything near this is abuse (413, config.bodies and config.exceptions).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
# The staff admin's bodies may be larger: a questionnaire version's JSON export is uploaded as a
# file (about 20 KB for PHQ-9). Its form fields stay within DATA_UPLOAD_MAX_MEMORY_SIZE.
ADMIN_MAX_BODY_SIZE = env.int("ADMIN_MAX_BODY_SIZE", default=2 * 1024 * 1024)

# Throttle counters must be shared by every process and machine: set REDIS_URL in production.
# While Redis is away each process counts and caches on its own (config.cache).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisWithFallbackCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="xinqiao"),
            # A hung Redis must be given up on quickly (for each process's memory), not hold a
            # worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A DRF rate such as "30/minute" for anonymous submissions per client; empty disables it.
THROTTLE_SUBMISSIONS = env.str("THROTTLE_SUBMISSIONS", default="30/minute")

NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")

# Browser front ends on other origins (H5 pages): comma-separated origins such as
# https://h5.example.org; none by default. Only the API, and never with cookies.
CORS_ALLOWED_ORIGINS = [
    origin.strip() for origin in env.list("CORS_ALLOWED_ORIGINS", default=[]) if origin.strip()
]
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
# Revalidation as README describes it (If-None-Match, If-Modified-Since) and the headers a
# client must read: ETag to send back, Retry-After on a 429 or 503, Content-Language.
CORS_ALLOW_HEADERS = (*default_headers, "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.ContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Proxies in front of the app (load balancer: 1). The client address for throttling is taken
    # from X-Forwarded-For only past this many hops; with 0 the header is ignored, so it cannot
    # be forged to escape the limits.
    "NUM_PROXIES": NUM_PROXIES,
    # Every error body is JSON, including a body over the size limit (413).
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mental-health self-assessment API",
    "DESCRIPTION": (
        "Public API for front-end apps: PHQ-9 / GAD-7 self-tests, results and the next step "
        "for each tier. A screen is not a diagnosis.\n\n"
        "**`tier`** is the next step a result calls for: `mild` (self-help reading), `moderate` "
        "(talk to an expert), `severe` (crisis referral). **`crisis`** is true when an item rule "
        "fired (PHQ-9 item 9 above 0: thoughts of self-harm) whatever the total; it always comes "
        "with tier `severe`, and the safety message and hotlines must be shown first.\n\n"
        "**`recommendation.kind`** follows the tier: `content` (mild: short articles and videos "
        "in `items`), `schedule` (moderate: upcoming expert livestreams and consultation hours in "
        "`sessions`), `referral` (severe or crisis: `hotlines` to call, 12356 first, and a "
        "`callback_url` to ask the crisis team to call back).\n\n"
        '**Errors** are JSON. A 400 for bad fields names them, `{"field": ["message"]}`; '
        "invalid answers are keyed by question code under `answers`. Every other refusal (a body "
        "that is not JSON at all, 404, 413 for a body over 64 KB, 415, 429 for too many requests, "
        '503 while the database or cache is unreachable) carries `{"detail": "message", '
        '"hotlines": [...]}`, and JSON that is no object `{"non_field_errors": [...], '
        '"hotlines": [...]}`: show the hotlines, as whoever is turned away may be in crisis.\n\n'
        "**Language**: Simplified Chinese by default; `Accept-Language: en` or `?lang=en` for "
        "English where translated. `Content-Language` says which language a response is in.\n\n"
        "**Caching**: questionnaires, articles, sessions and hotlines are `Cache-Control: public, "
        "max-age=60` and send an `ETag`; send it back in `If-None-Match` to get `304 Not "
        "Modified`. Results are `Cache-Control: private, no-store`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files: public CDNs are often unreachable from China.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_outage",
        "config.schema.document_refusals",
        "config.schema.document_lang",
        "config.schema.blank_or_uri",
    ],
}

# Plain lines for development; LOG_FORMAT=json for one JSON object per line. The service logs to
# stdout (gunicorn.conf.py sets LOG_STREAM=stdout); management commands keep the default, stderr,
# because they write data on stdout (dumpdata, exports) that a log line would corrupt.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOG_STREAM = env.str("LOG_STREAM", default="stderr")
if LOG_STREAM not in {"stdout", "stderr"}:
    raise ImproperlyConfigured("LOG_STREAM must be stdout or stderr.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            # django.request attaches the request, whose text holds the path and so the token.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    },
    # Result tokens and phone numbers never reach a log line; refused requests (4xx) are
    # one-line warnings, not errors with tracebacks (config.logs).
    "filters": {
        "quiet_client_errors": {"()": "config.logs.QuietClientErrors"},
        "redact": {"()": "config.logs.RedactPersonalData"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": f"ext://sys.{LOG_STREAM}",
            "formatter": LOG_FORMAT,
            "filters": ["quiet_client_errors", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers would print paths unredacted: send everything through ours.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # django-axes announces itself at INFO in every process, manage.py commands included.
        "axes.apps": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The statistics page gives fewer call-back cases than this (0 to 4 by default) only as
# "fewer than 5": narrowed to one poster and one day, they would name the person who asked.
# 0 shows every count.
STATISTICS_FEWEST_CASES = env.int("STATISTICS_FEWEST_CASES", default=5)
if STATISTICS_FEWEST_CASES < 0:
    raise ImproperlyConfigured("STATISTICS_FEWEST_CASES must be 0 or more.")

# The public address of this service: posters' QR codes and the links in crisis-team
# notifications point here (check --deploy warns while it is left at the default).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Crisis team notifications for new call-back cases: email addresses and/or a webhook URL.
CRISIS_TEAM_EMAILS = env.list("CRISIS_TEAM_EMAILS", default=[])
CRISIS_WEBHOOK_URL = env.str("CRISIS_WEBHOOK_URL", default="")
CRISIS_WEBHOOK_TIMEOUT = env.float("CRISIS_WEBHOOK_TIMEOUT", default=5.0)
# "json": our own JSON body (case, tier, crisis, created_at, requested_at, admin_url); "text": a
# text message as WeCom (企业微信) and DingTalk group bots take it,
# {"msgtype": "text", "text": {"content": ...}}.
CRISIS_WEBHOOK_FORMAT = env.str("CRISIS_WEBHOOK_FORMAT", default="json")
if CRISIS_WEBHOOK_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured('CRISIS_WEBHOOK_FORMAT must be "json" or "text".')
# The escalation ladder (referrals.ladder): at once whoever is on duty is told; this many minutes
# after the latest request without first contact, the whole team again, then the supervisor on
# a second channel (0 leaves a step out). The clock stops at first contact.
CRISIS_ESCALATE_TEAM_AFTER = env.int("CRISIS_ESCALATE_TEAM_AFTER", default=15)
CRISIS_ESCALATE_SUPERVISOR_AFTER = env.int("CRISIS_ESCALATE_SUPERVISOR_AFTER", default=30)
if CRISIS_ESCALATE_TEAM_AFTER < 0 or CRISIS_ESCALATE_SUPERVISOR_AFTER < 0:
    raise ImproperlyConfigured("CRISIS_ESCALATE_*_AFTER are minutes: 0 (step left out) or more.")
CRISIS_SUPERVISOR_EMAILS = env.list("CRISIS_SUPERVISOR_EMAILS", default=[])
# The ladder's last step goes to the supervisor by SMS too, a second channel beside the mail.
CRISIS_SUPERVISOR_PHONES = env.list("CRISIS_SUPERVISOR_PHONES", default=[])
# The number the crisis team calls from, told to the person in their SMS confirmation ("" leaves
# it out); and the team's hours, told on the confirmation page and in the SMS.
CRISIS_TEAM_CALLER_NUMBER = env.str("CRISIS_TEAM_CALLER_NUMBER", default="")
CRISIS_TEAM_HOURS = env.str("CRISIS_TEAM_HOURS", default="")

# Text messages (referrals.sms): printed while DEBUG is on; in production a generic HTTP gateway
# that takes SMS_GATEWAY_TEMPLATE (JSON with {to} and {text}) POSTed to SMS_GATEWAY_URL.
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="referrals.sms.ConsoleBackend" if DEBUG else "referrals.sms.HttpGatewayBackend",
)
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TEMPLATE = env.str("SMS_GATEWAY_TEMPLATE", default='{"to": "{to}", "text": "{text}"}')
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
try:
    json.loads(SMS_GATEWAY_TEMPLATE)
except ValueError as error:
    raise ImproperlyConfigured(f"SMS_GATEWAY_TEMPLATE is not JSON: {error}") from None

# Background work (the crisis team's alerts, their retries, the ladder's later steps) is a task
# in the database, written in the transaction that makes its reason: a case never exists without
# its alert. `manage.py db_worker` runs them (the Procfile's worker:).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Mail is sent by the task queue's workers: a stuck mail server holds one of them, not for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# New call-back cases per client address (DRF rate); empty disables. Generous: one clinic's wifi
# or a carrier's shared address serves many people, and a person in crisis must get through.
THROTTLE_CALLBACKS = env.str("THROTTLE_CALLBACKS", default="30/hour")
# Call-back requests per result, asking again included (each may tell the team again).
THROTTLE_CALLBACKS_PER_RESULT = env.str("THROTTLE_CALLBACKS_PER_RESULT", default="5/hour")

# Data retention (manage.py purge_personal_data, run daily): call-back phone numbers are deleted
# this many days after their case closed; submissions older than SUBMISSION_ANONYMISE_DAYS lose
# their item answers and result link (0 keeps them).
PHONE_RETENTION_DAYS = env.int("PHONE_RETENTION_DAYS", default=30)
SUBMISSION_ANONYMISE_DAYS = env.int("SUBMISSION_ANONYMISE_DAYS", default=0)
