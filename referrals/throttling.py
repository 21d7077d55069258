"""The limits on call-back requests (the API's and the result page's form share them)."""

import hashlib
from types import SimpleNamespace

from rest_framework.exceptions import Throttled

from config.throttling import SlidingWindowThrottle
from referrals.models import ReferralCase


class CallbackRateThrottle(SlidingWindowThrottle):
    """New call-back cases per client address.

    Only new cases count: a village clinic's wifi, or a carrier's shared address, serves many
    people, and one person asking again (a corrected number, a better time) must not use up
    what the next person at the clinic needs. ResultCallbackRateThrottle limits asking again.
    """

    scope = "callbacks"
    setting = "THROTTLE_CALLBACKS"


class ResultCallbackRateThrottle(SlidingWindowThrottle):
    """Call-back requests per result: each repeat tells the team again once they have called."""

    scope = "callbacks_per_result"
    setting = "THROTTLE_CALLBACKS_PER_RESULT"

    def get_cache_key(self, request, view) -> str:
        # A digest, so that no result token sits in the shared cache's keys.
        digest = hashlib.sha256(view.kwargs["token"].encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


class CallbackLimits:
    """Counts one call-back request against its limits, around the work of taking it.

    Counted on entry (raising DRF's Throttled when a limit is reached), so that requests arriving
    together can never all pass a check made before any of them is counted; given back when
    the work fails, and, for the per-client limit on new cases, when the request only updated
    an open case. Only taken requests count: a person in crisis who mistypes the number a few
    times must not be locked out, so the caller checks the form before entering.

        with CallbackLimits(request, token) as limits:
            case, created = request_callback(...)
            limits.taken(created=created)
    """

    def __init__(self, request, token: str):
        self.request = request
        self.view = SimpleNamespace(kwargs={"token": token})
        self.counted: list[tuple[SlidingWindowThrottle, str]] = []

    def __enter__(self) -> "CallbackLimits":
        throttles = [ResultCallbackRateThrottle()]
        # Asking again for a result whose case is open opens nothing new.
        token = self.view.kwargs["token"]
        if not ReferralCase.objects.open().filter(submission__token=token).exists():
            throttles.append(CallbackRateThrottle())
        for throttle in throttles:
            key = throttle.get_cache_key(self.request, self.view) if throttle.rate else None
            if key is None:
                continue
            counter = throttle.take(key)
            if counter is None:
                self.give_back()
                raise Throttled(throttle.wait())
            self.counted.append((throttle, counter))
        return self

    def taken(self, *, created: bool) -> None:
        """The request was taken; an update of an open case is no new case."""
        if not created:
            self.give_back(CallbackRateThrottle)

    def give_back(self, kind: type = SlidingWindowThrottle) -> None:
        for throttle, counter in [c for c in self.counted if isinstance(c[0], kind)]:
            throttle.give_back(counter)
            self.counted.remove((throttle, counter))

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.give_back()
