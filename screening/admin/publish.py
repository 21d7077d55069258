"""Publishing a draft from its admin page: what changes against the live version, then, on
the clinician's confirmation (a POST of the page's button), the draft goes live."""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from screening import changes, publishing
from screening.models import QuestionnaireVersion, in_site_language


def publish_page(model_admin: ModelAdmin, request, pk: int) -> HttpResponse:
    """What publishing the draft would change against the live version; publishes on POST."""
    version = get_object_or_404(QuestionnaireVersion.objects.with_definition(), pk=pk)
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if version.is_published:
        messages.info(request, _("%(version)s is published already.") % {"version": version})
        return redirect("admin:screening_questionnaireversion_change", version.pk)
    if request.method == "POST":
        try:
            version.publish()
        except ValidationError as refused:
            for problem in refused.messages:
                messages.error(request, f"{version}: {problem}")
        else:
            model_admin.log_change(request, version, in_site_language(_("Published")))
            messages.success(request, _("%(version)s is now live.") % {"version": version})
            return redirect("admin:screening_questionnaireversion_change", version.pk)
    live = version.questionnaire.current_version()
    if live is not None:
        live = QuestionnaireVersion.objects.with_definition().get(pk=live.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Publish %(version)s?") % {"version": version},
        "version": version,
        "live": live,
        "changes": changes.version_changes(live, version),
        # Each reason publishing would refuse, so the button is offered only when it works.
        "problems": [
            *(out_of_date.messages if (out_of_date := publishing.stale(version, live)) else []),
            *publishing.problems(version),
        ],
    }
    return render(request, "admin/screening/questionnaireversion/publish.html", context)
