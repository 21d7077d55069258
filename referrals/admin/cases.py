"""Call-back cases: the crisis team's queue and case page, and the record of phone numbers shown."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from config.forms import UnchangedSinceOpenedForm
from referrals.admin.case_ages import AgeFilter, CaseAgeFields
from referrals.admin.case_answers import CaseSubmissionFields
from referrals.admin.crisis_phrases import highlighted
from referrals.models import (
    Alert,
    CaseNote,
    CaseQuerySet,
    PhoneView,
    ReferralCase,
    queue_order,
)


class CaseNoteInline(admin.TabularInline):
    model = CaseNote
    extra = 1
    fields = ["text", "author", "written"]
    readonly_fields = ["author", "written"]

    @admin.display(description=_("written"))
    def written(self, note) -> str:
        # The empty row for a new note has no time yet (its default would show the page's).
        return f"{timezone.localtime(note.created_at):%Y-%m-%d %H:%M}" if note.pk else ""

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # notes are a log: added, never rewritten


def can_see_phone(request) -> bool:
    return request.user.has_perm("referrals.view_phone")


CRISIS_TEAM = "Crisis team"


def possible_assignees(current=None) -> QuerySet:
    """Active crisis team members and superusers, and whoever the case is assigned to now."""
    team = Q(groups__name=CRISIS_TEAM, is_active=True) | Q(is_superuser=True, is_active=True)
    if current is not None:
        team |= Q(pk=current)
    return get_user_model().objects.filter(team).distinct().order_by("username")


class CaseForm(UnchangedSinceOpenedForm):
    # A person may ask again while a team member has their case open: saving the stale form
    # ("closed") would bury the new request.
    changed_message = _(
        "This case changed while you had it open (the person may have asked again). "
        "Open it again to see what changed, then save your changes."
    )


@admin.register(PhoneView)
class PhoneViewAdmin(admin.ModelAdmin):
    """Every display of a full call-back number, for the supervisor: who, when, which case."""

    list_display = ["viewed_at", "viewer_name", "case_link"]
    list_filter = ["viewer_name"]
    date_hierarchy = "viewed_at"
    search_fields = ["viewer_name", "=case__pk"]

    @admin.display(description=_("case"), ordering="case")
    def case_link(self, view) -> str:
        url = reverse("admin:referrals_referralcase_change", args=[view.case_id])
        return format_html('<a href="{}">{}</a>', url, view.case_id)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReferralCase)
class ReferralCaseAdmin(CaseAgeFields, CaseSubmissionFields, admin.ModelAdmin):
    form = CaseForm
    list_display = [
        "number",
        "status",
        "crisis",
        "age",
        "overdue",
        "tier",
        "requested_at",
        "assignee",
    ]
    list_filter = ["status", "submission__crisis", "submission__tier", AgeFilter]
    list_select_related = ["submission", "assignee"]
    inlines = [CaseNoteInline]
    # The age first, by the number: whoever rings back must know they may reach a child.
    case_fields = [
        "age",
        "status",
        "assignee",
        "consent_at",
        "preferred_time",
        "note_marked",
        "crisis_language",
        "created_at",
        "requested_at",
        "acknowledged_at",
        "first_contact_at",
        "contacted_at",
        "closed_at",
        "notified",
        "first_told",
        "ladder",
    ]
    # The crisis team sees the linked submission here only, not the submissions list.
    submission_fields = [
        "questionnaire",
        "score",
        "band",
        "tier",
        "why",
        "crisis",
        "reference",
        "answers",
    ]
    # The crisis team works a case through its status and assignee; the rest is a record.
    readonly_fields = [
        *(name for name in case_fields if name not in ("status", "assignee")),
        *submission_fields,
    ]

    def get_queryset(self, request) -> CaseQuerySet:
        return ReferralCase.objects.select_related(
            "submission__band", "submission__version__questionnaire", "assignee"
        )

    def get_ordering(self, request) -> list:
        return queue_order()

    def get_list_display(self, request) -> list[str]:
        columns = list(self.list_display)
        if can_see_phone(request):
            columns.insert(3, "phone_masked")
        return columns

    def get_fieldsets(self, request, obj=None) -> list[tuple[Promise, dict[str, list[str]]]]:
        call_back = (
            ["phone_full", *self.case_fields] if can_see_phone(request) else self.case_fields
        )
        call_back = [*call_back, "seen"]
        return [
            (_("Call-back"), {"fields": call_back}),
            (_("Submission"), {"fields": self.submission_fields}),
        ]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        readonly = list(self.readonly_fields)
        if can_see_phone(request):
            readonly.insert(0, "phone_full")
        return readonly

    def get_form(self, request, obj=None, **kwargs) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if "assignee" in form.base_fields:
            form.base_fields["assignee"].queryset = possible_assignees(
                obj.assignee_id if obj else None
            )
        return form

    def get_urls(self) -> list:
        acknowledge = self.admin_site.admin_view(self.acknowledge_view)
        return [
            path(
                "<int:object_id>/acknowledge/",
                acknowledge,
                name="referrals_referralcase_acknowledge",
            ),
            *super().get_urls(),
        ]

    def acknowledge_view(self, request, object_id: int) -> HttpResponse:
        """An alert's link: after login, take the case (assigned to you; the alerts stop).

        A page with a button, not a GET that acts: mail scanners and link previews open links.
        """
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        if request.method == "POST":
            with transaction.atomic():
                case = ReferralCase.objects.select_for_update().get(pk=case.pk)
                case.acknowledge(request.user)
                with translation.override(settings.LANGUAGE_CODE):
                    text = _("Taken up by %(user)s from an alert.") % {
                        "user": request.user.get_username()
                    }
                CaseNote.objects.create(case=case, author=request.user, text=str(text))
            messages.success(request, _("The case is yours now; the alerts have stopped."))
            return redirect("admin:referrals_referralcase_change", case.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "title": _("Take case %(pk)s") % {"pk": case.pk},
        }
        return TemplateResponse(request, "admin/referrals/referralcase/acknowledge.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        case = (getattr(response, "context_data", None) or {}).get("original")
        # The page shows the full number to those who may see it: each showing is recorded.
        if response.status_code == 200 and case is not None and case.phone:
            if can_see_phone(request):
                PhoneView.objects.create(
                    case=case, viewer=request.user, viewer_name=request.user.get_username()
                )
        return response

    def get_object(self, request, object_id, from_field=None) -> ReferralCase | None:
        case = super().get_object(request, object_id, from_field)
        if case is not None and request.method == "POST":
            # Locked (in the admin's transaction) and read again before CaseForm compares its
            # `seen` stamp: a repeat request saved meanwhile is seen, one under way waits.
            case = self.get_queryset(request).select_for_update(of=("self",)).get(pk=case.pk)
        return case

    def has_add_permission(self, request) -> bool:
        return False  # cases come from people asking for a call-back

    def lookup_allowed(self, lookup, value, request) -> bool:
        # Filters in the address (?phone__startswith=139…) would tell whether a number has a
        # case to anyone who may view cases but not numbers.
        if lookup.split(LOOKUP_SEP)[0] == "phone" and not can_see_phone(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # never lose a case; retention removes phone numbers instead

    def save_formset(self, request, form, formset, change) -> None:
        for note in formset.save(commit=False):
            note.author = note.author or request.user
            note.save()
        formset.save_m2m()

    @admin.display(description=_("crisis team notified"))
    def notified(self, case) -> object:
        return case.notified_at or _("Not yet: see the alerts below.")

    @admin.display(description=_("told at once"))
    def first_told(self, case) -> str:
        first = case.alerts.filter(requested_at=case.requested_at, step=Alert.Step.ON_DUTY)
        if not first:
            return _("Nobody: no way of alerting the team is configured.")
        if any(alert.to_whole_team for alert in first):
            return _("Nobody was on duty: the whole team was told.")
        return _("On duty: %(people)s") % {"people": ", ".join(alert.recipients for alert in first)}

    @admin.display(description=_("alerts"))
    def ladder(self, case) -> str:
        """Each step's alerts, which way, to whom, and whether they got through (a table: a
        record, not a form the team must send back)."""
        rows = [
            (
                f"{timezone.localtime(alert.created_at):%Y-%m-%d %H:%M}",
                alert.get_step_display(),
                alert.get_channel_display(),
                alert.recipients
                or (_("the whole team") if alert.channel == Alert.Channel.WEBHOOK else ""),
                alert.get_status_display(),
                f"{timezone.localtime(alert.sent_at):%H:%M:%S}" if alert.sent_at else "",
                alert.attempts,
                alert.error,
            )
            for alert in case.alerts.all()
        ]
        if not rows:
            return _("None yet.")
        head = [
            _("due"),
            _("step"),
            _("way"),
            _("to"),
            _("status"),
            _("sent"),
            _("attempts"),
            _("last error"),
        ]
        return format_html(
            '<table class="alerts"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            format_html_join("", "<th>{}</th>", ((h,) for h in head)),
            format_html_join("", "<tr>" + "<td>{}</td>" * len(head) + "</tr>", rows),
        )

    @admin.display(description=_("phone"))
    def phone_masked(self, case) -> str:
        return case.masked_phone

    @admin.display(description=_("phone number"))
    def phone_full(self, case) -> str:
        return case.phone

    @admin.display(description=_("case"), ordering="pk")
    def number(self, case) -> int:
        return case.pk

    # Words, not Django's ✓/✗ icons: a red ✗ read as "overdue" on a case that was not, and a
    # green ✓ as "all clear" on a crisis.
    @admin.display(description=_("overdue"))
    def overdue(self, case) -> str:
        if not case.is_overdue():
            return ""
        return format_html('<strong class="errornote">{}</strong>', _("overdue"))

    @admin.display(description=_("crisis"))
    def crisis(self, case) -> str:
        words = [_("crisis")] if case.submission.crisis else []
        if case.crisis_language:  # in the note or the self-test's words
            words.append(_("crisis language"))
        return format_html_join(
            " · ", '<strong class="errornote">{}</strong>', ((word,) for word in words)
        )

    @admin.display(description=_("note from the person"))
    def note_marked(self, case) -> SafeString:
        return highlighted(case.note)
