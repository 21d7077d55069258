"""django-axes under names staff read: its admin section was "Axes", in English.

django-axes ships no Chinese translation. Its own texts are translated in this project's
catalogue (LOCALE_PATHS comes before the apps' own), and listed below so that `make messages`,
which extracts only what our code names, keeps them there.
"""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

AXES_TEXTS = (
    # Models (axes/models.py)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    # Fields
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Session key hash (sha256)"),
    # Admin (axes/admin.py)
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
)


class AxesConfig(AppConfig):
    verbose_name = _("Login lockouts")
