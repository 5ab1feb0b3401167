"""Worker pages: the library, a material (and its file), a course and its steps,
the completion record, the discussion. Officers publish and review in the admin."""

import os
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from activities.selectors import activities_visible_to
from lib.errors import error_text
from members.selectors import member_for_user

from . import selectors, services
from .forms import LibraryForm, PostForm, ReplyForm, ReportForm, StepForm
from .models import Material

# The nginx location of the private files (the same one welfare attachments use).
X_ACCEL_PREFIX = "/_private/"


def _material(request, pk) -> Material:
    material = selectors.material_for_viewer(user=request.user, pk=pk)
    if material is None:
        raise Http404
    return material


def _course(request, pk):
    course = selectors.course_for_viewer(user=request.user, pk=pk)
    if course is None:
        raise Http404
    return course


def _discussion_context(request, thread, member) -> dict:
    return {
        "posts": selectors.thread_posts(thread=thread, member=member),
        "post_form": PostForm(),
        "reply_form": ReplyForm(auto_id="reply_%s"),
        "report_form": ReportForm(auto_id="report_%s"),
    }


@login_required
def library(request):
    form = LibraryForm(request.GET or None)
    category = form.cleaned_data["category"] if form.is_valid() else ""
    courses, materials = selectors.library(user=request.user, category=category)
    return render(
        request,
        "learning/library.html",
        {"form": form, "courses": courses, "materials": materials, "member": member_for_user(request.user)},
    )


@login_required
def mine(request):
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    enrolments = member.enrolments.select_related("course").order_by("-started_at")
    return render(request, "learning/mine.html", {"enrolments": enrolments})


@login_required
def material(request, pk: int):
    material = _material(request, pk)
    member = member_for_user(request.user)
    sessions = []
    if member is not None:
        services.material_open(material=material, member=member)
        sessions = material.sessions.filter(pk__in=activities_visible_to(member).values("pk")).order_by("-starts_at")
    context = {"material": material, "member": member, "sessions": sessions}
    context.update(_discussion_context(request, material, member))
    return render(request, "learning/material.html", context)


@login_required
@never_cache
def material_file(request, pk: int):
    """The PDF or video of a material, to those who may read it (404 for everyone else).
    Served like welfare attachments (``welfare.views.attachment_download``): nosniff, and
    with ``ATTACHMENT_SERVE = "x-accel"`` the bytes come from nginx (which also answers
    the range requests a phone's video player makes)."""
    material = _material(request, pk)
    if not material.file or material.kind == Material.Kind.ARTICLE:
        raise Http404
    extension = os.path.splitext(material.file.name)[1]
    filename = f"{material.title}{extension}"
    inline = material.kind == Material.Kind.VIDEO
    if settings.ATTACHMENT_SERVE == "x-accel":
        response = HttpResponse(content_type=material.content_type)
        response["X-Accel-Redirect"] = X_ACCEL_PREFIX + quote(material.file.name)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        path = material.file.path
        if not os.path.exists(path):
            raise Http404
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=not inline,
            filename=filename,
            content_type=material.content_type or "application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _member_or_profile(request):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first."))
    return member


def _discuss(request, thread):
    member = member_for_user(request.user)
    form = PostForm(request.POST)
    if form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = selectors.post_for_member(member=member, pk=form.cleaned_data["reply_to"])
        try:
            if form.cleaned_data["reply_to"] and reply_to is None:
                raise ValidationError(_("This question is no longer shown."))
            services.post_create(member=member, thread=thread, text=form.cleaned_data["text"], reply_to=reply_to)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Your post is shown in the discussion."))
    else:
        messages.error(request, _("Please write your post (up to 2000 characters)."))
    return redirect(f"{thread.get_absolute_url()}#discussion")


@login_required
@require_POST
def material_discuss(request, pk: int):
    if _member_or_profile(request) is None:
        return redirect("members:profile-create")
    return _discuss(request, _material(request, pk))


@login_required
@require_POST
def course_discuss(request, pk: int):
    if _member_or_profile(request) is None:
        return redirect("members:profile-create")
    return _discuss(request, _course(request, pk))


@login_required
@require_POST
def post_report(request, pk: int):
    member = _member_or_profile(request)
    if member is None:
        return redirect("members:profile-create")
    post = selectors.post_for_member(member=member, pk=pk)
    if post is None:
        raise Http404
    form = ReportForm(request.POST)
    try:
        services.post_report(post=post, member=member, reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Thank you. The post is hidden until an officer has looked at it."))
    return redirect(f"{post.thread.get_absolute_url()}#discussion")


@login_required
def course(request, pk: int):
    course = _course(request, pk)
    member = member_for_user(request.user)
    enrolment = selectors.enrolment_of(member=member, course=course)
    steps = selectors.course_steps(course=course, enrolment=enrolment)
    done = sum(1 for step in steps if getattr(step, "done", False))
    context = {
        "course": course,
        "member": member,
        "enrolment": enrolment,
        "steps": steps,
        "done": done,
        "next_step": next((s for s in steps if not getattr(s, "done", False)), None),
        "retry_steps": [s for s in steps if getattr(s, "missed", 0)]
        if enrolment and not enrolment.completed_at
        else [],
    }
    context.update(_discussion_context(request, course, member))
    return render(request, "learning/course.html", context)


@login_required
@require_POST
def course_start(request, pk: int):
    member = _member_or_profile(request)
    if member is None:
        return redirect("members:profile-create")
    course = _course(request, pk)
    try:
        services.course_start(course=course, member=member)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(course)
    first = course.steps.order_by("position").first()
    return redirect("learning:step", pk=first.pk) if first else redirect(course)


@login_required
def step(request, pk: int):
    member = _member_or_profile(request)
    if member is None:
        return redirect("members:profile-create")
    step = selectors.step_for_viewer(user=request.user, pk=pk)
    if step is None:
        raise Http404
    course = step.course
    enrolment = selectors.enrolment_of(member=member, course=course)
    if enrolment is None:
        messages.info(request, _("Start the course first."))
        return redirect(course)
    questions = list(step.questions.all())
    form = StepForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.step_answer(enrolment=enrolment, step=step, answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            following = course.steps.filter(position__gt=step.position).order_by("position").first()
            if enrolment.completed_at:
                messages.success(
                    request, _("Well done: you passed the course with %(score)s%%.") % {"score": enrolment.score}
                )
                return redirect("learning:certificate", pk=course.pk)
            if following is not None and not enrolment.steps_done.filter(step=following).exists():
                return redirect("learning:step", pk=following.pk)
            return redirect(course)
    services.material_open(material=step.material, member=member)
    return render(
        request,
        "learning/step.html",
        {"step": step, "course": course, "material": step.material, "form": form, "enrolment": enrolment},
    )


@login_required
def certificate(request, pk: int):
    """The completion record the worker can show: their name, the course, the score and the date."""
    member = member_for_user(request.user)
    if member is None:
        return redirect("members:profile-create")
    enrolment = selectors.completions(member=member).filter(course_id=pk).first()
    if enrolment is None:
        raise Http404
    return render(request, "learning/certificate.html", {"enrolment": enrolment, "member": member})
