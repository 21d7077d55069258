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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from config.forms import UnchangedSinceOpenedForm
from referrals import crisis_language
from referrals.crisis_language import Finding, find_all
from referrals.crisis_phrases import crisis_lexicon, lines
from referrals.models import (
    Alert,
    CaseNote,
    CaseQuerySet,
    CrisisPhrase,
    DutyException,
    DutyShift,
    Hotline,
    LocalService,
    PhoneView,
    ReferralCase,
    queue_order,
)
from referrals.regions import REGION_CODE, is_region_code


class UnknownRegionFilter(admin.SimpleListFilter):
    """Rows saved before region codes were checked (or written straight to the database) may hold
    a name or a mistyped code: results match regions by code, so such a row matches none."""

    title = _("region code")
    parameter_name = "region_code"

    def lookups(self, request, model_admin) -> list[tuple[str, Promise]]:
        return [("unknown", _("Not a region code"))]

    def queryset(self, request, queryset) -> QuerySet:
        if self.value() == "unknown":
            return queryset.exclude(region="").exclude(region__regex=rf"^{REGION_CODE}$")
        return queryset


def region_cell(region: str, unknown: str) -> str:
    """The region code as a change list shows it; ``unknown`` says what a wrong one does."""
    if not region or is_region_code(region):
        return region
    return format_html('<strong class="errornote">{} – {}</strong>', region, unknown)


@admin.register(Hotline)
class HotlineAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = [
        "name",
        "number",
        "kind",
        "region_code",
        "priority",
        "open_24h",
        "active",
        "last_verified",
    ]
    list_filter = ["kind", "active", "open_24h", UnknownRegionFilter]
    search_fields = ["name", "number", "region"]
    ordering = ["region", "priority"]

    @admin.display(description=_("region code"), ordering="region")
    def region_code(self, hotline) -> str:
        return region_cell(
            hotline.region, _("not a region code: no result lists this line; enter its code")
        )


