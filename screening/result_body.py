"""A result's API body: written once as JSON text, exactly as DRF's JSONRenderer would write it,
and sent as written.

SubmissionSerializer's declared fields are the contract (the schema, typed clients); building
them anew for every result cost more than scoring and storing the submission. So the body is
written here, and tests/screening/test_result_body.py holds it, byte for byte, to what the
serializer and the renderer give.
What results of one kind share (questionnaire, band, next step, hotlines) is written once per
process every few seconds (see shared_result); only a result's own values are written each time.
"""

import json
from collections.abc import Mapping
from types import MappingProxyType

from django.http import HttpResponse
from django.urls import reverse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from config.caching import recent
from screening.models import Submission
from screening.recommendations import RESULT_ROWS, result_kind
from screening.result_serializers import SubmissionSerializer

CREATED_AT = serializers.DateTimeField()
# Stand-ins for a result's own token and call-back address in what results share.
TOKEN_SLOT = "token-goes-here"
CALLBACK_SLOT = "callback-url-goes-here"

# JSONRenderer's default settings (compact, UTF-8 text, no NaN), for writing a body in parts.
_ENCODER = JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def as_json(value) -> str:
    """``value`` as JSONRenderer writes it, U+2028 and U+2029 escaped for JavaScript."""
    return _ENCODER.encode(value).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


CALLBACK_SLOT_JSON = as_json(CALLBACK_SLOT)


def write_result_body(submission: Submission, request) -> bytes:
    """The API body of ``submission`` (loaded with ``for_display``) as JSON, for ``request``'s
    site and language: what ``SubmissionSerializer(submission).data`` rendered gives."""
    serializer = SubmissionSerializer(context={"request": request})
    shared = shared_result(serializer, submission)
    token = submission.token
    result_url, pdf_url, callback_url = (
        f"{before}{token}{after}" for before, after in shared["addresses"]
    )
    recommendation = shared["recommendation"].replace(CALLBACK_SLOT_JSON, as_json(callback_url), 1)
    fields = (
        ("token", as_json(token)),
        ("questionnaire", shared["questionnaire"]),
        ("answers", as_json(submission.choice_answers)),
        ("total_score", as_json(submission.total_score)),
        ("max_score", as_json(submission.max_score)),
        ("band", shared["band"]),
        ("tier", as_json(submission.tier)),
        ("crisis", as_json(submission.crisis)),
        ("triggered_rules", as_json(submission.triggered_rules)),
        ("recommendation", recommendation),
        ("hotlines", shared["hotlines"]),
        ("result_url", as_json(result_url)),
        ("pdf_url", as_json(pdf_url)),
        ("language", as_json(submission.language)),
        ("channel", as_json(submission.channel.code if submission.channel_id else None)),
        ("age_band", as_json(submission.age_band)),
        ("created_at", as_json(CREATED_AT.to_representation(submission.created_at))),
        # The person's own answers carried over: never among the shared parts.
        ("next", as_json(serializer.get_next(submission)) if submission.step_ups else "[]"),
        ("follows", as_json(submission.follows.token if submission.follows_id else None)),
    )
    return ("{" + ",".join(f'"{name}":{value}' for name, value in fields) + "}").encode()


def shared_key(serializer: SubmissionSerializer, submission: Submission) -> tuple:
    """All that the shared parts of ``submission``'s body depend on."""
    return (*result_kind(submission.kind), serializer.absolute("/"))


def shared_parts(serializer: SubmissionSerializer, submission: Submission) -> dict:
    """What every result of ``submission``'s kind shows alike (see shared_key), as JSON."""
    version = submission.version
    recommendation = serializer.get_recommendation(submission)
    if "callback_url" in recommendation:
        # The result's own address, written in by write_result_body: never kept for the next one.
        recommendation["callback_url"] = CALLBACK_SLOT
    questionnaire = {
        "slug": version.questionnaire.slug,
        "title": version.questionnaire.title,
        "version": version.number,
    }
    band = {"code": submission.band.code, "label": submission.band.label}
    return {
        "questionnaire": as_json(questionnaire),
        "band": as_json(band | {"meaning": submission.meaning()}),
        "recommendation": as_json(recommendation),
        "hotlines": as_json(serializer.get_hotlines(submission)),
        # Each address with the token left out, (before, after): only the token differs.
        "addresses": tuple(
            serializer.absolute(reverse(name, args=[TOKEN_SLOT])).rpartition(TOKEN_SLOT)[::2]
            for name in ("result", "result-pdf", "api-callback")
        ),
    }


# Every result of one kind (questionnaire version, band, crisis or not, region, language, site
# and where it is mounted) repeats the same questionnaire, band, next step and hotlines: a rush
# of results writes them once per process every few seconds, as JSON text that no result can
# change. Edits to the rows they show are forgotten at once, as the rows themselves are
# (config.caching).
@recent(*RESULT_ROWS, key=shared_key)
def shared_result(serializer: SubmissionSerializer, submission: Submission) -> Mapping:
    return MappingProxyType(shared_parts(serializer, submission))


def renders_as_written(renderer, accepted_media_type: str) -> bool:
    """Whether ``renderer`` would write a body byte for byte as ``as_json`` does: DRF's
    JSONRenderer with its settings as shipped, no indent asked for (``; indent=2``)."""
    return (
        type(renderer) is JSONRenderer
        and not renderer.ensure_ascii
        and renderer.compact
        and renderer.strict
        and renderer.get_indent(accepted_media_type, {}) is None
    )


def result_response(request, body: bytes, status: int) -> HttpResponse:
    """``body`` answered as DRF would answer its data after negotiating ``request``: the written
    bytes themselves when the chosen renderer writes them alike (nearly always); otherwise
    (pretty-printed, ASCII-only) that renderer's own writing of them."""
    renderer, media_type = request.accepted_renderer, request.accepted_media_type
    if renders_as_written(renderer, media_type):
        return HttpResponse(body, status=status, content_type=renderer.media_type)
    return Response(json.loads(body), status=status)
