import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import slug_re
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import Throttled

from config.ages import AgeBand, age_band_or_none
from config.views import this_site
from referrals.callbacks import callback_thanks, request_callback
from referrals.forms import TOO_MANY_CALLBACKS, CallbackForm
from referrals.throttling import CallbackLimits
from screening import result_page, scoring
from screening.models import (
    Channel,
    Questionnaire,
    QuestionnaireVersion,
    Submission,
    active_channel,
    start_here_first,
    suggested_for_age,
)
from screening.recommendations import crisis_help, crisis_hotlines
from screening.throttling import SubmissionRateThrottle

CHANNEL_COOKIE = "channel"
CHANNEL_COOKIE_AGE = 24 * 60 * 60  # one visit, generously
LARGE_TEXT_COOKIE = "large_text"
AGE_BAND_COOKIE = "age_band"
# One visit, as the channel: a family's one phone passes from grandmother to grandson.
AGE_BAND_COOKIE_AGE = 24 * 60 * 60


def visit_age_band(request) -> AgeBand | None:
    """The age band given on the home page during this visit; None: none given."""
    return age_band_or_none(request.COOKIES.get(AGE_BAND_COOKIE))


def home(request) -> HttpResponse:
    age_band = visit_age_band(request)
    questionnaires = start_here_first(Questionnaire.objects.with_current_version())
    return render(
        request,
        "screening/home.html",
        {
            "questionnaires": suggested_for_age(questionnaires, age_band),
            "age_band": age_band or "",
            "age_bands": AgeBand.choices,
        },
    )


@require_POST
def choose_age_band(request) -> HttpResponse:
    """The home page's optional age band, remembered for the visit; "" (rather not say) or an
    unknown value forgets it. A plain form, so it works without JavaScript."""
    response = redirect(f"{reverse('home')}#tests")
    chosen = age_band_or_none(request.POST.get("age_band"))
    if chosen is None:
        response.delete_cookie(AGE_BAND_COOKIE)
    else:
        response.set_cookie(
            AGE_BAND_COOKIE, chosen.value, max_age=AGE_BAND_COOKIE_AGE, httponly=True,
            samesite="Lax", secure=not settings.DEBUG and request.is_secure(),
        )  # fmt: skip
    return response


def channel_landing(request, code: str) -> HttpResponse:
    """Where a poster's QR code points: remember the channel, open its questionnaire.

    An unknown or retired code still leads to the self-tests, just without a channel.
    """
    channel = (
        Channel.objects.filter(code=code, active=True)
        .select_related("default_questionnaire")
        .first()
        # A code no channel could have (a stray character, a NUL the database refuses) is
        # unknown too.
        if slug_re.fullmatch(code)
        else None
    )
    target = reverse("home")
    if channel and channel.default_questionnaire:
        slug = channel.default_questionnaire.slug
        if QuestionnaireVersion.objects.published().filter(questionnaire__slug=slug).exists():
            target = reverse("questionnaire", args=[slug])
    response = redirect(target)
    if channel:
        response.set_signed_cookie(
            CHANNEL_COOKIE, channel.code, max_age=CHANNEL_COOKIE_AGE, httponly=True, samesite="Lax"
        )
    else:
        response.delete_cookie(CHANNEL_COOKIE)
    return response


def visit_channel(request) -> Channel | None:
    code = request.get_signed_cookie(CHANNEL_COOKIE, default=None, max_age=CHANNEL_COOKIE_AGE)
    return active_channel(code) if code else None


WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")
# What the form says of an answer it could not take, beside the question ("required" needs no
# words: the list is headed "still missing").
ANSWER_PROBLEMS = {
    "repeated": gettext_lazy("answered more than once: choose one answer"),
    "not_integer": gettext_lazy("not one of the answers offered"),
    "invalid_choice": gettext_lazy("not one of the answers offered"),
    "too_long": gettext_lazy("too long: please shorten it"),
    "not_text": gettext_lazy("not text"),
}
# ?help=1 on a questionnaire: show the crisis help above it (screening.views.questionnaire).
CRISIS_HELP = "help"
# ?after=<token> on a questionnaire: the quick check it steps up from, whose answers carry over.
AFTER = "after"


