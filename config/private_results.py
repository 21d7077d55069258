"""Responses about one person's result are kept by no cache and indexed by no search engine."""

import re
from urllib.parse import urlsplit

from django.utils.cache import add_never_cache_headers

# Every URL that carries a result token (the result page, its PDF and call-back, the API result)
# and the API's submission, whose answer is a result.
# Without the trailing slash too: CommonMiddleware's redirect to it carries the token.
PRIVATE_PATH = re.compile(
    r"^/(r/[^/]+|api/v1/submissions/[^/]+|api/v1/questionnaires/[^/]+/submissions)(/|$)"
)


def is_private(request, response) -> bool:
    """Whether ``response`` shows or leads to one person's answers or result.

    Under a result token, or naming one (``?after=``, a questionnaire with the answers a quick
    check carries over); any answer to a form or API write (a questionnaire sent back with the
    person's answers, the redirect to their new result, the language and text-size buttons'
    way back to it, a refused form's page linking back); any redirect to a result.
    """
    if PRIVATE_PATH.match(request.path_info) or request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    # A questionnaire taken on from a quick check (?after=<token>) shows its carried answers.
    if request.GET.get("after"):
        return True
    location = response.get("Location")
    return bool(location) and bool(PRIVATE_PATH.match(urlsplit(location).path))


class PrivateResultMiddleware:
    """Responses about a person's result: no shared or browser cache keeps them, no index."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request, response):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
