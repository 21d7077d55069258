from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework.throttling import AnonRateThrottle


class SettingRateThrottle(AnonRateThrottle):
    """Per-client rate read from the setting named by ``setting``; an empty rate disables it."""

    setting = ""

    def get_rate(self):
        # Read at request time (not import time) so settings changes take effect.
        return getattr(settings, self.setting) or None

    def get_cache_key(self, request, view):
        # Keyed by a digest of the client's address, not the address: the shared cache's keys
        # and values would otherwise tie an address to the moment of a submission or a
        # call-back request, and so to a case and its phone number. Keyed with SECRET_KEY,
        # because the few billion IPv4 addresses are quickly tried against a plain hash.
        ident = salted_hmac("throttle", self.get_ident(request)).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


class SubmissionRateThrottle(SettingRateThrottle):
    scope = "submissions"
    setting = "THROTTLE_SUBMISSIONS"
