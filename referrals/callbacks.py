"""Call-back requests: a person in need leaves a phone number, the crisis team calls back."""

import json
import logging
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.after_response import after_response
from referrals import crisis_language
from referrals.crisis_phrases import find_crisis_language
from referrals.models import NOTIFICATION_FIELDS, CaseNote, ReferralCase

log = logging.getLogger(__name__)

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# Area codes: 010, 02x, or three digits from 0300 up (GB/T 2260 zones), then 7-8 digits.
LANDLINE = re.compile(r"^0(10|2[0-9]|[3-9][0-9]{2})[0-9]{7,8}$")
# White space, brackets and dashes (hyphen to horizontal bar, minus); a dot or middle dot only
# before a group of three digits or more (139.1234.5678), never before a decimal (4638908.0).
# No slash: in "0931-4638908/9" it means "or", and the number is not one number.
SEPARATORS = re.compile(r"[\s()\-\u2010-\u2015\u2212]|(?<=[0-9])[.·](?=[0-9]{3})")


def normalise_phone(raw: str) -> str | None:
    """A mainland China number in plain digits, or None when it is not one.

    Mobile: 11 digits starting 13-19. Landline: area code with its leading 0, then 7-8 digits.
    Spaces, dashes, dots between groups, brackets and a +86 / 0086 / 86 prefix are allowed.
    """
    # Chinese input methods often type full-width digits and brackets (１３９…, （010）), and
    # dashes of every length (139—1234—5678).
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    # No mainland number starts with 86, so a bare 86 is the country code too.
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            # From abroad a landline drops its trunk 0: +86 10 8295 1332 is 010 8295 1332.
            if not MOBILE.match(digits) and not digits.startswith("0"):
                digits = "0" + digits
            break
    if MOBILE.match(digits) or LANDLINE.match(digits):
        return digits
    return None


def request_callback(
    *, submission: models.Model, phone: str, preferred_time: str = "", note: str = ""
) -> tuple[ReferralCase, bool]:
    """Open a referral case for ``submission`` (or update its open one); returns (case, created).

    The phone number must be normalised and consented to already. The crisis team is notified
    after the transaction commits, so a failed notification never loses the case. Asking again
    keeps what the person said before (in a case note when it changes) and, once the team has
    been in touch, makes the case new again and tells the team again.
    """
    with transaction.atomic():
        # Serialise requests for one submission: racing requests must make one case.
        type(submission).objects.select_for_update().filter(pk=submission.pk).first()
        # The case too: a team member saving it in admin (who does not lock the submission) is
        # waited for, and a case they have just closed is no longer open here.
        case = ReferralCase.objects.open().filter(submission=submission).select_for_update().first()
        created = case is None
        if created:
            case = ReferralCase(submission=submission)
            tell_team = True
        else:
            tell_team = case.status == ReferralCase.Status.CONTACTED
            record_repeat_request(case, phone, preferred_time, note, contacted=tell_team)
            preferred_time = preferred_time or case.preferred_time
            note = note or case.note
            if tell_team:
                # Waiting again from now; a case not yet contacted keeps its place in the queue.
                case.status = ReferralCase.Status.NEW
                case.requested_at = timezone.now()
        case.phone = phone
        case.consent_at = timezone.now()
        case.preferred_time = preferred_time
        case.note = note
        case.crisis_language = words_show_crisis(submission, note)
        case.save()
        if tell_team and not created:
            # Told of the first request, not of this one: the retry job sees it as untold.
            forget_notifications(case)
        if tell_team:
            # Robust: the case is saved whatever happens here (the retry job sends what failed),
            # so the person is told it was received, never shown an error. After the response:
            # a slow mail server or webhook must not keep them waiting for that answer.
            transaction.on_commit(
                lambda: after_response(lambda: notify_crisis_team(case)), robust=True
            )
    return case, created


def words_show_crisis(submission: models.Model, note: str) -> bool:
    """Whether the person's note, or what they wrote on the self-test (the rule it fired),
    holds crisis language."""
    return (
        crisis_language.RULE_CODE in (submission.triggered_rules or [])
        or find_crisis_language(note) is not None
    )


def record_repeat_request(
    case: ReferralCase, phone: str, preferred_time: str, note: str, *, contacted: bool
) -> CaseNote:
    """A case note saying the person asked again, with what their new request replaces."""
    # Notes are the team's record: written in the site's language, not the person's.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("The person asked again for a call back.")]
        if contacted:
            lines.append(_("They had been contacted; the case is new again."))
        if phone != case.phone:
            lines.append(_("They gave a different phone number (shown above)."))
        if preferred_time and case.preferred_time and preferred_time != case.preferred_time:
            lines.append(_("Preferred time before: %(text)s") % {"text": case.preferred_time})
        if note and case.note and note != case.note:
            lines.append(_("Note before: %(text)s") % {"text": case.note})
    return CaseNote.objects.create(case=case, text="\n".join(lines), quotes_person=True)


def forget_notifications(case: ReferralCase) -> None:
    ReferralCase.objects.filter(pk=case.pk).update(**dict.fromkeys(NOTIFICATION_FIELDS))
    for field in NOTIFICATION_FIELDS:
        setattr(case, field, None)


