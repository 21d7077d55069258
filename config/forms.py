"""Admin forms shared by the apps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UnchangedSinceOpenedForm(forms.ModelForm):
    """Refuses to save over a change made since the form was opened.

    Two clinicians editing one record: without this, the later save would quietly put back
    what the earlier one changed (a corrected hotline number, a lowered cut-off). The model's
    ``updated_at`` (auto_now) is the stamp; every save through the admin moves it on.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    changed_message = _(
        "Someone else saved this while you had it open. Open it again to see their changes, "
        "then make yours."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = self.instance.updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        seen = cleaned.get("seen")
        if self.instance.pk and seen and seen != self.instance.updated_at.isoformat():
            raise forms.ValidationError(self.changed_message, code="changed")
        return cleaned
