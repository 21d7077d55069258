"""Trying a version in admin as a villager would: its form, then the result page it gives.

Nothing is stored (no submission, no call-back case) and no limit is counted: a clinician who
moves a cut-off checks here which band, tier and texts a sheet gets before the version goes live.
"""

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from screening import result_page, scoring
from screening.models import QuestionnaireVersion, Submission
from screening.recommendations import crisis_help
from screening.views import form_answers, sheet_context

TEMPLATE = "screening/result_preview.html"


def preview(model_admin: ModelAdmin, request, pk: int) -> HttpResponse:
    """The version's form (GET); the result page its answers give, stored nowhere (POST)."""
    version = get_object_or_404(QuestionnaireVersion.objects.with_definition(), pk=pk)
    if not model_admin.has_view_permission(request, version):
        raise PermissionDenied
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    crisis: dict = {}
    problem = ""
    status = 200
    if request.method == "POST":
        answers, repeated = form_answers(request.POST)
        try:
            result = version.score(answers)
        except scoring.InvalidAnswers as invalid:
            errors = invalid.errors | {code: "repeated" for code in repeated}
            crisis = crisis_help(None) if invalid.crisis else {}
            status = 400
        except scoring.InvalidDefinition as broken:
            # A draft's bands with a gap: the sheet has no result to show.
            problem = _("This version cannot score these answers: %(problems)s.") % {
                "problems": "; ".join(broken.problems)
            }
            status = 400
        else:
            submission = Submission.scored(version=version, result=result, language=get_language())
            context = result_page.context(submission, request, callback_errors={}, preview=True)
            return render(request, TEMPLATE, context)
    context = sheet_context(version, answers, errors) | {
        "crisis": crisis,
        "hotlines": crisis["hotlines"] if crisis else [],
        "preview": True,
        "preview_problem": problem,
    }
    return render(request, "screening/questionnaire.html", context, status=status)
