from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import validate_visible_text


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Your objection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_visible_text],
        help_text=_("Objections are named: the chair sees who you are and decides with a recorded reason."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("dismiss", _("Dismiss: the grant may be paid")), ("uphold", _("Uphold: the grant is not paid"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_visible_text],
        help_text=_("The member who objected is told the decision and this reason."),
    )
