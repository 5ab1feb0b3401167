from django import forms
from django.utils.translation import gettext_lazy as _


class OptionalMailForm(forms.Form):
    wants_optional_mail = forms.BooleanField(
        label=_("Send me birthday greetings and dues reminders by e-mail"),
        help_text=_("Notices about your membership, activities and requests are always sent."),
        required=False,
    )
