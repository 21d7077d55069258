"""Printable PDF sheets: result sheets and blank questionnaires."""

from django.urls import path

from screening import pdf_views

urlpatterns = [
    path("r/<token:token>/pdf/", pdf_views.result_pdf, name="result-pdf"),
    path("q/<slug:slug>/pdf/", pdf_views.questionnaire_pdf, name="questionnaire-pdf"),
    path(
        "api/v1/submissions/<token:token>/pdf/",
        pdf_views.SubmissionPdf.as_view(),
        name="api-submission-pdf",
    ),
]
