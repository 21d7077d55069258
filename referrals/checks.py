"""System checks for the crisis path (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from referrals.alerts import is_web_address
from referrals.sms import can_send


def crisis_team_is_told(app_configs, **kwargs) -> list[CheckMessage]:
    """A production install must tell the crisis team of call-back requests somehow."""
    if settings.CRISIS_TEAM_EMAILS or settings.CRISIS_WEBHOOK_URL:
        return []
    return [
        Warning(
            "Nobody is told of call-back requests: people in crisis who ask to be called back "
            "wait in the admin queue until someone looks.",
            hint="Set CRISIS_TEAM_EMAILS and/or CRISIS_WEBHOOK_URL.",
            id="referrals.W001",
        )
    ]


def crisis_webhook_is_a_web_address(app_configs, **kwargs) -> list[CheckMessage]:
    """CRISIS_WEBHOOK_URL, when set, is an http(s) address: anything else never reaches the team."""
    url = settings.CRISIS_WEBHOOK_URL
    if not url or is_web_address(url):
        return []
    return [
        Error(
            "CRISIS_WEBHOOK_URL is not an http(s) address: the crisis team's webhook is never "
            "called.",
            hint="Give the full address, starting https://.",
            id="referrals.E001",
        )
    ]


def texts_can_be_sent(app_configs, **kwargs) -> list[CheckMessage]:
    """The HTTP gateway, production's default, needs its address: without it no text goes out,
    neither the supervisor's second channel nor the confirmations people ask for."""
    if can_send():
        return []
    return [
        Warning(
            "No text message can be sent: the supervisor's alerts go by email only (to the whole "
            "team again where only their phone numbers are set), and people who ask for a text "
            "confirming their call-back never get it.",
            hint="Set SMS_GATEWAY_URL (and SMS_GATEWAY_TEMPLATE), or name another SMS_BACKEND.",
            id="referrals.W002",
        )
    ]