def version_number(post) -> int | None:
    """The version number the form's hidden field says it showed: None when it names none;
    ValueError when it is no whole number or is sent twice."""
    numbers = post.getlist("version")
    if len(numbers) > 1 or (numbers and numbers[0] and not WHOLE_NUMBER.fullmatch(numbers[0])):
        raise ValueError(numbers)
    return int(numbers[0]) if numbers and numbers[0] else None


def form_answers(
    post, text_codes: frozenset[str] = frozenset()
) -> tuple[dict[str, object], set[str]]:
    """The answers of a posted form, and the codes of the questions answered more than once.

    Radio values arrive as text; whole numbers become ints, anything else is left for the
    scoring engine to refuse by name. A field sent twice (``phq9_9=2&phq9_9=0``) is no answer:
    its values are kept as a list, which the scoring engine refuses, with the crisis help if any
    of them shows a crisis. Free-text answers (``text_codes``) stay as written.
    """
    answers: dict[str, object] = {}
    repeated: set[str] = set()
    for key, values in post.lists():
        if key in ("csrfmiddlewaretoken", "version", "age_band", AFTER):
            continue
        # ASCII digits only: "²" or "--1" are not whole numbers and must not crash int().
        if key not in text_codes:
            values = [int(value) if WHOLE_NUMBER.fullmatch(value) else value for value in values]
        if len(values) > 1:
            repeated.add(key)
            answers[key] = values
        else:
            answers[key] = values[0]
    return answers, repeated


@dataclass(frozen=True)
class StepUp:
    """The quick check a form steps up from, and the answers it carries over to the form."""

    earlier: Submission
    carried: dict[str, int]


def step_up_from(token: str | None, version: QuestionnaireVersion) -> StepUp | None:
    """The step-up behind ``?after=<token>`` to ``version``'s questionnaire: None for an
    unknown token, or a result that did not lead on to it (the plain form then). The answers
    always come from the stored result, never from the browser."""
    if not token or len(token) > 64 or not slug_re.fullmatch(token):
        return None
    earlier = Submission.objects.for_display().filter(token=token).first()
    carried = earlier.carried_to(version) if earlier is not None else None
    return StepUp(earlier, carried) if carried is not None else None


@dataclass(frozen=True)
class Refused:
    """Why a sent form comes back instead of its result, and with what."""

    status: int
    version: QuestionnaireVersion  # whose form is shown again
    errors: dict[str, str]
    crisis: bool  # the answers given show a crisis: the help comes first
    retry_after: float | None = None


def take_sheet(
    request, current: QuestionnaireVersion, answers: dict, repeated: set[str], channel
) -> HttpResponse | Refused:
    """Score and store a sent form (a 303 to its result), or say why it comes back.

    A form stepped up from a quick check (its hidden ``after``) has the answers carried over
    filled in from the stored quick check, whatever the browser sent for them."""
    try:
        version = QuestionnaireVersion.objects.answered(current, version_number(request.POST))
    except (ValueError, QuestionnaireVersion.DoesNotExist):
        # Refused as the API refuses it; the current form comes back with the answers kept.
        return Refused(400, current, {"version": "unknown_version"}, current.shows_crisis(answers))
    # The API's limit, counted together with it: the form is no way around it.
    throttle = SubmissionRateThrottle()
    if not throttle.allow_request(request, None):
        return Refused(429, version, {}, version.shows_crisis(answers), throttle.wait())
    # The hidden field carries the band given on the home page; a value that is none is no
    # reason to refuse someone's answers: it is taken as no age given.
    age_band = age_band_or_none(request.POST.get("age_band")) or ""
    step_up = step_up_from(request.POST.get(AFTER), version)
    if step_up is not None:
        answers |= step_up.carried
        repeated -= step_up.carried.keys()
        # Taken on from a quick check (on another phone, say, by its sheet's QR code): the age
        # it was given with still counts (12355 for minors, a guardian's consent under 14).
        age_band = age_band or step_up.earlier.age_band
    try:
        submission = Submission.create_from_answers(
            version=version,
            answers=answers,
            language=get_language(),
            channel=channel,
            age_band=age_band,
            follows=step_up.earlier if step_up else None,
        )
    except scoring.InvalidAnswers as invalid:
        errors = invalid.errors | {code: "repeated" for code in repeated}
        return Refused(400, version, errors, invalid.crisis)
    # 303: the browser fetches the result with GET, and "back" does not re-submit.
    return HttpResponseRedirect(submission.result_path(), status=303)


