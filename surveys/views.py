"""Worker pages (the open surveys, answering one) and the officers' results.

An anonymous answer is answered exactly like a named one (the same status, no
redirect), so nothing in an access log tells them apart; nothing here logs who answered.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from lib.errors import error_text
from members.permissions import officer_required, require_officer_for_unit
from members.selectors import member_for_user

from . import selectors, services
from .forms import AnswerForm
from .models import Choice


def _member_or_none(request):
    member = member_for_user(request.user)
    if member is None:
        messages.info(request, _("Please fill in your profile first: surveys ask the members of your unit."))
    return member


@login_required
def survey_list(request):
    member = _member_or_none(request)
    if member is None:
        return redirect("members:profile-create")
    return render(request, "surveys/list.html", {"surveys": selectors.survey_list_for_member(member)})


@login_required
def answer(request, pk):
    member = member_for_user(request.user)
    if member is None:
        raise Http404
    survey = get_object_or_404(selectors.surveys_for_member(member).select_related("unit"), pk=pk)
    if selectors.has_answered(survey=survey, member=member):
        return render(request, "surveys/answered.html", {"survey": survey, "already": True})
    questions = selectors.questions_of(survey)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(survey=survey, member=member, answers=form.answers())
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            response = render(request, "surveys/answered.html", {"survey": survey})
            add_never_cache_headers(response)
            return response
    return render(request, "surveys/answer.html", {"survey": survey, "form": form})


def _survey_for_officer(request, pk):
    survey = get_object_or_404(selectors.surveys_for_officer(request.user).select_related("unit"), pk=pk)
    require_officer_for_unit(request.user, survey.unit, perm="surveys.view_survey")
    return survey


@officer_required(perm="surveys.view_survey")
def results(request, pk):
    survey = _survey_for_officer(request, pk)
    withheld = selectors.results_withheld(survey)
    context = {
        "survey": survey,
        "withheld": withheld,
        "results": [] if withheld else selectors.survey_results(survey),
        "min_crowd": selectors.MIN_CROWD,
        "may_draft": request.user.has_perm("surveys.change_survey")
        and request.user.has_perm("activities.add_activity"),
    }
    return render(request, "surveys/results.html", context)


@officer_required(perm="surveys.view_survey")
def results_csv(request, pk):
    survey = _survey_for_officer(request, pk)
    if selectors.results_withheld(survey):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(survey.title) or f"survey-{survey.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Question"), pgettext("survey", "Answer"), _("Count"), _("Percent of answers")])
    for row in selectors.results_rows(survey):
        writer.writerow([_safe_cell(cell) for cell in row])
    return response


def _safe_cell(value):
    # A free text starting with = + - @ would run as a formula in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else value


@require_POST
@officer_required(perm="surveys.change_survey")
def choice_draft(request, pk):
    choice = get_object_or_404(
        Choice.objects.select_related("question__survey__unit").filter(
            question__survey__in=selectors.surveys_for_officer(request.user)
        ),
        pk=pk,
    )
    survey = choice.question.survey
    require_officer_for_unit(request.user, survey.unit, perm="surveys.change_survey")
    try:
        activity = services.survey_choice_draft(choice=choice, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("surveys:results", survey.pk)
    messages.success(
        request,
        _("The activity draft “%(title)s” was made: complete and publish it in the back office.")
        % {"title": activity.title},
    )
    return redirect("surveys:results", survey.pk)
