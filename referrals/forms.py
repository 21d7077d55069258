from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.ages import needs_guardian_consent
from referrals.callbacks import normalise_phone

CONSENT_NEEDED = _("Please tick the box to agree that we may call you back.")
GUARDIAN_CONSENT_NEEDED = _(
    "Under 14, we can only take your number when your parent or guardian is with you and "
    "agrees: tick the box together. You can always call the hotlines above without it."
)
NOT_A_PHONE = _("Please give a mainland China mobile or landline number.")
TOO_MANY_CALLBACKS = _(
    "We cannot take another call-back request from here right now: many were made in the last "
    "hour. If you need to talk to someone, please call a hotline above now."
)


class CallbackForm(forms.Form):
    """The result page's call-back form (the API takes the same through CallbackInputSerializer)."""

    phone = forms.CharField(max_length=30, error_messages={"required": NOT_A_PHONE})
    consent = forms.BooleanField(error_messages={"required": CONSENT_NEEDED})
    preferred_time = forms.CharField(max_length=100, required=False)
    note = forms.CharField(max_length=500, required=False)
    # A consent of its own: a text on their phone may be read by others in the household.
    confirm_by_sms = forms.BooleanField(required=False)
    # Required for a child under 14 (PIPL art. 31): see __init__.
    guardian_consent = forms.BooleanField(
        required=False, error_messages={"required": GUARDIAN_CONSENT_NEEDED}
    )

    def __init__(self, *args, submission=None, **kwargs):
        super().__init__(*args, **kwargs)
        if submission is not None and needs_guardian_consent(submission.age_band):
            self.fields["guardian_consent"].required = True

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone is None:
            raise ValidationError(NOT_A_PHONE)
        return phone