def notify_crisis_team(case: ReferralCase) -> bool:
    """Tell the crisis team a case is waiting, by email and the optional webhook.

    The message holds no phone number and no answers: the team reads those in admin.
    Failures are logged (without personal data) and leave ``notified_at`` empty until every
    configured way has got through; True once it has. Each way is recorded (committed) as soon
    as it got through, so nothing that fails later makes anyone send it again.
    """
    submission = case.submission
    admin_url = f"{settings.SITE_URL.rstrip('/')}/admin/referrals/referralcase/{case.pk}/change/"
    # Read by the crisis team, so in the site's language, not that of the person who asked.
    with translation.override(settings.LANGUAGE_CODE):
        # The [callback] and CRISIS tags stay as they are, for the team's mail filters.
        subject = "[callback] " + _("case %(case)s: %(questionnaire)s, %(tier)s") % {
            "case": case.pk,
            "questionnaire": submission.version.questionnaire.slug,
            "tier": submission.get_tier_display(),
        }
        if submission.crisis:
            subject += " CRISIS"
        body = "\n".join(
            [
                _("A call-back was asked for at %(time)s.")
                # The 30 minutes run from the latest request, not the case's opening.
                % {"time": f"{timezone.localtime(case.requested_at):%Y-%m-%d %H:%M}"},
                _("Tier: %(tier)s; crisis: %(crisis)s; score %(score)s/%(max)s.")
                % {
                    "tier": submission.get_tier_display(),
                    "crisis": _("yes") if submission.crisis else _("no"),
                    "score": submission.total_score,
                    "max": submission.max_score,
                },
                _("Open the case: %(url)s") % {"url": admin_url},
                _("Please make first contact within 30 minutes."),
            ]
        )
    if settings.CRISIS_WEBHOOK_FORMAT == "text":
        payload = {"msgtype": "text", "text": {"content": f"{subject}\n{body}"}}
    else:
        payload = {
            "case": case.pk,
            "tier": submission.tier,
            "crisis": submission.crisis,
            "created_at": case.created_at.isoformat(),
            "requested_at": case.requested_at.isoformat(),
            "admin_url": admin_url,
        }
    if settings.CRISIS_TEAM_EMAILS:
        send_once(case, "emailed_at", lambda: email_team(case, subject, body))
    if settings.CRISIS_WEBHOOK_URL:
        send_once(case, "webhook_called_at", lambda: call_webhook(case, payload))
    # Notified once every configured way got through; until then the retry job tries again.
    configured = [
        done
        for wanted, done in (
            (settings.CRISIS_TEAM_EMAILS, case.emailed_at),
            (settings.CRISIS_WEBHOOK_URL, case.webhook_called_at),
        )
        if wanted
    ]
    sent = bool(configured) and all(configured)
    if sent:
        case.notified_at = record(case, "notified_at")
    elif any(configured):
        log.error("crisis team was told of case %s only one way; retrying the other", case.pk)
    else:
        log.error("crisis team was not notified of case %s", case.pk)
    return sent


def send_once(case: ReferralCase, field: str, send: Callable[[], bool]) -> None:
    """Send one way (``field`` says when it got through) unless it has been sent already.

    Another sender (the request that opened the case, an overlapping run of the retry job) may
    be at the same case: a lock on this way alone makes it skip a way being sent, and the time
    is committed as soon as the way got through, so nobody is told twice. The lock is not the
    case's row: the person asking again and the team saving the case never wait for a slow
    mail server, and their short row locks never make a sender skip its way.
    """
    with sending(case, field) as mine:
        if not mine:
            return  # another sender has it now; the retry job comes back to it if need be
        done = ReferralCase.objects.filter(pk=case.pk).values_list(field, flat=True).first()
        if done is None and send():
            done = record(case, field)
        setattr(case, field, done)


@contextmanager
def sending(case: ReferralCase, field: str) -> Iterator[bool]:
    """Whether this process may send ``field``'s way for ``case`` now.

    A PostgreSQL advisory lock of the session, not a row lock, so no transaction stays open
    while the mail server or webhook answers; released here, or with the connection if the
    process dies. (The request's on-commit call and the retry job run outside transactions,
    so the time recorded under the lock is seen by the next sender.) SQLite serves a single
    development process: always yes.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    ways = len(NOTIFICATION_FIELDS)
    key = (ADVISORY_LOCK_SPACE << 48) + case.pk * ways + NOTIFICATION_FIELDS.index(field)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


# The high bits of the advisory lock keys the project takes (one per case and way).
ADVISORY_LOCK_SPACE = 12356


def email_team(case: ReferralCase, subject: str, body: str) -> bool:
    try:
        send_mail(subject, body, None, settings.CRISIS_TEAM_EMAILS)
    except Exception:
        log.exception("crisis team email failed for case %s", case.pk)
        return False
    return True


def call_webhook(case: ReferralCase, payload: dict) -> bool:
    """POST ``payload`` to CRISIS_WEBHOOK_URL; True when the webhook took it."""
    try:
        # The address often carries the bot's key: it is never logged.
        if not is_web_address(settings.CRISIS_WEBHOOK_URL):
            log.error("CRISIS_WEBHOOK_URL is not an http(s) address; case %s not sent", case.pk)
            return False
        request = urllib.request.Request(
            settings.CRISIS_WEBHOOK_URL,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with WEBHOOK_OPENER.open(request, timeout=settings.CRISIS_WEBHOOK_TIMEOUT) as response:
            refusal = webhook_refusal(response.read(WEBHOOK_ANSWER_LIMIT))
    except urllib.error.HTTPError as error:
        # Only the status: the error's address may hold the key.
        log.error("crisis team webhook answered case %s with HTTP %s", case.pk, error.code)
        return False
    except Exception:
        log.exception("crisis team webhook failed for case %s", case.pk)
        return False
    if refusal is not None:
        log.error("crisis team webhook refused case %s: errcode %s", case.pk, refusal)
        return False
    return True


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


def record(case: ReferralCase, field: str) -> datetime:
    """Store when ``field`` happened, unless it already had: a time once written is kept."""
    now = timezone.now()
    ReferralCase.objects.filter(pk=case.pk, **{f"{field}__isnull": True}).update(**{field: now})
    return now
