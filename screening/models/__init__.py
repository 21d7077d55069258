"""Screening's models, one module per concept: questionnaires, their versions, the parts a
version is made of, channels, and submissions."""

from screening.models.channels import Channel, active_channel
from screening.models.parts import ItemRule, Option, Question, ScoreBand, StepUp, VersionPart
from screening.models.questionnaires import (
    Questionnaire,
    in_site_language,
    start_here_first,
    suggested_for_age,
)
from screening.models.submissions import Submission, new_token
from screening.models.tiers import NEXT_STEPS, STEP_NAMES, Tier
from screening.models.versions import (
    LAST_NUMBER,
    SELF_HARM_LOINC,
    PublishedVersionError,
    QuestionnaireVersion,
    forget_cached_versions,
    forget_live_states,
    next_version_number,
)

__all__ = [
    "LAST_NUMBER",
    "NEXT_STEPS",
    "SELF_HARM_LOINC",
    "STEP_NAMES",
    "Channel",
    "ItemRule",
    "Option",
    "PublishedVersionError",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "ScoreBand",
    "StepUp",
    "Submission",
    "Tier",
    "VersionPart",
    "active_channel",
    "forget_cached_versions",
    "forget_live_states",
    "in_site_language",
    "new_token",
    "next_version_number",
    "start_here_first",
    "suggested_for_age",
]
