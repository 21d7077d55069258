"""Who a request comes from, as the throttles and the staff-login lockout see it."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind ``NUM_PROXIES`` proxies (a load balancer)
    the address the nearest of them put in X-Forwarded-For. Behind a load balancer REMOTE_ADDR
    is the balancer's own, the same for everyone."""
    return BaseThrottle().get_ident(request)
