from django.urls import path

from screening import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<str:code>/", views.channel_landing, name="channel"),
    path("q/<slug:slug>/", views.questionnaire, name="questionnaire"),
    path("r/<token:token>/", views.result, name="result"),
    path("r/<token:token>/callback/", views.result_callback, name="result-callback"),
    path("text-size/", views.text_size, name="text-size"),
    path("age/", views.choose_age_band, name="age-band"),
]
