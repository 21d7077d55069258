from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class SettingRateThrottle(AnonRateThrottle):
    """Per-client rate read from the setting named by ``setting``; an empty rate disables it."""

    setting = ""

    def get_rate(self):
        # Read at request time (not import time) so settings changes take effect.
        return getattr(settings, self.setting) or None


class SubmissionRateThrottle(SettingRateThrottle):
    scope = "submissions"
    setting = "THROTTLE_SUBMISSIONS"
