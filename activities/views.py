"""Worker pages (list, detail, my activities, calendar) and the officer's
check-in page reached from a scanned member card.

Every object is looked up through the signed-in worker (or officer): anyone
else gets a 404, never a hint that it exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.models import Member
from members.permissions import officer_required, require_officer_for_unit
from members.selectors import member_for_user
from members.services import member_from_card_token

from . import ics, selectors, services
from .forms import ActivityFilterForm, CheckInForm, RatingForm
from .models import Activity, CalendarFeed, Registration

R = Registration.Status
PAGE_SIZE = 20


def _visible_activity(member: Member, pk: int) -> Activity:
    return get_object_or_404(selectors.activities_visible_to(member).select_related("unit"), pk=pk)


def _own_registration(member: Member, activity: Activity) -> Registration | None:
    return Registration.objects.filter(activity=activity, member=member).first()


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def activity_list(request):
    member = member_for_user(request.user)
    form = ActivityFilterForm(request.GET or None)
    category, for_me = "", False
    if form.is_bound and form.is_valid():
        category, for_me = form.cleaned_data["category"], form.cleaned_data["for_me"]
    number = request.GET.get("page")
    if member is None:
        page = Paginator([], PAGE_SIZE).get_page(number)
    else:
        page = selectors.activity_page(
            member=member, category=category, for_me=for_me, number=number, per_page=PAGE_SIZE
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/activity_list.html",
        {"member": member, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def activity_detail(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    activity = _visible_activity(member, pk)
    registration = selectors.with_queue_position(Registration.objects.filter(activity=activity, member=member))
    registration = registration.select_related("rating").first()
    now = timezone.now()
    can_rate = registration is not None and registration.status == R.ATTENDED and activity.has_ended(now)
    rating = getattr(registration, "rating", None) if registration else None
    taken = activity.taken
    context = {
        "member": member,
        "activity": activity,
        "registration": registration,
        "eligibility": services.eligibility_check(activity=activity, member=member),
        "blockers": services.signup_blockers(activity=activity, now=now),
        "can_cancel": registration is not None and registration.status in (R.PENDING, R.CONFIRMED, R.WAITING),
        "rating_form": RatingForm(initial={"score": rating.score, "comment": rating.comment} if rating else None)
        if can_rate
        else None,
        "rating": rating,
        "rules": services.eligibility_rules(activity=activity),
        "taken": taken,
        "places_left": max(activity.capacity - taken, 0),
        "has_started": activity.has_started(now),
        "draw": selectors.published_draw(activity=activity, member=member),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_POST
def activity_signup(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    activity = _visible_activity(member, pk)
    try:
        registration = services.registration_signup(activity=activity, member=member, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        if registration.status == R.CONFIRMED:
            messages.success(request, _("Your place is confirmed. We have sent you an e-mail."))
        elif registration.status == R.WAITING:
            messages.success(request, _("The activity is full: you are on the waiting list."))
        else:
            messages.success(request, _("You are in the draw. Places are drawn when sign-up closes."))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def activity_cancel(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    activity = _visible_activity(member, pk)
    registration = _own_registration(member, activity)
    if registration is None:
        raise Http404
    was = registration.status
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        if was == R.WAITING:
            messages.success(request, _("You have left the waiting list."))
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def my_activities(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    sections = selectors.my_activities(member=member)
    feed = CalendarFeed.objects.filter(member=member).first()
    feed_url = request.build_absolute_uri(feed.get_absolute_url()) if feed else ""
    return render(request, "activities/my_activities.html", {"member": member, **sections, "feed_url": feed_url})


@login_required
def registration_detail(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    registration = selectors.registration_of_member(member=member, pk=pk)
    if registration is None:
        raise Http404
    events = registration.events.select_related("by").order_by("at", "id")
    return render(request, "activities/registration_detail.html", {"registration": registration, "events": events})


@login_required
def activity_rate(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    activity = _visible_activity(member, pk)
    registration = _own_registration(member, activity)
    if registration is None:
        raise Http404
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(
                registration=registration, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/rate.html", {"activity": activity, "form": form})


@login_required
def activity_calendar(request, pk: int):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    activity = _visible_activity(member, pk)
    registration = _own_registration(member, activity)
    content = ics.calendar_bytes(name=activity.title, events=[ics.activity_event(activity, registration)])
    return _ics_response(content, f"activity-{activity.pk}.ics")


@never_cache
def calendar_feed(request, token: str):
    """The member's private feed: no log-in (calendar apps cannot), the secret token is the key."""
    feed = CalendarFeed.objects.select_related("member").filter(token=token).first()
    if feed is None:
        raise Http404
    member = feed.member
    registrations = selectors.feed_registrations(member=member)
    with translation.override(member.language):
        events = [ics.activity_event(r.activity, r) for r in registrations]
        content = ics.calendar_bytes(name=_("My union activities"), events=events)
    response = _ics_response(content, "unionportal.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_feed_manage(request):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(member=member)
        messages.success(request, _("Your calendar link is turned off. Calendars using it will stop updating."))
    else:
        services.calendar_feed_renew(member=member)
        messages.success(request, _("Your new calendar link is ready. Any old link no longer works."))
    return redirect(reverse("activities:mine") + "#calendar")


@officer_required
def card_check_in(request, token: str):
    """An officer scanned a member card: check the member in to one of the
    officer's activities that is open for check-in now."""
    member = member_from_card_token(token)
    if member is None:
        raise Http404
    require_officer_for_unit(request.user, member.unit)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        choices = {r.pk: r for r in selectors.check_in_choices(officer=request.user, member=member)}
        registration = choices.get(form.cleaned_data["registration"]) if form.is_valid() else None
        if registration is None:
            messages.error(request, _("Choose one of the activities listed."))
        else:
            try:
                services.registration_check_in(registration=registration, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s is checked in to “%(title)s”.")
                    % {"name": member.name, "title": registration.activity.title},
                )
        return redirect("members:card-scan", token=token)
    return render(request, "activities/card_check_in.html", {"member": member, "token": token})
