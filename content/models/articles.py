"""Science-popularisation articles and videos, by topic."""

from datetime import datetime

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models.fields import modern_times, web_link


class Topic(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> "ArticleQuerySet":
        return self.filter(published=True, published_at__lte=now or timezone.now())

    def for_result(
        self, questionnaire: models.Model, tier: str, now: datetime | None = None
    ) -> "ArticleQuerySet":
        """Published items suiting a result: those made for this questionnaire first, newest first.

        An item linked to no questionnaire suits them all.
        """
        return (
            self.published(now)
            .filter(**{f"suits_{tier}": True})
            .annotate(
                specific=Count("questionnaires", filter=Q(questionnaires=questionnaire)),
                linked=Count("questionnaires"),
            )
            .filter(Q(specific__gt=0) | Q(linked=0))
            .order_by("-specific", "position", "-published_at")
        )


# The links villagers tap: a phone opens http(s) only (Django's URLField also takes ftp), and
# WeChat article and channel links run well past URLField's default 200 characters.
class Article(models.Model):
    """A short science-popularisation article or video on mental health (mild results)."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("Always shown: people on a weak signal read this."),
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Short and plain. Paragraphs."))
    video_url = web_link(_("video link"), blank=True, help_text=_("A link; never autoplay."))
    cover_url = web_link(_("cover image link"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    questionnaires = models.ManyToManyField(
        "screening.Questionnaire",
        blank=True,
        related_name="+",
        verbose_name=_("suits questionnaires"),
        help_text=_("Leave empty to suit every questionnaire."),
    )
    suits_mild = models.BooleanField(_("suits mild results"), default=True)
    suits_moderate = models.BooleanField(
        _("suits moderate results"),
        default=False,
        help_text=_("Listed below the expert sessions of moderate results."),
    )
    suits_severe = models.BooleanField(
        _("suits severe results"),
        default=False,
        help_text=_(
            "Listed last on severe and crisis results, below the hotlines and the call-back "
            "offer: for example, what a call to 12356 is like."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("publication date"), default=timezone.now, validators=[modern_times]
    )
    # The edit stamp admin forms check (config.forms); a database default too, for rows the
    # version still running during a deploy inserts.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-published_at"]
        verbose_name = _("article or video")
        verbose_name_plural = _("articles and videos")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", args=[self.slug])
