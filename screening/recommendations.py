"""What a result is for: the next step for each tier, and the hotlines every result carries.

Scores are stored at submit time; the next step is worked out when the result is shown, so a
moderate result opened next week lists next week's sessions.
"""

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.ages import needs_guardian_consent
from config.caching import recent
from content.models import Article, by_source, upcoming_sessions
from referrals import sms
from referrals.models import (
    Hotline,
    LocalService,
    local_lines_first,
    national_line_first,
    youth_lines_after_national,
)
from screening.models import Channel, Submission, Tier

ARTICLES_PER_RESULT = 3
SESSIONS_PER_RESULT = 5  # the API's list, one line per occurrence
# The page's list, one line per livestream or weekly hours with its next dates: read from more
# occurrences, so that a weekly session does not crowd out next month's livestream.
SESSIONS_SCANNED = 15
SERIES_PER_RESULT = 4
DATES_PER_SERIES = 3
LOCAL_SERVICES_PER_RESULT = 4


def safety_message() -> str:
    return _(
        "If you are thinking about ending your life or hurting yourself, or you are in danger "
        "right now: call 110 or 120 now, or the psychological assistance hotline 12356. "
        "Stay with someone you trust. You are not alone."
    )


@recent("referrals.Hotline")
def hotlines_serving(region: str, minor: bool = False) -> tuple[Hotline, ...]:
    """``Hotline.objects.serving(region, minor=minor)``, as every result in the region lists
    them."""
    return tuple(Hotline.objects.serving(region, minor=minor))


@recent("content.Article", "content.Article_questionnaires")
def articles_for_result(questionnaire_id: int, tier: str) -> tuple[Article, ...]:
    return tuple(Article.objects.for_result(questionnaire_id, tier)[:ARTICLES_PER_RESULT])


@recent("content.Livestream", "content.ExpertHours", "content.HoursPause")
def sessions_soon() -> tuple:
    return tuple(upcoming_sessions(limit=SESSIONS_SCANNED))


@recent("referrals.LocalService")
def local_services_serving(region: str) -> tuple[LocalService, ...]:
    """Help near you: ``LocalService.objects.serving(region)``, as results in the region list it."""
    return tuple(LocalService.objects.serving(region)[:LOCAL_SERVICES_PER_RESULT])


def session_series(sessions) -> list[list]:
    """Each livestream or weekly hours once, with its next few dates."""
    return [series[:DATES_PER_SERIES] for series in by_source(sessions)][:SERIES_PER_RESULT]


def hotlines_for(submission: Submission) -> list[Hotline]:
    """The lines serving the submission's channel region; national lines otherwise.

    The most local line leads, except on a severe or crisis result, where 12356 does; 12356
    is always among them (from the code if the data has none: see national_line_first). Someone
    under 18 also gets the lines for young people (12355), right after 12356.
    """
    minor = submission.is_minor
    if submission.crisis or submission.tier == Tier.SEVERE:
        return crisis_hotlines(submission.channel, minor=minor)
    return local_lines_first(list(hotlines_serving(region_of(submission.channel), minor)))


def crisis_hotlines(channel: Channel | None, *, minor: bool = False) -> list[Hotline]:
    """The lines a crisis lists for someone who came through ``channel``: 12356 first (then
    12355 for someone under 18)."""
    lines = list(hotlines_serving(region_of(channel), minor))
    return youth_lines_after_national(national_line_first(lines))


def crisis_help(channel: Channel | None, *, minor: bool = False) -> dict:
    """The help a refused answer sheet brings, on the form and in the API, when the answers
    given show a crisis: the safety message and the crisis lines, 12356 first."""
    return {"safety_message": safety_message(), "hotlines": crisis_hotlines(channel, minor=minor)}


