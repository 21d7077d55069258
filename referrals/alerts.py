"""What an alert to the crisis team says, and the ways it goes: email and webhook."""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.ages import needs_guardian_consent
from referrals.models import Alert, ReferralCase
from referrals.sms import SmsNotSent, send_sms

log = logging.getLogger(__name__)


class NotDelivered(Exception):
    """A way did not get through; the message holds no personal data (it is stored and logged)."""


def case_url(case: ReferralCase) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/admin/referrals/referralcase/{case.pk}/change/"


def acknowledge_url(case: ReferralCase) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/admin/referrals/referralcase/{case.pk}/acknowledge/"


def alert_text(case: ReferralCase, step: str) -> tuple[str, str]:
    """The subject and body of ``step``'s alert: no phone number, no answers (read in admin)."""
    submission = case.submission
    # Read by the crisis team, so in the site's language, not that of the person who asked.
    with translation.override(settings.LANGUAGE_CODE):
        # The [callback] and CRISIS tags stay as they are, for the team's mail filters.
        subject = _("case %(case)s: %(questionnaire)s, %(tier)s") % {
            "case": case.pk,
            "questionnaire": submission.version.questionnaire.slug,
            "tier": submission.get_tier_display(),
        }
        if submission.crisis:
            subject += " CRISIS"
        if submission.is_minor:
            # Before anyone rings back, whatever channel the alert comes by (a text has only
            # the subject): a child is called differently, and under 14 a guardian consents.
            subject += " MINOR"
        waited = int((timezone.now() - case.requested_at).total_seconds() // 60)
        lead = {
            Alert.Step.ON_DUTY: _("A call-back was asked for at %(time)s."),
            Alert.Step.TEAM: _(
                "Nobody has made first contact yet: a call-back was asked for at %(time)s, "
                "%(minutes)s minutes ago."
            ),
            Alert.Step.SUPERVISOR: _(
                "Overdue: nobody has made first contact since a call-back was asked for at "
                "%(time)s, %(minutes)s minutes ago."
            ),
        }[step]
        if step != Alert.Step.ON_DUTY:
            subject = _("no contact after %(minutes)s min: ") % {"minutes": waited} + subject
        subject = "[callback] " + subject
        body = "\n".join(
            [
                # The 30 minutes run from the latest request, not the case's opening.
                lead
                % {
                    "time": f"{timezone.localtime(case.requested_at):%Y-%m-%d %H:%M}",
                    "minutes": waited,
                },
                _("Tier: %(tier)s; crisis: %(crisis)s; score %(score)s/%(max)s.")
                % {
                    "tier": submission.get_tier_display(),
                    "crisis": _("yes") if submission.crisis else _("no"),
                    "score": submission.total_score,
                    "max": submission.max_score,
                },
                *age_lines(case),
                _("Take the case (it is assigned to you and the alerts stop): %(url)s")
                % {"url": acknowledge_url(case)},
                _("Open the case: %(url)s") % {"url": case_url(case)},
                _("Please make first contact within 30 minutes."),
            ]
        )
    return subject, body


def age_lines(case: ReferralCase) -> list[str]:
    """What the alert says of the person's age: nothing for an adult or no age given; for a
    minor, their age band (or that the questionnaire is for under-18s), and under 14 whether a
    guardian consented. A band alone identifies nobody (config.ages)."""
    submission = case.submission
    if not submission.is_minor:
        return []
    if submission.age_band:
        lines = [_("The person is a minor: %(age)s.") % {"age": submission.get_age_band_display()}]
    else:
        lines = [_("The person is a minor: no age given, on a questionnaire for under-18s.")]
    if needs_guardian_consent(submission.age_band):
        lines.append(
            _("Under 14: a guardian's consent to the call-back is recorded.")
            if case.guardian_consent
            else _("Under 14: no guardian's consent is recorded.")
        )
    return lines


def confirmation_text(case: ReferralCase) -> str:
    """The person's text: when and from which number they will be called, and whom to call
    meanwhile; in their own language. No diagnosis, no score."""
    with translation.override(case.submission.language or settings.LANGUAGE_CODE):
        parts = [_("Xinqiao: we have your request for a call back.")]
        if settings.CRISIS_TEAM_CALLER_NUMBER:
            parts.append(
                _("The crisis team will call you within about 30 minutes, from %(number)s.")
                % {"number": settings.CRISIS_TEAM_CALLER_NUMBER}
            )
        else:
            parts.append(_("The crisis team will call you within about 30 minutes."))
        if settings.CRISIS_TEAM_HOURS:
            parts.append(
                _("The team calls %(hours)s; outside those hours, the next morning.")
                % {"hours": settings.CRISIS_TEAM_HOURS}
            )
        parts.append(_("Meanwhile, in danger call 120; to talk to someone now call 12356."))
        # Chinese sentences follow each other without a space.
        separator = "" if translation.get_language().startswith("zh") else " "
        return separator.join(str(part) for part in parts)


def deliver(alert: Alert) -> None:
    """Send ``alert`` its way; raises NotDelivered when it did not get through."""
    if alert.step == Alert.Step.CONFIRMATION:
        text_person(alert)
        return
    subject, body = alert_text(alert.case, alert.step)
    if alert.channel == Alert.Channel.EMAIL:
        email(alert, subject, body)
    elif alert.channel == Alert.Channel.WEBHOOK:
        call_webhook(alert, webhook_payload(alert, subject, body))
    elif alert.channel == Alert.Channel.SMS:
        # Short: the subject and the link that takes the case.
        text = f"{subject}\n{acknowledge_url(alert.case)}"
        text_each(alert, text)
    else:
        raise NotDelivered(f"no way to send {alert.channel}")


def text_each(alert: Alert, text: str) -> None:
    """Text every staff number of ``alert`` it has not reached yet, recording each one reached
    (saved with the attempt); NotDelivered when any is still missing."""
    numbers = [n.strip() for n in alert.recipients.split(",") if n.strip()]
    reached = [n.strip() for n in alert.delivered_to.split(",") if n.strip()]
    failure = None
    for number in numbers:
        if number in reached:
            continue
        try:
            text_to(alert, number, text)
        except NotDelivered as error:
            failure = error  # the others are still tried now
        else:
            reached.append(number)
            alert.delivered_to = ", ".join(reached)
    if failure is not None:
        raise failure


def text_person(alert: Alert) -> None:
    text_to(alert, alert.case.phone, confirmation_text(alert.case))


def text_to(alert: Alert, number: str, text: str) -> None:
    try:
        send_sms(number, text)
    except SmsNotSent as error:
        # The backend's words hold no number; ours neither.
        log.error("SMS for case %s not sent: %s", alert.case_id, error)
        raise NotDelivered(str(error)) from None


def email(alert: Alert, subject: str, body: str) -> None:
    recipients = [address.strip() for address in alert.recipients.split(",") if address.strip()]
    try:
        send_mail(subject, body, None, recipients)
    except Exception as error:
        log.exception("crisis team email failed for case %s", alert.case_id)
        raise NotDelivered(f"email: {type(error).__name__}") from error


def webhook_payload(alert: Alert, subject: str, body: str) -> dict:
    case = alert.case
    if settings.CRISIS_WEBHOOK_FORMAT == "text":
        return {"msgtype": "text", "text": {"content": f"{subject}\n{body}"}}
    return {
        "case": case.pk,
        "step": alert.step,
        "tier": case.submission.tier,
        "crisis": case.submission.crisis,
        # As the subject's MINOR: the receiver writes its own message from these fields.
        "minor": case.submission.is_minor,
        "created_at": case.created_at.isoformat(),
        "requested_at": case.requested_at.isoformat(),
        "admin_url": case_url(case),
        "acknowledge_url": acknowledge_url(case),
    }


def call_webhook(alert: Alert, payload: dict) -> None:
    """POST ``payload`` to CRISIS_WEBHOOK_URL; NotDelivered unless the webhook took it."""
    case = alert.case_id
    # The address often carries the bot's key: it is never logged.
    if not is_web_address(settings.CRISIS_WEBHOOK_URL):
        log.error("CRISIS_WEBHOOK_URL is not an http(s) address; case %s not sent", case)
        raise NotDelivered("CRISIS_WEBHOOK_URL is not an http(s) address")
    request = urllib.request.Request(
        settings.CRISIS_WEBHOOK_URL,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with WEBHOOK_OPENER.open(request, timeout=settings.CRISIS_WEBHOOK_TIMEOUT) as response:
            refusal = webhook_refusal(response.read(WEBHOOK_ANSWER_LIMIT))
    except urllib.error.HTTPError as error:
        # Only the status: the error's address may hold the key.
        log.error("crisis team webhook answered case %s with HTTP %s", case, error.code)
        raise NotDelivered(f"webhook: HTTP {error.code}") from None
    except Exception as error:
        log.error("crisis team webhook failed for case %s: %s", case, type(error).__name__)
        raise NotDelivered(f"webhook: {type(error).__name__}") from None
    if refusal is not None:
        log.error("crisis team webhook refused case %s: errcode %s", case, refusal)
        raise NotDelivered(f"webhook: errcode {refusal}")


def is_web_address(url: str) -> bool:
    """An http(s) address with a host: anything else never reaches the crisis team (the
    webhook is refused at run time and by the referrals.E001 check)."""
    try:
        parts = urllib.parse.urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return False


WEBHOOK_ANSWER_LIMIT = 64 * 1024


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: following it would turn the POST into a GET
    without the message, whose 200 would count the team as told."""

    def redirect_request(self, req, fp, code, msg, headers, newurl) -> None:
        return None  # so the 3xx is raised as an HTTPError


# Only a 2xx answer to the POST itself counts; any other status raises HTTPError.
WEBHOOK_OPENER = urllib.request.build_opener(RefuseRedirects)


def webhook_refusal(answer: bytes) -> Any:
    """The ``errcode`` of a webhook's 2xx answer that refuses the message, else None.

    WeCom (企业微信) and DingTalk group bots, the usual pagers here, answer 200 with
    ``{"errcode": 0, ...}`` when they post the message and another errcode when they do not (a
    wrong key, a rate limit): such a call did not reach the team.
    """
    try:
        body = json.loads(answer)
    except ValueError:
        return None
    errcode = body.get("errcode", 0) if isinstance(body, dict) else 0
    return None if errcode in (0, "0") else errcode
