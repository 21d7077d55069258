"""Who a request comes from, as the throttles and the staff-login lockout see it."""

import ipaddress

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind ``NUM_PROXIES`` proxies (a load balancer)
    the address the nearest of them put in X-Forwarded-For. Behind a load balancer REMOTE_ADDR
    is the balancer's own, the same for everyone.

    What is no address (a proxy that adds a port, a client reaching the app past the balancer
    with a forged header) falls back to REMOTE_ADDR: the login lockout stores the address in an
    address column, which would refuse it and fail every login."""
    forwarded = BaseThrottle().get_ident(request)
    try:
        ipaddress.ip_address(forwarded)
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")
    return forwarded
