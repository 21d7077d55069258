from django.urls import path

from content import views

urlpatterns = [
    path("articles/<slug:slug>/", views.article, name="article"),
    path("sessions/<str:kind>/<int:pk>.ics", views.session_ics, name="session-ics"),
]
