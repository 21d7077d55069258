"""The result page, rendered once per kind of result and filled in with each person's values.

Every villager who takes a test opens this page, and results of one kind (questionnaire version,
band, crisis or not, region, language, text size) show the same next step, hotlines and texts:
only the token (in the page's links), the score and the CSRF token differ. So the page is
rendered once per kind every few seconds, as the API's result body is (screening.result_body),
with stand-ins for those values, which each request writes in. Rendering the page's templates
anew cost each request three times what the rest of it did.

``tests/screening/test_result_page.py`` holds the filled-in page to the page rendered whole.
"""

from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string

from config.caching import recent
from config.kept_connections import read_on_kept_connection
from screening.models import Submission
from screening.models.submissions import is_linked_kind
from screening.recommendations import RESULT_ROWS, result_kind, result_parts

TEMPLATE = "screening/result.html"
# Stand-ins of the values' own shapes: the token passes the URL converter, and none of them is
# changed by HTML escaping. A real token equals none of them (32 random URL-safe characters).
TOKEN = "zzResultTokenStandInzzResultToke"
SHORT_TOKEN = TOKEN[:8]
SCORE = "zzScoreStandIn"
CSRF = "zzCsrfStandIn"


def context(submission: Submission, request, **extra) -> dict:
    """What templates/screening/result.html shows of ``submission``, and ``extra``."""
    return result_parts(submission) | {"request": request} | extra


def page_key(request, token: str, kind: tuple) -> tuple:
    """All the shared page of results of ``kind`` depends on."""
    return (*result_kind(kind), request.COOKIES.get("large_text") == "1")


# Editing any row the page shows forgets every page at once (config.caching).
@recent(*RESULT_ROWS, key=page_key)
def shared_page(request, token: str, kind: tuple) -> str:
    """The page of ``kind``'s results with stand-ins for the person's values, rendered from the
    result behind ``token`` (one of that kind)."""
    stand_in = Submission.objects.for_display().get(token=token)
    stand_in.token, stand_in.total_score = TOKEN, SCORE
    values = context(
        stand_in,
        request,
        csrf_token=CSRF,
        toggles_back=stand_in.result_path(),
        callback_errors={},
    )
    # Only results linked to none of the person's others share a page (``is_linked_kind``), so
    # it never shows a link to one: should the stand-in's fuller check land between the kind's
    # read and this one, its address must not reach everyone else of the kind.
    values |= {"follows": None, "follow_ons": [], "step_ups": stand_in.step_up_offers()}
    # Without the request: its context processors would write the CSRF token in (and the
    # template reads only what ``values`` holds).
    return get_template(TEMPLATE).render(values)


def result_page(request, token: str) -> str | None:
    """The result page behind ``token`` as a plain GET of its address shows it (None: there
    is no such result).

    Reads only the result's own row: everything else on the page comes with its kind's page.
    """
    found = read_on_kept_connection(lambda: Submission.objects.kind_of(token))
    if found is None:
        return None
    token, score, *kind = found
    if is_linked_kind(kind):
        # Linked to the person's other results (a step-up taken): their addresses are written
        # in by rendering the page whole, never kept for others of its kind.
        submission = Submission.objects.for_display().get(token=token)
        values = context(submission, request, callback_errors={})
        return render_to_string(TEMPLATE, values, request=request)
    return (
        shared_page(request, token, tuple(kind))
        .replace(TOKEN, token)
        .replace(SHORT_TOKEN, token[:8])
        .replace(SCORE, str(score))
        .replace(CSRF, get_token(request))
    )
