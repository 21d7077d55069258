from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health

# Swagger UI's script comes from our own static files and its set-up script from a second request
# (the split view), so scripts stay 'self'; Swagger UI styles elements inline and uses data: icons.
api_docs = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    # The villagers' pages first: a rush is made of their requests, and each pattern tried and
    # missed on the way costs every one of them (none of these overlaps another's addresses).
    path("", include("screening.urls")),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("admin/statistics/", include("screening.dashboard_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api_urls")),
    path("", include("content.urls")),
    path("", include("screening.sheet_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
]

# Friendly, translated error pages that always show the hotline (templates/400.html, 404.html,
# 500.html); JSON under /api/.
handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
