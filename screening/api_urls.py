from django.urls import path

from content import api_views as content_api
from referrals import api_views as referrals_api
from screening.api_views import callbacks, questionnaires, submissions

urlpatterns = [
    path("questionnaires/", questionnaires.QuestionnaireList.as_view(), name="api-questionnaires"),
    path(
        "questionnaires/<slug:slug>/",
        questionnaires.QuestionnaireDetail.as_view(),
        name="api-questionnaire",
    ),
    path(
        "questionnaires/<slug:slug>/submissions/",
        submissions.SubmissionCreate.as_view(),
        name="api-submit",
    ),
    path(
        "submissions/<token:token>/", submissions.SubmissionDetail.as_view(), name="api-submission"
    ),
    path(
        "submissions/<token:token>/callback/",
        callbacks.CallbackCreate.as_view(),
        name="api-callback",
    ),
    path("hotlines/", referrals_api.HotlineList.as_view(), name="api-hotlines"),
    path("articles/", content_api.ArticleList.as_view(), name="api-articles"),
    path("articles/<slug:slug>/", content_api.ArticleDetail.as_view(), name="api-article"),
    path("sessions/", content_api.SessionList.as_view(), name="api-sessions"),
]
