from django.urls import path

from screening import dashboard

app_name = "statistics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.csv", dashboard.export_csv, name="csv"),
]
