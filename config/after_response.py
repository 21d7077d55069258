"""Work that must not keep a person waiting: done once their response has been sent.

Telling the crisis team of a call-back request can take as long as a mail server or a webhook
takes to answer (or to time out). The person asking for help must see at once that their request
was received, and a worker killed for taking too long must never take their answer with it. So
the telling is queued during the request and done when the server closes the response, which
WSGI servers (gunicorn, Django's own) do after the last byte of the body has been sent. Anything
lost on the way (a worker killed mid-send) is what the retry job (``notify_crisis_team``) is for.
Under ASGI the work is done in the request, as before (see the middleware).
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar

from django.core.handlers.asgi import ASGIRequest

logger = logging.getLogger(__name__)

_queue: ContextVar[list[Callable[[], object]] | None] = ContextVar("after_response", default=None)


def after_response(task: Callable[[], object]) -> None:
    """``task`` run after the current response has been sent; at once outside a request."""
    queue = _queue.get()
    if queue is None:
        # A management command, the shell, or a test running on-commit callbacks itself.
        task()
    else:
        queue.append(task)


def run(tasks: list[Callable[[], object]]) -> None:
    """Each task once, however often the server closes the response."""
    while tasks:
        task = tasks.pop(0)
        try:
            task()
        except Exception:
            # The request has been answered; the retry job sends what this did not.
            logger.exception("a task after the response broke")


class AfterResponseMiddleware:
    """Holds a queue for ``after_response`` while the view runs; runs it on the response's close."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if isinstance(request, ASGIRequest):
            # Django's ASGI handler never closes the response of a request whose client went
            # away meanwhile (a phone losing signal), so queued work would be lost: under ASGI
            # it is done at once, in the request, as it was before this middleware.
            return self.get_response(request)
        tasks = []
        token = _queue.set(tasks)
        try:
            response = self.get_response(request)
        finally:
            _queue.reset(token)
        if tasks:
            close = response.close

            def run_then_close():
                # The tasks first: closing sends request_finished, which tidies the database
                # connection the tasks use.
                try:
                    run(tasks)
                finally:
                    close()

            response.close = run_then_close
        return response
