from allauth.account.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation

from .roles import sync_roles


@receiver(post_migrate)
def grant_role_permissions(sender, **kwargs):
    # Permissions of every app exist once migrate has run all apps.
    if sender.name == "members":
        sync_roles()


@receiver(user_logged_in)
def use_member_language(sender, request, user, **kwargs):
    translation.activate(user.language)
    request.session["_language"] = user.language
