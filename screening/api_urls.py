from django.urls import path

from content import api_views as content_api
from referrals import api_views as referrals_api
from screening import api_views

urlpatterns = [
    path("questionnaires/", api_views.QuestionnaireList.as_view(), name="api-questionnaires"),
    path(
        "questionnaires/<slug:slug>/",
        api_views.QuestionnaireDetail.as_view(),
        name="api-questionnaire",
    ),
    path(
        "questionnaires/<slug:slug>/submissions/",
        api_views.SubmissionCreate.as_view(),
        name="api-submit",
    ),
    path("submissions/<token:token>/", api_views.SubmissionDetail.as_view(), name="api-submission"),
    path(
        "submissions/<token:token>/callback/",
        api_views.CallbackCreate.as_view(),
        name="api-callback",
    ),
    path("hotlines/", referrals_api.HotlineList.as_view(), name="api-hotlines"),
    path("articles/", content_api.ArticleList.as_view(), name="api-articles"),
    path("articles/<slug:slug>/", content_api.ArticleDetail.as_view(), name="api-article"),
    path("sessions/", content_api.SessionList.as_view(), name="api-sessions"),
]
