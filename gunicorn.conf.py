"""Gunicorn settings, read from the environment (gunicorn loads this file from the project root).

    gunicorn config.wsgi

GUNICORN_BIND (default 127.0.0.1:8000; 0.0.0.0:8000 behind a load balancer), GUNICORN_WORKERS or
WEB_CONCURRENCY (default 2 per core + 1), GUNICORN_THREADS (default 2 per worker),
GUNICORN_ACCESS_LOG ("-" for stdout or a file path to log requests; off by default, the load
balancer logs requests), GUNICORN_ERROR_LOG (default "-", stdout), LOG_FORMAT=json for JSON lines
as the app writes them. The app's own lines go to stdout.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from config.logs import RedactClientAddresses, RedactPersonalData

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or os.environ.get("WEB_CONCURRENCY")
    or multiprocessing.cpu_count() * 2 + 1
)
# Threads: a request waiting on a hung database holds one thread, not its worker, so /healthz and
# the next person's 503 with the hotlines get through meanwhile. Each thread has its own database
# connection (Django's are per thread), kept for CONN_MAX_AGE: a few threads, not many.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# As the sync worker did: each connection is closed after its response. A load balancer's idle
# timeout longer than a kept connection's would meet one closing under a request (its own 502).
keepalive = 0
# A worker whose main loop stops is restarted. A slow request no longer counts (its thread is not
# the main loop): the database limits (DATABASE_*_TIMEOUT) bound those.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))

# Gunicorn 25+'s control socket has one default path per machine; instances would share it.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG") or "-"
# No client address and no query string: the service is anonymous. The path's token is redacted.
access_log_format = '"%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class RedactingLogger(Logger):
    """Gunicorn's logger with result tokens, phone numbers and client addresses redacted."""

    def _compute_access_log_enabled(self):
        # Gunicorn counts any log configuration (ours below) as an access log, and would build
        # every request's log line only for the handler-less logger to drop it.
        return bool(self.cfg.accesslog)

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())
        # Its "Invalid request from ip=…" line is the one that names a client.
        if not any(isinstance(f, RedactClientAddresses) for f in self.error_log.filters):
            self.error_log.addFilter(RedactClientAddresses())


logger_class = RedactingLogger

# The app's own lines (config/settings.py, read by each worker) go where gunicorn's go.
os.environ.setdefault("LOG_STREAM", "stdout")


def log_handler(target: str) -> dict:
    """A handler writing to stdout for "-" (gunicorn's own "-" is stderr), else to that file."""
    if target == "-":
        return {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stdout",
        }
    return {"class": "logging.FileHandler", "formatter": "generic", "filename": target}


logconfig_dict = {
    # "console" is what gunicorn's default root logger writes to.
    "handlers": {
        "console": log_handler("-"),
        "error": log_handler(errorlog),
        **({"access": log_handler(accesslog)} if accesslog else {}),
    },
    "loggers": {
        # No level: --log-level (GUNICORN_CMD_ARGS) still decides.
        "gunicorn.error": {"handlers": ["error"], "propagate": False},
        # With a log configuration gunicorn always logs requests: no handler when they are off.
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access"] if accesslog else [],
            "propagate": False,
        },
    },
}
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict["formatters"] = {
        "generic": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    }
