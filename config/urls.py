from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Friendly, translated error pages that always show the hotline (templates/404.html, 500.html).
urlpatterns = [
    path("admin/statistics/", include("screening.dashboard_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api_urls")),
    path("", include("content.urls")),
    path("", include("screening.sheet_urls")),
    path("", include("screening.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