def sheet_context(
    version: QuestionnaireVersion, answers: dict, errors: dict, step_up: StepUp | None = None
) -> dict:
    """What templates/screening/questionnaire.html shows of ``version``'s sheet: its questions
    with the answers given, and the questions still missing one, with why.

    With a ``step_up``, the questions it carries over are shown answered and are not asked
    again; the others are numbered among themselves ("question 1 of 7")."""
    carried = step_up.carried if step_up else {}
    asked = [q for q in version.questions.all() if q.code not in carried]
    numbers = {q.code: number for number, q in enumerate(asked, 1)}
    return {
        "version": version,
        "questionnaire": version.questionnaire,
        # The questions are shared by every request (cached version): the person's own answers,
        # kept when the form comes back, travel beside them, never on them.
        "questions": [
            (q, carried.get(q.code, answers.get(q.code)), numbers.get(q.code))
            for q in version.questions.all()
        ],
        "asked": len(asked),
        "after": step_up.earlier if step_up else None,
        "answers": answers,
        "errors": errors,
        "missing": [
            (numbers[q.code], q, ANSWER_PROBLEMS.get(errors[q.code], ""))
            for q in asked
            if errors.get(q.code)
        ],
    }


def questionnaire(request, slug: str) -> HttpResponse:
    """The questionnaire as one plain form; a good answer sheet redirects to its result."""
    try:
        version = QuestionnaireVersion.objects.current_for(slug)
    except QuestionnaireVersion.DoesNotExist:
        raise Http404(_("No such self-test.")) from None
    answers: dict[str, object] = {}
    refused = None
    after = request.POST.get(AFTER) if request.method == "POST" else request.GET.get(AFTER)
    if request.method == "POST":
        text_codes = frozenset(q.code for q in version.questions.all() if q.is_text)
        answers, repeated = form_answers(request.POST, text_codes)
        channel = visit_channel(request)
        outcome = take_sheet(request, version, answers, repeated, channel)
        if not isinstance(outcome, Refused):
            return outcome
        refused = outcome
        # The answers given already show thoughts of self-harm: the help comes first, above
        # the questions still to answer, as it would on the result.
        show_help = refused.crisis
    else:
        # Back from the language or text-size button on a form that showed the crisis help:
        # the help stays at the top (the answers come back from the phone, keep-answers.js).
        show_help = request.GET.get(CRISIS_HELP) == "1"
        channel = visit_channel(request) if show_help else None
    if refused is not None:
        version, errors, status = refused.version, refused.errors, refused.status
    else:
        errors, status = {}, 200
    crisis = {}
    # Where the language and text-size buttons come back to; a crisis keeps its help there, a
    # calm sheet sent from ?help=1 does not.
    back = request.path if request.method == "POST" else request.get_full_path()
    minor = version.questionnaire.takers_are_minors(visit_age_band(request))
    if show_help:
        crisis = crisis_help(channel, minor=minor)
        back = f"{request.path}?{CRISIS_HELP}=1"
    step_up = step_up_from(after, version)
    if step_up is not None:
        # Back from the language or text-size button, the answers carried over stay so.
        help = f"{CRISIS_HELP}=1&" if show_help else ""
        back = f"{request.path}?{help}{AFTER}={step_up.earlier.token}"
    context = sheet_context(version, answers, errors, step_up) | {
        "age_band": visit_age_band(request),
        "crisis": crisis,
        "toggles_back": back,
        # Too many sheets from this address: the hotlines, whatever the answers.
        "limited": status == 429,
        "changed": "version" in errors,
        "hotlines": crisis["hotlines"] if crisis else [],
    }
    if status == 429 and not crisis:
        context["hotlines"] = crisis_hotlines(channel, minor=minor)
    response = render(request, "screening/questionnaire.html", context, status=status)
    if refused is not None and refused.retry_after is not None:
        response["Retry-After"] = str(math.ceil(refused.retry_after))
    if crisis:
        # As private as the refused form it stands in for (config.private_results): the help says
        # what was answered.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def result(request, token: str) -> HttpResponse:
    if not request.GET:
        # The address as the form's redirect, a QR code or a bookmark opens it: the page every
        # result of its kind shares, with this person's values written in.
        if (page := result_page.result_page(request, token)) is None:
            raise Http404
        return HttpResponse(page)
    submission = get_object_or_404(Submission.objects.for_display(), token=token)
    # The form's redirect adds ?callback=1; the thanks is shown only while a case is open, so a
    # restored tab or a shared link never tells someone a call is coming that is not.
    callback_sent = request.GET.get("callback") == "1" and submission.cases.open().exists()
    context = result_page.context(
        submission,
        request,
        callback_sent=callback_sent,
        callback_thanks=callback_thanks() if callback_sent else "",
        callback_errors={},
    )
    return render(request, result_page.TEMPLATE, context)


