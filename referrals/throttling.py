"""The limits on call-back requests (the API's and the result page's form share them)."""

import hashlib
from types import SimpleNamespace

from referrals.models import ReferralCase
from screening.throttling import SettingRateThrottle


class TakenRequestThrottle(SettingRateThrottle):
    """Counts what ``count_taken`` records, not every attempt.

    A person in crisis who mistypes the number a few times must not be locked out of asking;
    a refused request opens no case, so there is nothing to limit.
    """

    def throttle_success(self):
        return True

    @classmethod
    def count_taken(cls, request, view) -> None:
        """Count a taken request against its rate."""
        throttle = cls()
        key = throttle.get_cache_key(request, view) if throttle.rate else None
        if key is None:
            return
        now = throttle.timer()
        recent = [
            moment for moment in throttle.cache.get(key, []) if moment > now - throttle.duration
        ]
        throttle.cache.set(key, [now, *recent], throttle.duration)


class CallbackRateThrottle(TakenRequestThrottle):
    """New call-back cases per client address.

    Only new cases count: a village clinic's wifi, or a carrier's shared address, serves many
    people, and one person asking again (a corrected number, a better time) must not use up
    what the next person at the clinic needs. ResultCallbackRateThrottle limits asking again.
    """

    scope = "callbacks"
    setting = "THROTTLE_CALLBACKS"

    def allow_request(self, request, view):
        # Asking again for a result whose case is open opens nothing new.
        if self.rate is None or (
            ReferralCase.objects.open().filter(submission__token=view.kwargs["token"]).exists()
        ):
            return True
        return super().allow_request(request, view)


class ResultCallbackRateThrottle(TakenRequestThrottle):
    """Call-back requests per result: each repeat tells the team again once they have called."""

    scope = "callbacks_per_result"
    setting = "THROTTLE_CALLBACKS_PER_RESULT"

    def get_cache_key(self, request, view):
        # A digest, so that no result token sits in the shared cache's keys.
        digest = hashlib.sha256(view.kwargs["token"].encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


CALLBACK_THROTTLES = (CallbackRateThrottle, ResultCallbackRateThrottle)


def callback_view(token: str) -> SimpleNamespace:
    """What the throttles read of a view, for the result page's form (not a DRF view)."""
    return SimpleNamespace(kwargs={"token": token})


def callback_allowed(request, view) -> bool:
    return all(throttle().allow_request(request, view) for throttle in CALLBACK_THROTTLES)


def count_callback(request, view, *, created: bool) -> None:
    """Count a taken call-back request: against its result, and against the client if new."""
    ResultCallbackRateThrottle.count_taken(request, view)
    if created:
        CallbackRateThrottle.count_taken(request, view)
