from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lib.text import validate_visible_text
from members.models import Member, User

from .models import CannedReply, RequestType, WelfareRequest
from .uploads import EXTENSIONS, MAX_FILES_PER_UPLOAD, check_uploads

S = WelfareRequest.State


def _attachments_help() -> str:
    return _("PDF or photos (JPEG, PNG, WebP, HEIC), at most %(size)s each and %(n)d files at a time.") % {
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "n": MAX_FILES_PER_UPLOAD,
    }


# Read when the form is shown, so the limit follows settings.
attachments_help = lazy(_attachments_help, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked by content (``welfare.uploads``)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Documents or photos"))
        kwargs.setdefault("help_text", attachments_help())
        # Our own check gives the empty-file message, naming the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)
        accept = ",".join(sorted(EXTENSIONS)) + ",.heic"
        self.widget.attrs.update({"accept": accept})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        files = [super(AttachmentsField, self).clean(upload, initial) for upload in uploads if upload]
        check_uploads(files)
        return files


SENSITIVITY_CHOICES = [
    (WelfareRequest.Sensitivity.NORMAL, _("Normal: the officers of your union handle it.")),
    (
        WelfareRequest.Sensitivity.CONFIDENTIAL,
        _("Confidential: only the welfare officers, the chair and the officer handling it can see it."),
    ),
]


class SubmitForm(forms.Form):
    """The worker's request; the type is chosen on the page before."""

    description = forms.CharField(
        label=_("Your situation"),
        help_text=_("What happened, and what help do you need?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        validators=[validate_visible_text],
    )
    amount_requested = forms.DecimalField(
        label=_("Amount you ask for (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty if you are not sure; the union office will tell you what is possible."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    sensitivity = forms.ChoiceField(
        label=_("Who may see this request"),
        choices=SENSITIVITY_CHOICES,
        initial=WelfareRequest.Sensitivity.NORMAL,
        widget=forms.RadioSelect,
    )
    attachments = AttachmentsField()

    def __init__(self, *args, request_type: RequestType, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        if not request_type.asks_amount:
            del self.fields["amount_requested"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    attachments = AttachmentsField()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why do you withdraw the request? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


# --- Back office -------------------------------------------------------------------


class OnBehalfForm(forms.Form):
    """An officer files a request for a worker who is not online."""

    member = forms.ModelChoiceField(label=_("Worker"), queryset=Member.objects.none())
    request_type = forms.ModelChoiceField(label=_("Request type"), queryset=RequestType.objects.filter(active=True))
    description = forms.CharField(
        label=_("What the worker told you"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        validators=[validate_visible_text],
    )
    amount_requested = forms.DecimalField(
        label=_("Amount asked (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"), choices=WelfareRequest.Sensitivity.choices, initial=WelfareRequest.Sensitivity.NORMAL
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=WelfareRequest.Priority.choices,
        coerce=int,
        initial=WelfareRequest.Priority.NORMAL,
    )
    consent_note = forms.CharField(
        label=_("Worker's consent"),
        max_length=300,
        help_text=_("How and when the worker agreed, e.g. “by phone on 3 May, asked us to file it”."),
    )
    attachments = AttachmentsField()

    def __init__(self, *args, members, member_widget=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        if member_widget is not None:
            field = self.fields["member"]
            field.widget = member_widget
            field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        request_type, amount = cleaned.get("request_type"), cleaned.get("amount_requested")
        if request_type is not None and amount is not None and not request_type.asks_amount:
            self.add_error("amount_requested", _("Only aid requests ask for an amount."))
        return cleaned


class TriageForm(forms.ModelForm):
    """The editable part of the admin change page; every change goes through the services."""

    class Meta:
        model = WelfareRequest
        fields = ["priority", "sensitivity", "assigned_to"]

    def __init__(self, *args, assignable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields and assignable is not None:
            self.fields["assigned_to"].queryset = assignable
            self.fields["assigned_to"].label_from_instance = lambda user: user.display_name or user.email


class MoveForm(forms.Form):
    """A state change with a note the worker sees."""

    note = forms.CharField(
        label=_("Note to the worker"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("The worker sees this note on their request page and in the e-mail."),
    )

    def __init__(self, *args, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        if to == S.NEEDS_INFO:
            self.fields["note"].label = _("Which information or documents do you need?")
            self.fields["note"].required = True
        elif to == S.REJECTED:
            self.fields["note"].label = _("Reason for the decision")
            self.fields["note"].required = True
        elif to == S.WITHDRAWN:
            self.fields["note"].label = _("How and when did the worker withdraw the request?")
            self.fields["note"].required = True


class DecisionForm(forms.Form):
    """Approving: the amount granted and the reason."""

    granted_amount = forms.DecimalField(
        label=_("Amount granted (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty when the help is not money (a visit, advice, taking up a case)."),
    )
    note = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("The worker sees this note on their request page and in the e-mail."),
    )

    def __init__(self, *args, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        if to == S.AWAITING_CHAIR:
            self.fields["granted_amount"].required = True
            self.fields["granted_amount"].label = _("Amount proposed to the chair (yuan)")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    internal = forms.BooleanField(label=_("Internal note (never shown to the worker)"), required=False, initial=False)
    attachments = AttachmentsField()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("body") or "").strip() and not cleaned.get("attachments"):
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned


class CaseForm(forms.Form):
    """The case page's one form: reply or note, move and assignee at once (``services.case_act``)."""

    canned = forms.ModelChoiceField(
        label=_("Canned reply"),
        queryset=CannedReply.objects.none(),
        required=False,
        empty_label=_("— write your own —"),
        help_text=_("Fills in the message; you can still change it before sending."),
    )
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    internal = forms.BooleanField(label=_("Internal note (never shown to the worker)"), required=False)
    to = forms.ChoiceField(label=_("Move the case"), required=False, widget=forms.RadioSelect)
    granted_amount = forms.DecimalField(
        label=_("Amount granted (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Only when approving or referring to the chair."),
    )
    assigned_to = forms.ModelChoiceField(
        label=_("assigned officer"), queryset=User.objects.none(), required=False, empty_label=_("nobody")
    )
    attachments = AttachmentsField()

    def __init__(self, *args, moves: list[tuple[str, str]], assignable, canned_replies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("keep the state"))] + [(to, label) for to, label in moves]
        self.fields["assigned_to"].queryset = assignable
        self.fields["assigned_to"].label_from_instance = lambda user: user.display_name or user.email
        self.fields["canned"].queryset = canned_replies
        # The usual move of each canned reply, for the script that picks it (case.js).
        replies = list(canned_replies)
        self.fields["canned"].widget.attrs["data-moves"] = "|".join(
            f"{reply.pk}:{reply.suggested_state}" for reply in replies if reply.suggested_state
        )
        self.canned_texts = {str(reply.pk): reply.body for reply in replies}

    def clean(self):
        cleaned = super().clean()
        canned = cleaned.get("canned")
        if canned is not None and not (cleaned.get("body") or "").strip():
            cleaned["body"] = canned.body  # without the script, choosing a reply is enough
        return cleaned
