"""Forms of the dashboard's own pages (the outreach follow-up)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from care.models import Kind


class ContactForm(forms.Form):
    note = forms.CharField(
        label=_("What you did and what they said"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CareVisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=[("", "---------"), *Kind.choices])
    reason = forms.CharField(
        label=_("Why a visit"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class InviteForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None, empty_label="---------")
    note = forms.CharField(
        label=_("A personal word (optional)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, prefix="invite", **kwargs)
        self.fields["activity"].queryset = activities
