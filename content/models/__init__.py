"""Content's models, one module per concept: articles, and sessions with experts."""

from content.models.articles import Article, ArticleQuerySet, Topic
from content.models.fields import WebLinkField, modern_times, web_link
from content.models.sessions import (
    MAX_PAUSE,
    ExpertHours,
    ExpertHoursQuerySet,
    HoursPause,
    Livestream,
    LivestreamQuerySet,
    Session,
    by_source,
    upcoming_sessions,
)

__all__ = [
    "MAX_PAUSE",
    "Article",
    "ArticleQuerySet",
    "ExpertHours",
    "ExpertHoursQuerySet",
    "HoursPause",
    "Livestream",
    "LivestreamQuerySet",
    "Session",
    "Topic",
    "WebLinkField",
    "by_source",
    "modern_times",
    "upcoming_sessions",
    "web_link",
]
