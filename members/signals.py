from allauth.account.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation

from .roles import PROJECT_APPS, sync_roles


@receiver(post_migrate)
def grant_role_permissions(sender, **kwargs):
    # Each app's permissions exist only once its own post_migrate has run, so
    # grant after every project app (adds only; cheap and idempotent).
    if sender.name in PROJECT_APPS:
        sync_roles()


@receiver(user_logged_in)
def use_member_language(sender, request, user, **kwargs):
    translation.activate(user.language)
    request.session["_language"] = user.language
