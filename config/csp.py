"""The Content Security Policy (django-csp), with its policy string built once per process."""

from dataclasses import asdict
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with inline styles allowed in the staff admin only.

    Django's change lists and the statistics page carry small ``<style>`` blocks and attributes;
    scripts stay the project's own files everywhere.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/") and parts.update is None:
            parts.update = {"style-src": [UNSAFE_INLINE]}
        return parts

    def process_response(self, request, response) -> HttpResponseBase:
        # django-csp's own, but for where the policy string comes from: django-csp builds it anew
        # for every response (and again for report-only), a seventh of what a cached API answer
        # costs. Without a nonce it only depends on the settings and the view's decorators.
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's debug pages, as django-csp leaves them
        for report_only, header, setting in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            exempt = getattr(response, "_csp_exempt_ro" if report_only else "_csp_exempt", False)
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if header in response or exempt or request.path_info.startswith(tuple(prefixes)):
                continue
            parts = self.get_policy_parts(request, response, report_only)
            if parts.nonce:
                policy = build_policy(**asdict(parts), report_only=report_only)
            else:
                policy = policy_without_nonce(
                    frozen(parts.config), frozen(parts.update), frozen(parts.replace), report_only
                )
            if policy:
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written would be in no policy.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def frozen(directives: dict | None) -> tuple | None:
    """A view's directives (csp_update and the like) as a key: source lists become tuples."""
    if directives is None:
        return None
    return tuple(
        (name, tuple(sorted(value) if isinstance(value, set) else value))
        if isinstance(value, list | tuple | set)
        else (name, value)
        for name, value in directives.items()
    )


def thawed(directives: tuple | None) -> dict | None:
    if directives is None:
        return None
    return {name: list(value) if isinstance(value, tuple) else value for name, value in directives}


@lru_cache(maxsize=64)
def policy_without_nonce(config, update, replace, report_only: bool) -> str:
    return build_policy(
        config=thawed(config),
        update=thawed(update),
        replace=thawed(replace),
        report_only=report_only,
    )


@receiver(setting_changed)
def forget_policies(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        policy_without_nonce.cache_clear()