@admin.register(LocalService)
class LocalServiceAdmin(TranslationAdmin):
    """Help near you, listed by region on moderate and severe results, as hotlines are."""

    form = UnchangedSinceOpenedForm
    list_display = ["name", "kind", "region_code", "phone", "priority", "active", "last_verified"]
    list_filter = ["kind", "active", UnknownRegionFilter]
    search_fields = ["name", "address", "phone", "region"]
    ordering = ["region", "priority"]

    @admin.display(description=_("region code"), ordering="region")
    def region_code(self, service) -> str:
        return region_cell(
            service.region, _("not a region code: no result lists this service; enter its code")
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


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    """The weekly roster: whoever covers an hour is alerted first of a new case."""

    list_display = ["weekday", "starts_at", "ends_at", "user"]
    list_filter = ["weekday", "user"]
    ordering = ["weekday", "starts_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs) -> forms.Field:
        if db_field.name == "user":
            kwargs["queryset"] = possible_assignees()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DutyException)
class DutyExceptionAdmin(DutyShiftAdmin):
    """Leave, sickness and swaps: someone off, or covering, for a while."""

    list_display = ["starts_at", "ends_at", "user", "on_duty", "note"]
    list_filter = ["on_duty", "user"]
    ordering = ["-starts_at"]


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
class ReferralCaseAdmin(admin.ModelAdmin):
    form = CaseForm
    list_display = ["number", "status", "crisis", "overdue", "tier", "requested_at", "assignee"]
    list_filter = ["status", "submission__crisis", "submission__tier"]
    list_select_related = ["submission", "assignee"]
    inlines = [CaseNoteInline]
    case_fields = [
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

    @admin.display(description=_("tier"))
    def tier(self, case) -> str:
        return case.submission.get_tier_display()

    def fired_rules(self, case) -> list:
        """The submission's rules its answers fired (the version's, by the codes it recorded)."""
        fired = case.submission.triggered_rules or []
        rules = case.submission.version.rules.select_related("question")
        return [rule for rule in rules if rule.code in fired]

    @admin.display(description=_("why this tier"))
    def why(self, case) -> str:
        submission = case.submission
        rules = self.fired_rules(case)
        # What the person wrote makes it a crisis whatever the answers: said first.
        words = (
            [_("Crisis language in what the person wrote (marked in the answers): a crisis.")]
            if crisis_language.RULE_CODE in (submission.triggered_rules or [])
            else []
        )
        if words and not rules:
            return words[0]
        if not rules:
            return _("The band of the total score (%(band)s) gives the tier.") % {
                "band": submission.band.label
            }
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            [(line,) for line in words]
            + [
                (
                    _(
                        "Rule “%(rule)s” fired: question %(position)s answered %(value)s "
                        "(fires at %(min)s or more)%(crisis)s. It decides the tier whatever "
                        "the band of the total score (%(band)s)."
                    )
                    % {
                        "rule": rule.description or rule.code,
                        "position": rule.question.position,
                        "value": (submission.answers or {}).get(rule.question.code, "?"),
                        "min": rule.min_value,
                        "crisis": _(", a crisis rule") if rule.crisis else "",
                        "band": submission.band.label,
                    },
                )
                for rule in rules
            ],
        )

    @admin.display(description=_("questionnaire"))
    def questionnaire(self, case) -> str:
        version = case.submission.version
        return f"{version.questionnaire.title} (v{version.number})"

    @admin.display(description=_("score"))
    def score(self, case) -> str:
        return f"{case.submission.total_score} / {case.submission.max_score}"

    @admin.display(description=_("band"))
    def band(self, case) -> str:
        return case.submission.band.label

    @admin.display(description=_("reference"))
    def reference(self, case) -> str:
        return case.submission.short_token

    @admin.display(description=_("answers"))
    def answers(self, case) -> str | Promise:
        given = case.submission.answers
        if not given:
            return _("Removed: the submission was anonymised after the retention period.")
        fired = {rule.question_id for rule in self.fired_rules(case)}
        words_fired = crisis_language.RULE_CODE in (case.submission.triggered_rules or [])
        rows = []
        for question in case.submission.version.questions.prefetch_related("options"):
            value = given.get(question.code)
            labels = {option.value: option.label for option in question.options.all()}
            if isinstance(value, str):
                answer = highlighted(value)  # the person's own words
            else:
                answer = "—" if value is None else f"{labels.get(value, '?')} ({value})"
            if question.pk in fired or (isinstance(value, str) and words_fired):
                # The answer that fired a rule (PHQ-9 item 9, crisis language) stands out.
                row = format_html(
                    '<tr class="fired"><td><mark>{}</mark></td><td><mark>{}</mark></td>'
                    "<td><mark><strong>{}</strong> ⚠ {}</mark></td></tr>",
                    question.position,
                    question.text,
                    answer,
                    _("fired a rule"),
                )
            else:
                row = format_html(
                    "<tr><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
                    question.position,
                    question.text,
                    answer,
                )
            rows.append(row)
        return format_html(
            '<table class="answers"><tbody>{}</tbody></table>',
            format_html_join("", "{}", ((r,) for r in rows)),
        )


def highlighted(text: str, findings: list[Finding] | None = None) -> SafeString:
    """``text`` with the crisis language found in it marked, escaped for a page."""
    if findings is None:
        findings = find_all(text, crisis_lexicon())
    parts = []
    shown = 0
    for finding in findings:
        if finding.start < shown:
            continue  # overlaps the phrase marked before it
        parts.append(format_html("{}", text[shown : finding.start]))
        parts.append(
            format_html(
                '<mark class="crisis-language" title="{}">{}</mark>',
                CrisisPhrase.Category(finding.category).label,
                finding.text,
            )
        )
        shown = finding.end
    parts.append(format_html("{}", text[shown:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(CrisisPhrase)
class CrisisPhraseAdmin(admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["phrase", "category", "active", "examples", "updated_at"]
    list_filter = ["category", "active"]
    search_fields = ["phrase", "must_match", "must_not_match", "note"]
    fields = ["phrase", "category", "must_match", "must_not_match", "note", "active", "seen"]

    @admin.display(description=_("examples that must match"))
    def examples(self, phrase) -> SafeString:
        return format_html_join(
            mark_safe("<br>"), "{}", ((highlighted(line),) for line in lines(phrase.must_match))
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Switch a phrase off instead: its examples stay on record for the next editor.
        return request.user.is_superuser
