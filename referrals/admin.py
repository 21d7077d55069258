from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from referrals.models import CaseNote, Hotline, ReferralCase, queue_order


@admin.register(Hotline)
class HotlineAdmin(TranslationAdmin):
    list_display = [
        "name",
        "number",
        "kind",
        "region",
        "priority",
        "open_24h",
        "active",
        "last_verified",
    ]
    list_filter = ["kind", "active", "open_24h"]
    search_fields = ["name", "number", "region"]
    ordering = ["region", "priority"]


class CaseNoteInline(admin.TabularInline):
    model = CaseNote
    extra = 1
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False  # notes are a log: added, never rewritten


def can_see_phone(request) -> bool:
    return request.user.has_perm("referrals.view_phone")


@admin.register(ReferralCase)
class ReferralCaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "status", "overdue", "tier", "crisis", "created_at", "assignee"]
    list_filter = ["status", "submission__crisis", "submission__tier"]
    list_select_related = ["submission", "assignee"]
    inlines = [CaseNoteInline]
    readonly_fields = [
        "submission_link",
        "answers",
        "consent_at",
        "preferred_time",
        "note",
        "created_at",
        "first_contact_at",
        "closed_at",
        "notified_at",
    ]

    def get_queryset(self, request):
        return ReferralCase.objects.select_related("submission__band", "assignee")

    def get_ordering(self, request):
        return queue_order()

    def get_list_display(self, request):
        columns = list(self.list_display)
        if can_see_phone(request):
            columns.insert(3, "phone_masked")
        return columns

    def get_fields(self, request, obj=None):
        fields = ["status", "assignee", *self.readonly_fields]
        if can_see_phone(request):
            fields.insert(0, "phone_full")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if can_see_phone(request):
            readonly.insert(0, "phone_full")
        return readonly

    def has_add_permission(self, request):
        return False  # cases come from people asking for a call-back

    def has_delete_permission(self, request, obj=None):
        return False  # never lose a case; retention removes phone numbers instead

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            note.author = note.author or request.user
            note.save()
        formset.save_m2m()

    @admin.display(description=_("phone"))
    def phone_masked(self, case):
        return case.masked_phone

    @admin.display(description=_("phone number"))
    def phone_full(self, case):
        return case.phone

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, case):
        return case.is_overdue()

    @admin.display(description=_("tier"))
    def tier(self, case):
        return case.submission.get_tier_display()

    @admin.display(description=_("crisis"), boolean=True)
    def crisis(self, case):
        return case.submission.crisis

    @admin.display(description=_("submission"))
    def submission_link(self, case):
        s = case.submission
        return f"{s.version} · {s.total_score}/{s.max_score} · {s.band.label} · {s.short_token}"

    @admin.display(description=_("answers"))
    def answers(self, case):
        return ", ".join(f"{code}={value}" for code, value in case.submission.answers.items())
