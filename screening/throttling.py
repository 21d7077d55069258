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


class CallbackRateThrottle(SettingRateThrottle):
    """Counts the call-back requests that were taken, not every attempt.

    A person in crisis who mistypes the number a few times must not be locked out of asking;
    a refused request opens no case, so there is nothing to limit. Call ``count_taken`` once a
    request is taken.
    """

    scope = "callbacks"
    setting = "THROTTLE_CALLBACKS"

    def throttle_success(self):
        return True

    @classmethod
    def count_taken(cls, request, view=None) -> None:
        """Count a taken request against its client's rate."""
        throttle = cls()
        key = throttle.get_cache_key(request, view) if throttle.rate else None
        if key is None:
            return
        now = throttle.timer()
        recent = [
            moment for moment in throttle.cache.get(key, []) if moment > now - throttle.duration
        ]
        throttle.cache.set(key, [now, *recent], throttle.duration)
