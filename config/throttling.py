"""Request limits per client, counted with atomic increments in the shared cache.

DRF's own throttles keep a list of moments per client, read it, and write it back: requests that
arrive together all read the same list and all get through (100 at once against a limit of 30
let 34-39 in). Here each request adds one to a counter with the cache's atomic increment, so
exactly as many as the limit get a number within it, whatever the concurrency and across
processes. The window slides: the previous fixed window's count is weighed by how much of it
still lies within the last period (as Cloudflare and others count), so no burst of twice the
limit gets through at a window's edge.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework.throttling import SimpleRateThrottle


class SlidingWindowThrottle(SimpleRateThrottle):
    """A DRF throttle with the rate read from the setting named by ``setting`` (empty disables).

    Only requests let through are counted. ``take`` and ``give_back`` are also used outside
    DRF's request cycle: by the pages' forms, which share the API's limits, and by a caller that
    counts only what it went on to accept.
    """

    setting = ""
    wait_seconds: float | None = None

    def get_rate(self) -> str | None:
        # Read at request time (not import time) so a settings change takes effect.
        return getattr(settings, self.setting) or None

    def get_cache_key(self, request, view) -> str:
        # Keyed by a digest of the client's address, not the address: the shared cache's keys
        # would otherwise tie an address to the moment of a submission or a call-back request,
        # and so to a case and its phone number. Keyed with SECRET_KEY, because the few billion
        # IPv4 addresses are quickly tried against a plain hash.
        ident = salted_hmac("throttle", self.get_ident(request)).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        return key is None or self.take(key) is not None

    def windows(self, key: str) -> tuple[str, str, float]:
        """The keys of the current and the previous window, and how far into the current one
        we are (0 to 1). The window's number is in the key, so a counter whose expiry was lost
        is never read again once its window has passed."""
        now = self.timer()
        number, into = divmod(now, self.duration)
        return f"{key}:{int(number)}", f"{key}:{int(number) - 1}", into / self.duration

    def take(self, key: str) -> str | None:
        """Count one request against ``key`` if the limit allows it, and return the counter it
        was counted in (for ``give_back``); None (and ``wait()`` set) if the limit does not
        allow it, and then nothing is counted."""
        current, previous, elapsed = self.windows(key)
        # Kept for two windows: the next window reads it as its previous one.
        self.cache.add(current, 0, self.duration * 2)
        try:
            count = self.cache.incr(current)
        except ValueError:  # evicted between the two calls
            self.cache.add(current, 1, self.duration * 2)
            count = 1
        carried = (self.cache.get(previous) or 0) * (1 - elapsed)
        if count + carried <= self.num_requests:
            return current
        self.give_back(current)
        self.wait_seconds = self.seconds_until_room(count - 1, carried, elapsed)
        return None

    def give_back(self, counter: str) -> None:
        """Uncount one request (one refused after all, or one not to be counted)."""
        try:
            self.cache.decr(counter)
        except ValueError:
            pass  # the window's counter is gone: nothing left to give back

    def seconds_until_room(self, counted: int, carried: float, elapsed: float) -> float:
        """How long until one more request fits, if no other comes meanwhile."""
        left_in_window = (1 - elapsed) * self.duration
        if counted + 1 > self.num_requests or carried == 0:
            # This window alone is full: in the next, its count is carried instead.
            return left_in_window
        # The previous window's weight falls as this one goes on.
        previous = carried / (1 - elapsed)
        fraction = 1 - (self.num_requests - counted - 1) / previous
        return max(0.0, fraction * self.duration - elapsed * self.duration)

    def wait(self) -> float | None:
        return self.wait_seconds
