from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from config.forms import UnchangedSinceOpenedForm
from content.models import Article, ExpertHours, HoursPause, Livestream, Topic


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Article)
class ArticleAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = [
        "title",
        "published",
        "published_at",
        "suits_mild",
        "suits_moderate",
        "position",
    ]
    list_filter = ["published", "topics", "questionnaires"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["topics", "questionnaires"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Livestream)
class LivestreamAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["title", "host", "starts_at", "ends_at", "published"]
    list_filter = ["published"]
    date_hierarchy = "starts_at"


class HoursPauseInline(admin.TabularInline):
    model = HoursPause
    extra = 0


@admin.register(ExpertHours)
class ExpertHoursAdmin(TranslationAdmin):
    form = UnchangedSinceOpenedForm
    inlines = [HoursPauseInline]
    list_display = ["title", "host", "weekday", "start_time", "end_time", "active"]
    list_filter = ["active", "weekday"]
