"""System checks for the crisis path (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Warning


def crisis_team_is_told(app_configs, **kwargs):
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
