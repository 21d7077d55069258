"""The versions' admin list and PHQ-9's shipped first version, as the admin tests reach them."""

from screening.models import QuestionnaireVersion

CHANGELIST = "/admin/screening/questionnaireversion/"


def phq9_v1():
    return QuestionnaireVersion.objects.get(questionnaire__slug="phq-9", number=1)
