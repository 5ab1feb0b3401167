"""Worker pages: submit, my items, an item, the follow-up page, the board.

Nothing here logs or stores who sent an anonymous item: its follow-up code
is shown in the response to the POST itself (not kept in the session, not
put in a URL), and the follow-up page carries the code in the form body.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.selectors import member_for_user

from . import selectors, services
from .forms import BoardForm, FeedbackForm, FollowUpCodeForm, FollowUpReplyForm, ReplyForm

BOARD_PAGE_SIZE = 20
NONCE_TTL = 24 * 3600


def _member_or_redirect(request):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first: feedback goes to the union of your unit."))
    return member


def _get_item_for_viewer(request, pk):
    feedback = selectors.feedback_for_viewer(user=request.user, pk=pk)
    if feedback is None:
        raise Http404
    return feedback


def _nonce_key(nonce: str) -> str:
    return "feedback:nonce:" + hashlib.sha256(nonce.encode()).hexdigest()[:40]


def _nonce_claim(nonce: str) -> bool:
    """True the first time a form's nonce is sent (a second click or reload gets False)."""
    return not nonce or cache.add(_nonce_key(nonce), 1, timeout=NONCE_TTL)


@login_required
def board(request):
    form = BoardForm(request.GET or None)
    sort, category = "support", ""
    if form.is_valid():
        sort = form.cleaned_data["sort"] or "support"
        category = form.cleaned_data["category"]
    page = selectors.board_page(
        user=request.user, sort=sort, category=category, number=request.GET.get("page"), per_page=BOARD_PAGE_SIZE
    )
    return render(
        request,
        "feedback/board.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "category": category,
            "member": member_for_user(request.user),
        },
    )


@login_required
def submit(request):
    member = _member_or_redirect(request)
    if member is None:
        return redirect("members:profile-create")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _nonce_claim(data["nonce"]):
            messages.info(request, _("This form was already sent. Your feedback was received once."))
            return redirect("feedback:mine")
        try:
            feedback, code = services.feedback_submit(
                member=member,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                anonymous=data["anonymous"],
            )
        except (ValidationError, PermissionDenied) as exc:
            # Nothing was saved; let the worker send the same form again.
            if data["nonce"]:
                cache.delete(_nonce_key(data["nonce"]))
            form.add_error(None, error_text(exc))
        else:
            # Named or anonymous, the same status (200) and no redirect, so an
            # access log cannot tell which items were anonymous. The code is
            # shown in this response and nowhere else: not in the session,
            # the messages, a URL or a log.
            if code is None:
                response = render(request, "feedback/sent.html", {"feedback": feedback})
            else:
                response = render(request, "feedback/code.html", {"code": code, "feedback": feedback})
            add_never_cache_headers(response)
            return response
    return render(request, "feedback/submit.html", {"form": form})


@login_required
def mine(request):
    member = _member_or_redirect(request)
    if member is None:
        return redirect("members:profile-create")
    items = selectors.own_items(member=member).order_by("-submitted_on", "id")
    return render(request, "feedback/mine.html", {"items": items})


@login_required
def detail(request, pk):
    feedback = _get_item_for_viewer(request, pk)
    member = member_for_user(request.user)
    is_author = member is not None and feedback.author_id == member.pk
    context = {
        "feedback": feedback,
        "is_author": is_author,
        "support_count": feedback.supports.count() if feedback.published else 0,
        "supported": bool(member and feedback.published and feedback.supports.filter(member=member).exists()),
        "member": member,
    }
    if is_author:
        context["conversation"] = feedback.messages.select_related("officer")
        context["reply_form"] = ReplyForm()
    return render(request, "feedback/detail.html", context)


@login_required
@require_POST
def reply(request, pk):
    feedback = _get_item_for_viewer(request, pk)
    member = member_for_user(request.user)
    if member is None or feedback.author_id != member.pk:
        raise Http404
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first."))
        return redirect(feedback.get_absolute_url())
    try:
        services.feedback_author_reply(feedback=feedback, text=form.cleaned_data["text"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your reply was sent to the union office."))
    return redirect(feedback.get_absolute_url())


def _next_or(request, fallback: str) -> str:
    next_url = request.POST.get("next") or ""
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@login_required
@require_POST
def support(request, pk):
    feedback = _get_item_for_viewer(request, pk)
    member = member_for_user(request.user)
    target = HttpResponseRedirect(_next_or(request, feedback.get_absolute_url()))
    if member is None:
        messages.error(request, _("Only union members can support items on the board."))
        return target
    try:
        if request.POST.get("withdraw"):
            services.feedback_support_withdraw(feedback=feedback, member=member)
            messages.success(request, _("You no longer support “%(title)s”.") % {"title": feedback.title})
        elif services.feedback_support(feedback=feedback, member=member):
            messages.success(request, _("You support “%(title)s”.") % {"title": feedback.title})
        else:
            messages.info(request, _("You already support “%(title)s”.") % {"title": feedback.title})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return target


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
def follow_up(request):
    """Read the answer to an anonymous item and reply, with the follow-up code.

    No login needed, and none used: a logged-in author is treated exactly as
    a stranger holding the code. The code travels in the form body, so it
    never lands in a URL, an access log or the session.
    """
    if request.method != "POST":
        return render(request, "feedback/follow_up.html", {"code_form": FollowUpCodeForm()})
    client = _client_key(request)
    if services.wrong_code_count(client_key=client) >= services.WRONG_CODES_PER_WINDOW:
        blocked = _("Too many wrong codes. Please wait a quarter of an hour and try again.")
        return render(
            request, "feedback/follow_up.html", {"code_form": FollowUpCodeForm(), "blocked": blocked}, status=429
        )

    code = request.POST.get("code", "")
    feedback = services.feedback_for_code(code=code)
    if feedback is None:
        services.wrong_code_record(client_key=client)
        code_form = FollowUpCodeForm(request.POST)
        if code_form.is_valid():  # well formed, but no item has it
            code_form.add_error("code", _("No feedback matches this code. Check it and try again."))
        return render(request, "feedback/follow_up.html", {"code_form": code_form})

    reply_form = FollowUpReplyForm(initial={"code": code})
    if "text" in request.POST:
        form = FollowUpReplyForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_author_reply(feedback=feedback, text=form.cleaned_data["text"])
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
                reply_form = form
            else:
                messages.success(request, _("Your reply was sent to the union office."))
        else:
            reply_form = form
    return render(
        request,
        "feedback/follow_up.html",
        {"feedback": feedback, "conversation": feedback.messages.all(), "reply_form": reply_form},
    )
