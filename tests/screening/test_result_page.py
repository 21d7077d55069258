"""The result page written from the page its kind of result shares is the page rendered whole."""

import re
from urllib.parse import urlencode

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from referrals.models import ReferralCase
from screening import result_page
from screening.models import Channel, QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db

SHEETS = {
    "mild": (1, 1, 1, 1, 1, 1, 0, 0, 0),
    "moderate": (2, 2, 2, 2, 2, 1, 0, 0, 0),
    "severe": (3, 3, 3, 3, 3, 3, 3, 3, 0),
    "crisis": (0, 0, 0, 0, 0, 0, 0, 0, 1),
}
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def stored(values, *, channel=None, language="zh-hans") -> Submission:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language=language, channel=channel
    )
    return Submission.objects.for_display().get(pk=submission.pk)


def whole(request, submission) -> str:
    """The page rendered whole, as before the shared page."""
    values = result_page.context(submission, request, callback_sent=False, callback_errors={})
    return render_to_string(result_page.TEMPLATE, values, request=request)


@pytest.mark.parametrize("kind", SHEETS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("large_text", [False, True])
@pytest.mark.parametrize("poster", [None, "demo"])
def test_the_written_in_page_is_the_whole_page(demo_data, kind, language, large_text, poster):
    channel = Channel.objects.get(code=poster) if poster else None
    # Two results of the same kind: the second is written into the first's shared page.
    first, second = (stored(SHEETS[kind], channel=channel) for _ in range(2))
    factory = RequestFactory()
    with translation.override(language):
        for submission in (first, second):
            request = factory.get(submission.result_path())
            if large_text:
                request.COOKIES["large_text"] = "1"
            written = result_page.result_page(request, submission.token)
            assert CSRF_VALUE.sub(r"\1\2", written) == CSRF_VALUE.sub(
                r"\1\2", whole(request, submission)
            )
            assert submission.token in written and result_page.TOKEN not in written
            assert result_page.SCORE not in written and result_page.CSRF not in written


def test_the_shared_page_is_rendered_once_per_kind(demo_data, monkeypatch):
    rendered = []
    real = result_page.context

    def counting(*args, **kwargs):
        rendered.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(result_page, "context", counting)
    client = Client()
    pages = [client.get(stored(SHEETS["mild"]).result_path()) for _ in range(3)]
    assert [p.status_code for p in pages] == [200] * 3
    assert len(rendered) == 1
    client.get(stored(SHEETS["moderate"]).result_path())
    assert len(rendered) == 2


def test_the_written_in_csrf_token_lets_the_call_back_form_through(demo_data):
    submission = stored(SHEETS["crisis"])
    client = Client(enforce_csrf_checks=True)
    page = client.get(submission.result_path()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    action = re.search(r'<form method="post" action="([^"]+callback/)#callback"', page).group(1)
    assert action == f"/r/{submission.token}/callback/"
    response = client.post(
        action,
        urlencode({"phone": "13912345678", "consent": "yes", "csrfmiddlewaretoken": token}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 303
    assert ReferralCase.objects.filter(submission=submission).exists()
    # Back with ?callback=1 the page is rendered whole, with the thanks.
    thanks = client.get(response["Location"]).content.decode()
    assert 'role="status"' in thanks


@pytest.mark.parametrize("kind", SHEETS)
@pytest.mark.parametrize("poster", [None, "demo"])
def test_a_result_is_found_by_its_own_row_and_kind(demo_data, kind, poster):
    channel = Channel.objects.get(code=poster) if poster else None
    submission = stored(SHEETS[kind], channel=channel)
    found = Submission.objects.kind_of(submission.token)
    assert found == (submission.token, submission.total_score, *submission.kind)
    assert found[-1] == (channel.region if channel else "")
    assert Submission.objects.kind_of("x" * 32) is None


def test_an_unknown_result_is_not_found(client, demo_data):
    assert client.get("/r/" + "x" * 32 + "/").status_code == 404


@pytest.mark.parametrize("taken", [False, True], ids=["offered", "taken"])
def test_a_quick_check_leading_on_is_the_whole_page_too(demo_data, taken):
    # Its links on carry the person's token (?after=…); once taken, it links to their results.
    version = QuestionnaireVersion.objects.current_for("phq-4")
    answers = {"phq4_1": 2, "phq4_2": 1, "phq4_3": 2, "phq4_4": 2}
    first, second = (
        Submission.create_from_answers(version=version, answers=answers, language="zh-hans")
        for _ in range(2)
    )
    if taken:
        phq9 = QuestionnaireVersion.objects.current_for("phq-9")
        Submission.create_from_answers(
            version=phq9,
            answers={f"phq9_{i}": 1 for i in range(1, 9)} | {"phq9_9": 0},
            language="zh-hans",
            follows=second,
        )
    for submission in (first, second):
        submission = Submission.objects.for_display().get(pk=submission.pk)
        request = RequestFactory().get(submission.result_path())
        written = result_page.result_page(request, submission.token)
        assert CSRF_VALUE.sub(r"\1\2", written) == CSRF_VALUE.sub(
            r"\1\2", whole(request, submission)
        )
        assert f"?after={submission.token}" in written
    assert first.token not in result_page.result_page(request, second.token)
    assert second.token not in result_page.result_page(request, first.token)
