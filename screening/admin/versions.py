"""Admin for questionnaires and their versions: drafts, publishing, import and export.

A little past 400 lines: the version's admin and the inlines of its parts are one page a
clinician edits; the publish and preview pages have their own modules.
"""

import json
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationTabularInline,
)

from config.forms import UnchangedSinceOpenedForm
from screening import interchange, publishing
from screening.admin.preview import preview as preview_page
from screening.admin.publish import publish_page
from screening.fhir_export import fhir_questionnaire
from screening.models import (
    ItemRule,
    Option,
    PublishedVersionError,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ScoreBand,
    StepUp,
    in_site_language,
)


class PublishedReadOnly:
    """Published versions (and their parts) are immutable: admin shows them read-only."""

    def _published(self, obj) -> bool:
        version = obj if isinstance(obj, QuestionnaireVersion) else getattr(obj, "version", None)
        return bool(version and version.is_published)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._published(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._published(obj)

    def has_add_permission(self, request, *obj) -> bool:
        # ModelAdmin's takes only the request; an inline's also takes the parent object.
        if obj and self._published(obj[0]):
            return False
        return super().has_add_permission(request, *obj)

    def changeform_view(
        self, request, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        # (For the model admins; inlines have no such view.)
        if request.method == "POST" and object_id:
            obj = self.get_object(request, unquote(object_id))
            # Only for those who could change it as a draft; anyone else gets the 403.
            may_edit = super().has_change_permission(request, obj)
            if obj is not None and may_edit and self._published(obj):
                # Published by a colleague after this form was opened: say so, and show the
                # (now read-only) version, rather than a bare 403 that loses the reason.
                self.message_user(request, PublishedVersionError().messages[0], messages.ERROR)
                return redirect(request.path)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishedVersionError as refused:
            # A colleague published the version while this form was being saved: the save is
            # rolled back whole, and the clinician is told why instead of meeting a 500.
            self.message_user(request, refused.messages[0], messages.ERROR)
            return redirect(request.path)


# Texts in a row of a table, not a page of their own: two lines, widening as typed.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}


class QuestionInline(PublishedReadOnly, TranslationTabularInline):
    """One row a question, its answer options beside it (edited on the question's own page):
    the self-harm help text is the column's, said once, not under every question."""

    model = Question
    extra = 0
    fields = [
        "position",
        "code",
        "text",
        "kind",
        "max_length",
        "answer_options",
        "scored",
        "required",
        "reverse_scored",
        "safety_item",
    ]
    readonly_fields = ["answer_options"]
    formfield_overrides = COMPACT_TEXT
    show_change_link = True
    template = "admin/screening/questionnaireversion/question_inline.html"
    safety_item_field = Question._meta.get_field("safety_item")

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).prefetch_related("options")

    @admin.display(description=_("answer options (score: label)"))
    def answer_options(self, question) -> str:
        if not question.pk:
            return "—"
        return format_html_join(
            " · ", "<span>{}: {}</span>",
            ((option.value, option.label) for option in question.options.all()),
        )  # fmt: skip


class BandInline(PublishedReadOnly, TranslationTabularInline):
    model = ScoreBand
    extra = 0
    formfield_overrides = COMPACT_TEXT


class RuleFormSet(BaseInlineFormSet):
    """A version's item rules: each may only use one of that version's questions."""

    # The question inline posts in the same form, under its related name.
    QUESTION_DELETE = re.compile(r"questions-(\d+)-DELETE")

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "question" in form.fields:
            form.fields["question"].queryset = Question.objects.filter(version_id=self.instance.pk)

    def clean(self) -> None:
        super().clean()
        # The question inline is saved first: a rule saved after it on a deleted question
        # would fail in the database.
        deleting = self._questions_being_deleted()
        for form in self.forms:
            question = getattr(form, "cleaned_data", {}).get("question")
            if (
                question is not None
                and str(question.pk) in deleting
                and form.has_changed()
                and not self._should_delete_form(form)
            ):
                form.add_error(
                    "question",
                    _(
                        "Question “%(question)s” is being deleted in this save: delete this rule "
                        "too, or keep the question."
                    )
                    % {"question": question.code},
                )

    def _questions_being_deleted(self) -> set[str]:
        """Primary keys of the questions this same submission deletes."""
        ticked = forms.CheckboxInput()
        return {
            self.data.get(f"questions-{match[1]}-id")
            for match in map(self.QUESTION_DELETE.fullmatch, self.data)
            if match and ticked.value_from_datadict(self.data, self.files, match[0])
        }


class RuleInline(PublishedReadOnly, TranslationTabularInline):
    model = ItemRule
    formset = RuleFormSet
    extra = 0
    formfield_overrides = COMPACT_TEXT


class StepUpInline(PublishedReadOnly, admin.TabularInline):
    """The fuller questionnaires a result leads on to, one row per question carried over."""

    model = StepUp
    formset = RuleFormSet  # the same: only the version's own questions, none being deleted
    extra = 0


class OptionInline(PublishedReadOnly, TranslationTabularInline):
    model = Option
    extra = 0

    def _published(self, obj) -> bool:
        return bool(obj and obj.version.is_published)


@admin.register(Questionnaire)
class QuestionnaireAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = [
        "title",
        "plain_title",
        "slug",
        "position",
        "start_here",
        "min_age",
        "max_age",
    ]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # The slug is in the addresses of the self-test, its API and the printed forms' QR
        # codes: changed, every one of them would be a 404.
        return [*super().get_readonly_fields(request, obj), *(["slug"] if obj else [])]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Questionnaire version (JSON export)"))


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(PublishedReadOnly, admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["__str__", "status", "published_at", "note", "tools"]
    list_filter = ["questionnaire"]
    readonly_fields = ["status", "created_at", "published_at", "replaces", "tools"]
    inlines = [QuestionInline, BandInline, RuleInline, StepUpInline]
    actions = ["make_draft", "publish"]
    change_list_template = "admin/screening/questionnaireversion/change_list.html"

    class Media:
        css = {"all": ["css/admin-versions.css"]}

    def get_urls(self) -> list[URLPattern]:
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("<int:pk>/preview/", view(self.preview), name="screening_version_preview"),
            path("<int:pk>/publish/", view(self.publish_view), name="screening_version_publish"),
            path("<int:pk>/export.json", view(self.export_json), name="screening_version_json"),
            path("<int:pk>/fhir.json", view(self.export_fhir), name="screening_version_fhir"),
            path("import/", view(self.import_json), name="screening_version_import"),
            *super().get_urls(),
        ]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("questionnaire").with_successor()

    @admin.display(description=_("status"))
    def status(self, version) -> str:
        """Live, replaced (by which version, when) or draft."""
        if not version.pk:
            return "—"
        if not version.is_published:
            return _("draft")
        number = getattr(version, "replaced_by_number", None)
        if number is None:
            return format_html("<strong>{}</strong>", _("live"))
        return _("replaced by v%(number)s on %(date)s") % {
            "number": number,
            "date": date_format(timezone.localtime(version.replaced_at)),
        }

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        draft = QuestionnaireVersion.objects.with_definition().get(pk=form.instance.pk)
        if draft.is_published:
            return
        # Saved all the same: a draft may be finished over several saves. Said now, not first
        # at publishing.
        found = publishing.problems(draft)
        if found:
            messages.warning(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    _("%(version)s is saved, but cannot be published until this is put right:")
                    % {"version": draft},
                    format_html_join("", "<li>{}</li>", ((problem,) for problem in found)),
                ),
            )

    def get_inlines(self, request, obj) -> list[type[InlineModelAdmin]]:
        # An unsaved version has no questions for a rule to use: rules come after the first save.
        if obj is None:
            return [i for i in self.inlines if i not in (RuleInline, StepUpInline)]
        return self.inlines

    def add_view(self, request, form_url="", extra_context=None) -> HttpResponse:
        if request.method == "GET":
            messages.info(
                request,
                _(
                    "Item rules (such as the self-harm crisis rule) can be added once the version "
                    "is saved: each rule uses one of the version's own questions."
                ),
            )
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        version = self.get_object(request, object_id)
        if version is not None and version.is_published and request.method == "GET":
            messages.info(
                request,
                _(
                    "This version is published and cannot be changed: every submission keeps the "
                    "exact version it answered. To change it, select it in the list and use "
                    "“New draft from this version”, edit the draft, then publish it."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("New draft from this version"), permissions=["add"])
    def make_draft(self, request, queryset) -> None:
        for version in queryset:
            try:
                draft = version.new_draft()
            except ValidationError as refused:
                messages.error(request, f"{version}: {refused.messages[0]}")
                continue
            self.log_addition(
                request,
                draft,
                in_site_language(_("New draft copied from %(version)s"), version=version),
            )
            messages.success(request, _("Created %(draft)s.") % {"draft": draft})

    @admin.action(description=_("Publish (make live)"), permissions=["change"])
    def publish(self, request, queryset) -> HttpResponse | None:
        # One at a time, through the page that shows what changes and asks first.
        if queryset.count() != 1:
            messages.error(request, _("Select one version to publish."))
            return None
        return redirect("admin:screening_version_publish", queryset.get().pk)

    def publish_view(self, request, pk: int) -> HttpResponse:
        return publish_page(self, request, pk)

    def preview(self, request, pk: int) -> HttpResponse:
        return preview_page(self, request, pk)

    def export_json(self, request, pk: int) -> HttpResponse:
        version = self._viewable(request, pk)
        body = json.dumps(interchange.export_version(version), ensure_ascii=False, indent=2)
        return self._download(body, f"{version.questionnaire.slug}-v{version.number}.json")

    def export_fhir(self, request, pk: int) -> HttpResponse:
        version = self._viewable(request, pk)
        resource = fhir_questionnaire(version, settings.SITE_URL)
        body = json.dumps(resource, ensure_ascii=False, indent=2)
        return self._download(
            body,
            f"{version.questionnaire.slug}-v{version.number}.fhir.json",
            "application/fhir+json",
        )

    def import_json(self, request) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.load(form.cleaned_data["file"])
                version = interchange.import_version(data)
            # RecursionError: JSON nested deeper than the parser can follow.
            except (ValueError, RecursionError, ValidationError) as refused:
                messages_ = (
                    refused.messages
                    if isinstance(refused, ValidationError)
                    else [_("The file is not valid JSON.")]
                )
                for problem in messages_:
                    form.add_error("file", problem)
            else:
                self.log_addition(request, version, in_site_language(_("Imported from JSON")))
                messages.success(
                    request, _("Imported as draft %(version)s.") % {"version": version}
                )
                return redirect("admin:screening_questionnaireversion_change", version.pk)
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import a questionnaire version")}  # fmt: skip
        return render(request, "admin/screening/questionnaireversion/import.html", context)

    def _viewable(self, request, pk: int) -> QuestionnaireVersion:
        version = get_object_or_404(QuestionnaireVersion.objects.with_definition(), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def _download(self, body: str, filename: str, content_type: str = "application/json"):
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.display(description=_("tools"))
    def tools(self, version) -> str:
        if not version.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">JSON</a> · <a href="{}">FHIR</a>',
            reverse("admin:screening_version_preview", args=[version.pk]),
            _("preview"),
            reverse("admin:screening_version_json", args=[version.pk]),
            reverse("admin:screening_version_fhir", args=[version.pk]),
        )


@admin.register(Question)
class QuestionAdmin(PublishedReadOnly, TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["code", "version", "position", "kind", "scored"]
    list_filter = ["version__questionnaire"]
    inlines = [OptionInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The question is part of its version's page too: a copy of that page opened before
        # this save must not put the old question back.
        QuestionnaireVersion.objects.filter(pk=obj.version_id).update(updated_at=timezone.now())

    def formfield_for_foreignkey(self, db_field, request, **kwargs) -> forms.ModelChoiceField:
        if db_field.name == "version":
            # Questions can only be added to drafts; published versions are immutable.
            kwargs["queryset"] = QuestionnaireVersion.objects.filter(
                published_at__isnull=True
            ).select_related("questionnaire")
            kwargs["error_messages"] = {
                "invalid_choice": _(
                    "Choose a draft version. Published versions cannot be changed: make a new "
                    "draft from the version first."
                )
            }
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
