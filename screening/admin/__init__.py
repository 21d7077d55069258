"""Screening's admin, one module per concept: versions, channels, submissions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from screening.admin import channels, submissions, versions  # noqa: F401 (they register)

# Staff see the service's name in their language, not "Django administration".
admin.site.site_header = _("Xinqiao mental-health self-test: staff")
admin.site.site_title = _("Xinqiao staff")
admin.site.index_title = _("Questionnaires, content, call-back cases and statistics")