@require_http_methods(["GET", "HEAD", "POST"])
def result_callback(request, token: str) -> HttpResponse:
    """The result page's call-back form (works without JavaScript)."""
    submission = get_object_or_404(Submission.objects.for_display(), token=token)
    if request.method != "POST":
        # A refused form's page has this address: reloading it, or the language and text-size
        # buttons coming back to it, must lead to the result and its hotlines, not a blank 405.
        return redirect(f"{submission.result_path()}#callback")
    form = CallbackForm(request.POST, submission=submission)
    if not form.is_valid():
        errors, status = {field: messages[0] for field, messages in form.errors.items()}, 400
    else:
        try:
            # The same limits as the API's, so that the form is no way around them.
            with CallbackLimits(request, token) as limits:
                _case, created = request_callback(
                    submission=submission,
                    phone=form.cleaned_data["phone"],
                    preferred_time=form.cleaned_data["preferred_time"],
                    note=form.cleaned_data["note"],
                    confirm_by_sms=form.cleaned_data["confirm_by_sms"],
                    guardian_consent=form.cleaned_data["guardian_consent"],
                )
                limits.taken(created=created)
        except Throttled:
            errors, status = {"limit": TOO_MANY_CALLBACKS}, 429
        else:
            return HttpResponseRedirect(
                f"{submission.result_path()}?callback=1#callback", status=303
            )
    context = result_page.context(
        submission,
        request,
        callback_errors=errors,
        callback_form={k: request.POST.get(k, "") for k in ("preferred_time", "note")},
    )
    return render(request, result_page.TEMPLATE, context, status=status)


@require_POST
def text_size(request) -> HttpResponse:
    """Large-text toggle, remembered in a cookie; a plain form so it works without JavaScript."""
    response = redirect(this_site(request, request.POST.get("next"), fallback=reverse("home")))
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(
            LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 60 * 60, samesite="Lax",
            secure=not settings.DEBUG and request.is_secure(),
        )  # fmt: skip
    return response
