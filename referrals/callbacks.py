"""Call-back requests: a person in need leaves a phone number, the crisis team calls back."""

import logging
import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.ages import needs_guardian_consent
from referrals import crisis_language
from referrals.crisis_phrases import find_crisis_language
from referrals.ladder import confirm_by_text, start_ladder
from referrals.models import CaseNote, ReferralCase

log = logging.getLogger(__name__)

# White space, brackets and dashes (hyphen to horizontal bar, minus); a dot or middle dot only
# before a group of three digits or more (139.1234.5678), never before a decimal (4638908.0).
# No slash: in "0931-4638908/9" it means "or", and the number is not one number.
SEPARATORS = re.compile(r"[\s()\-\u2010-\u2015\u2212]|(?<=[0-9])[.·](?=[0-9]{3})")
DIGITS = re.compile(r"\+?[0-9]+")
# Numbers the team can call back: not 400/800 service lines, premium or shared-cost numbers.
CALLABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalise_phone(raw: str) -> str | None:
    """A mainland China number in plain digits, or None when it is not one.

    Mobile: 11 digits. Landline: area code with its leading 0, then the local number. Spaces,
    dashes, dots between groups, brackets and a +86 / 0086 / 86 prefix are allowed. Validity is
    libphonenumber's (region CN): it knows which mobile ranges are issued (no 140) and each
    area code's number length (8 digits in Beijing, Shanghai and the other big cities).
    """
    # Chinese input methods often type full-width digits and brackets (１３９…, （010）), and
    # dashes of every length (139—1234—5678).
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not DIGITS.fullmatch(digits):
        return None
    # No mainland number starts with 86, so a bare 86 is the country code too. From abroad a
    # landline drops its trunk 0 (+86 10 8295 1332), though some write it (+86 010 …).
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix):
            digits = "+86" + digits[len(prefix) :].removeprefix("0")
            break
    if digits.startswith("+") and not digits.startswith("+86"):
        return None
    # At home a landline is written with its trunk 0 and a mobile starts with 1: "23 9123 4567"
    # is not a Chongqing number without its 0 but a mistyped one.
    if not digits.startswith(("+86", "0", "1")):
        return None
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, "CN"):
        return None
    if phonenumbers.number_type(number) not in CALLABLE:
        return None
    national = str(number.national_number)
    return (
        national
        if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        else "0" + national
    )


class GuardianConsentMissing(ValueError):
    """A child under 14 asked for a call-back without a parent's or guardian's consent."""


def request_callback(
    *,
    submission: models.Model,
    phone: str,
    preferred_time: str = "",
    note: str = "",
    confirm_by_sms: bool = False,
    guardian_consent: bool = False,
) -> tuple[ReferralCase, bool]:
    """Open a referral case for ``submission`` (or update its open one); returns (case, created).

    The phone number must be normalised and consented to already. The crisis team's alerts are
    queued in the same transaction (``referrals.ladder``) and sent by the workers. Asking again
    keeps what the person said before (in a case note when it changes) and, once the team has
    been in touch, makes the case new again and tells the team again. ``confirm_by_sms`` (the
    person's consent to a text) sends them when and from which number they will be called.
    ``guardian_consent``: a parent or guardian agrees, which a child under 14 needs (PIPL
    art. 31; ``GuardianConsentMissing`` without it, nothing stored); recorded for them only.
    """
    needed = needs_guardian_consent(submission.age_band)
    if needed and not guardian_consent:
        raise GuardianConsentMissing
    with transaction.atomic():
        # Serialise requests for one submission: racing requests must make one case.
        type(submission).objects.select_for_update().filter(pk=submission.pk).first()
        # The case too: a team member saving it in admin (who does not lock the submission) is
        # waited for, and a case they have just closed is no longer open here.
        case = ReferralCase.objects.open().filter(submission=submission).select_for_update().first()
        created = case is None
        new_number = not created and phone != case.phone
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
        # Meaningless for anyone 14 or over (or of no age given): never shown as recorded.
        case.guardian_consent = needed and guardian_consent
        case.preferred_time = preferred_time
        case.note = note
        case.crisis_language = words_show_crisis(submission, note)
        case.save()
        if tell_team:
            # Tasks written in this transaction: the case never exists without its alerts, and
            # the person never waits for a mail server or webhook (the workers send them).
            start_ladder(case, confirm_by_sms=confirm_by_sms)
        elif confirm_by_sms:
            # Still waiting, the team need not be told again; but someone who asks for the text
            # only now gets it (once for the request, and again at a new number).
            confirm_by_text(case, new_number=new_number)
    return case, created


def words_show_crisis(submission: models.Model, note: str) -> bool:
    """Whether the person's note, or what they wrote on the self-test (the rule it fired),
    holds crisis language."""
    return (
        crisis_language.RULE_CODE in (submission.triggered_rules or [])
        or find_crisis_language(note) is not None
    )


def callback_thanks() -> str:
    """What the person is told once their request is taken: the time frame, the team's hours
    when they are set, and whom to call meanwhile (in the active language)."""
    if settings.CRISIS_TEAM_HOURS:
        return _(
            "Thank you. The crisis team will call you back within about 30 minutes (the team "
            "calls %(hours)s; outside those hours, the next morning). If you are in danger now, "
            "call 110 or 120, or the hotline 12356."
        ) % {"hours": settings.CRISIS_TEAM_HOURS}
    return _(
        "Thank you. The crisis team will call you back within about 30 minutes. If you are in "
        "danger now, call 110 or 120, or the hotline 12356."
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
