"""Text messages, through a backend named in settings (as Django's mail backends are).

``SMS_BACKEND``: ``referrals.sms.ConsoleBackend`` (development: printed), ``referrals.sms.
HttpGatewayBackend`` (a generic HTTP gateway: ``SMS_GATEWAY_URL``, ``SMS_GATEWAY_TEMPLATE``) or
``referrals.sms.MemoryBackend`` (tests: kept in ``outbox``). A backend raises ``SmsNotSent``, with
no number and no text in its message, when a message did not go.
"""

import json
import logging
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsNotSent(Exception):
    pass


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


def can_send() -> bool:
    """Whether a text can go at all: the HTTP gateway, production's default, needs its address.
    Without it nobody is offered a text confirmation that would never come."""
    return settings.SMS_BACKEND != "referrals.sms.HttpGatewayBackend" or bool(
        settings.SMS_GATEWAY_URL
    )


def send_sms(to: str, text: str) -> None:
    """Send ``text`` to the mainland number ``to`` with the configured backend."""
    import_string(settings.SMS_BACKEND)().send(Sms(to=to, text=text))


class ConsoleBackend:
    """Prints each message, as Django's console mail backend does: development only."""

    def send(self, message: Sms) -> None:
        sys.stdout.write(f"SMS to {message.to}:\n{message.text}\n{'-' * 40}\n")
        sys.stdout.flush()


# What MemoryBackend has sent, oldest first (tests empty it).
outbox: list[Sms] = []


class MemoryBackend:
    def send(self, message: Sms) -> None:
        outbox.append(message)


class HttpGatewayBackend:
    """POSTs ``SMS_GATEWAY_TEMPLATE`` (JSON, with ``{to}`` and ``{text}`` wherever they go) to
    ``SMS_GATEWAY_URL``; a 2xx answer counts as sent. Most Chinese SMS gateways take such a
    JSON body; a signed API (Aliyun, Tencent Cloud) is a backend of its own."""

    def send(self, message: Sms) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsNotSent("SMS_GATEWAY_URL is not set")
        body = fill(json.loads(settings.SMS_GATEWAY_TEMPLATE), message)
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as answer:
                answer.read(64 * 1024)
        except urllib.error.HTTPError as error:
            # Only the status: the address may hold a key, the body the number.
            raise SmsNotSent(f"SMS gateway: HTTP {error.code}") from None
        except Exception as error:
            raise SmsNotSent(f"SMS gateway: {type(error).__name__}") from None


def fill(template: object, message: Sms) -> object:
    """``template`` with ``{to}`` and ``{text}`` replaced in every string it holds."""
    if isinstance(template, str):
        return template.replace("{to}", message.to).replace("{text}", message.text)
    if isinstance(template, dict):
        return {key: fill(value, message) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, message) for value in template]
    return template
