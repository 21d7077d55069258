from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from referrals.checks import (
            crisis_team_is_told,
            crisis_webhook_is_a_web_address,
            texts_can_be_sent,
        )

        checks.register(crisis_team_is_told, deploy=True)
        checks.register(texts_can_be_sent, deploy=True)
        checks.register(crisis_webhook_is_a_web_address)
