from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """One e-mail or text message in the outbox.

    Written in the same transaction as the change that causes it; ``key`` is
    unique, so the same reminder or notice can never be queued twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # An optional mail whose recipient unsubscribed before it went out.
        SKIPPED = "skipped", _("not sent (unsubscribed)")
        # Handed to the mail server in full, but the worker stopped before the
        # server's answer: it may have been accepted. Not sent again by itself
        # (a second copy is worse than asking); an officer may resend it.
        UNCONFIRMED = "unconfirmed", _("handed over, answer not received")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")

    key = models.CharField(_("de-duplication key"), max_length=200, unique=True)
    # A text message has its number in ``to_phone`` (E.164), its text in ``body_text``, no subject.
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    to_phone = models.CharField(_("to number"), max_length=20, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    to_email = models.EmailField(pgettext_lazy("e-mail", "to"))
    template = models.CharField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    optional = models.BooleanField(_("optional"), default=False)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Set while the e-mail waits to be rendered by the worker that sends it (``lib.jsonvalues``);
    # emptied once ``subject`` and the bodies hold the rendered mail.
    context = models.JSONField(_("context to render"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # "hostname:pid" of the worker process holding the claim: a restarted
    # worker takes back at once the claims of its dead processes.
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set (and committed) just before the end of the message goes to the mail
    # server: from then on only the server's refusal makes the row go again.
    handed_over_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    # The server's answer to the message, e.g. "250 2.0.0 Ok: queued as 4Xk9" (its queue id).
    server_reply = models.CharField(_("mail server's answer"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        if self.channel == self.Channel.SMS:
            return f"{self.body_text[:20]}… → {self.to_phone}"
        return f"{self.subject} → {self.to_email}"


class SmsDay(models.Model):
    """Texts sent on one day by this installation, and the most that may be (they cost money).

    Each text takes one from the day's allowance with a conditional UPDATE before
    it goes; once ``sent`` reaches ``ceiling`` the rest wait in the outbox until
    an officer raises the ceiling or the next day begins.
    """

    day = models.DateField(_("day"), unique=True)
    sent = models.PositiveIntegerField(_("texts sent"), default=0)
    ceiling = models.PositiveIntegerField(_("most texts this day"))

    class Meta:
        verbose_name = _("text messages of a day")
        verbose_name_plural = _("text messages per day")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day}: {self.sent}/{self.ceiling}"


class ShortLink(models.Model):
    """``/s/<code>`` → a page of the site: links short enough for a text message.

    The code is derived from the path (``notifications.shortlinks``), so the
    same page always gets the same link and a batch needs one insert.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    path = models.CharField(_("path"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")

    def __str__(self):
        return f"/s/{self.code} → {self.path}"
