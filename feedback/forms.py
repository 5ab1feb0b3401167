import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Feedback
from .services import CODE_LENGTH, TRANSITIONS, followup_code_normalise


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=Feedback.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Your feedback"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happens, where, and what you suggest. Up to 5000 characters."),
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        required=False,
        help_text=_(
            "The union will know only your unit, not who you are, and cannot e-mail you. "
            "You get a follow-up code, shown once, to read the answer and reply."
        ),
    )
    # One form, one item: a second click or a reload of the page is recognised.
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("nonce", secrets.token_urlsafe(24))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give your feedback a title."))
        return title

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write your feedback."))
        return body


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Follow-up code"),
        max_length=40,
        help_text=_("The code you were shown when you sent your anonymous feedback, e.g. 7K3Q-M9ZD-2H8W-XR4T."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if len(followup_code_normalise(code)) != CODE_LENGTH:
            raise forms.ValidationError(_("A follow-up code has 16 letters and digits."))
        return code


class FollowUpReplyForm(FollowUpCodeForm, ReplyForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)


class BoardForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("support", _("most supported")), ("new", _("newest"))],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("all categories")), *Feedback.Category.choices]
    )


# --- Back office ---------------------------------------------------------------


class AnswerForm(forms.Form):
    PRIVATE, PUBLISH = "private", "publish"

    how = forms.ChoiceField(
        label=_("How to answer"),
        widget=forms.RadioSelect,
        choices=[
            (PRIVATE, _("Answer the author privately (a named author is e-mailed)")),
            (PUBLISH, _("Publish the item on the board with this as the official answer")),
        ],
        initial=PRIVATE,
    )
    text = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


class StateForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"), choices=[])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to a named author. Required for “not adopted”."),
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = TRANSITIONS.get(current, set()) if current else {s for ts in TRANSITIONS.values() for s in ts}
        self.fields["to"].choices = [(s.value, s.label) for s in Feedback.State if s.value in targets]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Feedback.State.NOT_ADOPTED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the author a reason why the item is not adopted."))
        return cleaned


class UnpublishForm(forms.Form):
    note = forms.CharField(label=_("Why (kept in the record)"), required=False, max_length=2000)