def result_parts(submission: Submission, *, printed: bool = False) -> dict:
    """What every showing of a result is built from, the page, the API body and the PDF sheet
    alike: the questionnaire, the band, the hotlines, the next step and the safety message.

    ``printed``: for the paper sheet. There a crisis result's safety message, just above the
    lines, says "call 110 or 120 now", so the page's space goes to the lines people call to
    talk; the national line stays, whatever kind an editor gave it.
    """
    hotlines = hotlines_for(submission)
    if printed and submission.crisis:
        hotlines = [h for h in hotlines if h.kind != Hotline.Kind.EMERGENCY or h.is_national_line]
    return {
        "submission": submission,
        "questionnaire": submission.version.questionnaire,
        "band": submission.band,
        "hotlines": hotlines,
        "recommendation": recommendation_for(submission, hotlines),
        "safety_message": safety_message(),
        # The call-back form offers a text confirmation only when texts can go.
        "sms_available": sms.can_send(),
        # Under 14: the call-back only with a parent's or guardian's consent (PIPL art. 31).
        "guardian_consent_needed": needs_guardian_consent(submission.age_band),
        **step_up_parts(submission),
    }


def step_up_parts(submission: Submission) -> dict:
    """Where a quick check leads on to (its fired step-ups), the fuller results already taken
    from it, and the quick check a fuller result follows: the last two are the person's own
    (their addresses), so a result with them is never shared (screening.result_page)."""
    offers = submission.step_up_offers()
    # Only a result that fired a step-up can be followed: most results read nothing more.
    follow_ons = submission.follow_ons() if submission.step_ups and submission.pk else []
    taken = {f.version.questionnaire_id for f in follow_ons}
    return {
        "step_ups": [o for o in offers if o.questionnaire.pk not in taken],
        "follow_ons": follow_ons,
        "follows": submission.follows if submission.follows_id else None,
    }


# The rows a result shows: saving or deleting one forgets what results of its kind share
# (config.caching.recent).
RESULT_ROWS = (
    "referrals.Hotline",
    "referrals.LocalService",
    "content.Article",
    "content.Article_questionnaires",
    "content.Livestream",
    "content.ExpertHours",
    "content.HoursPause",
    "screening.Questionnaire",
    "screening.ScoreBand",
)


def result_kind(kind: tuple) -> tuple:
    """What results that show alike have in common, apart from the person's own values: their
    ``Submission.kind`` (version, band, tier, crisis and why, age group, whether the person
    wrote something, region), the language and time zone, and where the site is mounted (part of
    every address)."""
    return (
        *kind,
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )


def region_of(channel: Channel | None) -> str:
    return channel.region if channel else ""


def recommendation_for(submission: Submission, hotlines: list[Hotline]) -> dict:
    """The next step for the result's tier, as plain objects (serialised by the API).

    A crisis always gets the referral, led by the immediate-safety message, whatever the total.
    """
    if submission.crisis or submission.tier == Tier.SEVERE:
        message = _(
            # The band's meaning beside it already says a screen is no diagnosis: once is enough.
            "Your answers show you are going through a very hard time. Please talk to someone "
            "today: call one of the hotlines below (12356 is anonymous), or leave your number and "
            "the crisis team will call you back."
        )
        return {
            "kind": "referral",
            "crisis": submission.crisis,
            "safety_message": safety_message() if submission.crisis else "",
            "message": f"{safety_message()}\n\n{message}" if submission.crisis else message,
            "hotlines": hotlines,
            "local_services": local_services_for(submission),
            "callback_url": reverse("api-callback", args=[submission.token]),
            "sms_confirmation_offered": sms.can_send(),
            "guardian_consent_needed": needs_guardian_consent(submission.age_band),
            # Only what an editor marked for severe results (what a call to 12356 is like).
            "items": articles_suiting(submission, Tier.SEVERE),
        }
    if submission.tier == Tier.MODERATE:
        return {
            "kind": "schedule",
            "message": _(
                "Talk it over with a professional: join one of these expert livestreams or "
                "consultation hours. You can add them to your phone's calendar."
            ),
            "sessions": list(sessions_soon()[:SESSIONS_PER_RESULT]),
            "series": session_series(sessions_soon()),
            "local_services": local_services_for(submission),
            "items": articles_suiting(submission, Tier.MODERATE),
        }
    return {
        "kind": "content",
        "message": _("Short articles and videos on looking after your mood and sleep."),
        "items": articles_suiting(submission, Tier.MILD),
    }


def local_services_for(submission: Submission) -> list[LocalService]:
    """The places near the person's channel to talk to someone face to face; none without one."""
    return list(local_services_serving(region_of(submission.channel)))


def articles_suiting(submission: Submission, tier: str) -> list:
    """The few published articles an editor marked as suiting ``tier`` results."""
    return list(articles_for_result(submission.version.questionnaire_id, tier))
